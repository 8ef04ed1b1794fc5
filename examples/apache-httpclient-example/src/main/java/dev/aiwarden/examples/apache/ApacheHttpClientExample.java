package dev.aiwarden.examples.apache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * An application calling OpenAI's REST API over raw Apache HttpClient (5 classic, 5 async with
 * {@code SimpleHttpRequest} and with request producers / streaming response consumers, and
 * 4.x classic), with hand-written JSON: no SDK. It knows nothing of ai-warden. Each argument
 * names a scenario; every result is one {@code RESULT} line (the raw response text, so a test can
 * compare runs with and without the agent byte for byte).
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}. TLS trust comes from the JVM's {@code javax.net.ssl.*} properties.
 */
public final class ApacheHttpClientExample {
  static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) throws Exception {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("hc5-chat", "hc5-stream", "hc5-async-chat", "hc4-chat", "hc4-stream");
    }
    String base = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_API_KEY");
    for (String scenario : scenarios) {
      try {
        run(scenario, base, key);
      } catch (Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        // A failed call is a result too (a test compares them with and without the agent).
        System.out.println("RESULT " + scenario + " error=" + root.getMessage());
      }
    }
  }

  private static void run(String scenario, String base, String key) throws Exception {
    switch (scenario) {
      case "hc5-chat":
      case "hc5-stream":
        classic5(scenario, base, key, scenario.endsWith("stream"));
        break;
      case "hc5-async-chat":
        async5(scenario, base, key);
        break;
      case "hc5-async-builder-chat":
      case "hc5-async-producer-stream":
        AsyncProducerCalls.run(scenario, base, key);
        break;
      case "hc4-chat":
      case "hc4-stream":
      case "hc4-embeddings":
        HttpClient4Calls.run(scenario, base, key);
        break;
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  static String chatBody(boolean stream) {
    return "{\"model\":\"gpt-4o\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
        + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],"
        + "\"max_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\""
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")
        + "}";
  }

  private static void classic5(String scenario, String base, String key, boolean stream)
      throws Exception {
    try (CloseableHttpClient client = HttpClients.createSystem()) {
      HttpPost post = new HttpPost(base + "/chat/completions");
      post.setHeader("Authorization", "Bearer " + key);
      post.setEntity(new StringEntity(chatBody(stream), ContentType.APPLICATION_JSON));
      try (CloseableHttpResponse response = client.execute(post)) {
        if (!stream) {
          String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
          print(scenario, response.getCode(), body);
          return;
        }
        int events = 0;
        try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8))) {
          for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("data:")) {
              events++;
            }
          }
        }
        System.out.println("RESULT " + scenario + " status=" + response.getCode() + " events=" + events);
      }
    }
  }

  private static void async5(String scenario, String base, String key) throws Exception {
    try (CloseableHttpAsyncClient client = HttpAsyncClients.createSystem()) {
      client.start();
      SimpleHttpRequest request = SimpleHttpRequest.create("POST", base + "/chat/completions");
      request.setHeader("Authorization", "Bearer " + key);
      request.setBody(chatBody(false), ContentType.APPLICATION_JSON);
      SimpleHttpResponse response = client.execute(request, null).get(30, TimeUnit.SECONDS);
      print(scenario, response.getCode(), response.getBodyText());
    }
  }

  static void print(String scenario, int status, String body) {
    System.out.println(
        "RESULT " + scenario + " status=" + status + " body=" + body.replaceAll("\\s+", " "));
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
