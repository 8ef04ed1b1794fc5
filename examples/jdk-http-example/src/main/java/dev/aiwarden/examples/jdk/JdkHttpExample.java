package dev.aiwarden.examples.jdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An application that talks to an OpenAI-compatible endpoint (a company proxy, say) with nothing
 * but the JDK: {@code java.net.http.HttpClient} and {@code HttpURLConnection}. It knows nothing of
 * ai-warden. Each argument names a scenario; every result is one {@code RESULT} line, so a test can
 * compare runs with and without the agent. {@code TIMING} lines report time to first chunk.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (e.g. {@code https://proxy.example.test:8443/v1}), {@code
 * OPENAI_API_KEY}, {@code EXAMPLE_WORDS} (reply words, default 8), {@code EXAMPLE_REPEAT}
 * (streams of the {@code stream-timed} scenario, default 5).
 */
public final class JdkHttpExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";
  private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern FINISH = Pattern.compile("\"finish_reason\"\\s*:\\s*\"([a-z_]+)\"");

  private final HttpClient client = HttpClient.newHttpClient();
  private final String baseUrl = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
  private final String key = System.getenv("OPENAI_API_KEY");
  private final String words = env("EXAMPLE_WORDS", "8");

  public static void main(String[] args) throws Exception {
    List<String> scenarios = new ArrayList<>(Arrays.asList(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "chat-async", "stream", "huc-chat", "huc-stream");
    }
    JdkHttpExample app = new JdkHttpExample();
    for (String scenario : scenarios) {
      app.run(scenario);
    }
  }

  private void run(String scenario) throws Exception {
    switch (scenario) {
      case "chat": {
        HttpResponse<String> r = client.send(request(false), HttpResponse.BodyHandlers.ofString());
        System.out.println("RESULT chat status=" + r.statusCode() + " " + summary(r.body()));
        break;
      }
      case "chat-async": {
        HttpResponse<String> r =
            client.sendAsync(request(false), HttpResponse.BodyHandlers.ofString()).get();
        System.out.println("RESULT chat-async status=" + r.statusCode() + " " + summary(r.body()));
        break;
      }
      case "stream":
        stream("stream");
        break;
      case "stream-timed": {
        int repeat = Integer.parseInt(env("EXAMPLE_REPEAT", "5"));
        for (int i = 0; i < repeat; i++) {
          stream("stream-timed");
        }
        break;
      }
      case "huc-chat": {
        HttpURLConnection c = connection(false);
        System.out.println(
            "RESULT huc-chat status=" + c.getResponseCode() + " " + summary(read(c.getInputStream())));
        break;
      }
      case "huc-stream": {
        HttpURLConnection c = connection(true);
        List<String> chunks = new ArrayList<>();
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("data:")) {
              chunks.add(line);
            }
          }
        }
        System.out.println("RESULT huc-stream " + streamSummary(chunks));
        break;
      }
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  /** One streamed chat through {@code send(..., ofLines())}: prints the chunks and the timing. */
  private void stream(String scenario) throws Exception {
    long start = System.nanoTime();
    HttpResponse<java.util.stream.Stream<String>> r =
        client.send(request(true), HttpResponse.BodyHandlers.ofLines());
    List<String> chunks = new ArrayList<>();
    long[] seen = {-1, -1};
    try (java.util.stream.Stream<String> lines = r.body()) {
      lines
          .filter(l -> l.startsWith("data:"))
          .forEach(
              l -> {
                if (chunks.size() < 2) {
                  seen[chunks.size()] = System.nanoTime() - start;
                }
                chunks.add(l);
              });
    }
    System.out.println(
        "TIMING " + scenario
            + " first_chunk_micros=" + seen[0] / 1000
            + " second_chunk_micros=" + seen[1] / 1000);
    System.out.println("RESULT " + scenario + " status=" + r.statusCode() + " " + streamSummary(chunks));
  }

  private HttpRequest request(boolean stream) {
    return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + key)
        .header("x-test-words", words)
        .POST(HttpRequest.BodyPublishers.ofString(body(stream)))
        .build();
  }

  private HttpURLConnection connection(boolean stream) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) new URL(baseUrl + "/chat/completions").openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setRequestProperty("Authorization", "Bearer " + key);
    c.setRequestProperty("x-test-words", words);
    try (OutputStream out = c.getOutputStream()) {
      out.write(body(stream).getBytes(StandardCharsets.UTF_8));
    }
    return c;
  }

  private static String body(boolean stream) {
    return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\","
        + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
        + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")
        + "}";
  }

  private static String summary(String json) {
    Matcher content = CONTENT.matcher(json);
    Matcher finish = FINISH.matcher(json);
    return "finish=" + (finish.find() ? finish.group(1) : "-")
        + " text=" + (content.find() ? content.group(1) : "-");
  }

  private static String streamSummary(List<String> chunks) {
    String text =
        chunks.stream()
            .map(CONTENT::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .collect(Collectors.joining());
    String finish =
        chunks.stream()
            .map(FINISH::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .findFirst()
            .orElse("-");
    return "chunks=" + chunks.size() + " finish=" + finish + " text=" + text;
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
