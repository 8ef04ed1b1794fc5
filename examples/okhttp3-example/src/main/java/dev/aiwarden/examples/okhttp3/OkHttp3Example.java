package dev.aiwarden.examples.okhttp3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * An application calling OpenAI's REST API over raw OkHttp 3.x (what older Retrofit-based
 * clients bring), with hand-written JSON. It knows nothing of ai-warden. Each argument names a
 * scenario; every result is one {@code RESULT} line.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class OkHttp3Example {
  static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";
  private static final MediaType JSON = MediaType.parse("application/json");

  public static void main(String[] args) throws Exception {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "chat-async", "stream");
    }
    String base = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_API_KEY");
    OkHttpClient client = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
    for (String scenario : scenarios) {
      Request request =
          new Request.Builder()
              .url(base + "/chat/completions")
              .header("Authorization", "Bearer " + key)
              .post(RequestBody.create(JSON, chatBody(scenario.equals("stream"))))
              .build();
      switch (scenario) {
        case "chat":
          try (Response r = client.newCall(request).execute()) {
            print(scenario, r.code(), r.body().string());
          }
          break;
        case "chat-async":
          CompletableFuture<String> done = new CompletableFuture<>();
          client.newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
              done.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response r) throws IOException {
              try (Response closing = r) {
                done.complete("status=" + r.code() + " body=" + r.body().string());
              }
            }
          });
          System.out.println("RESULT " + scenario + " " + done.get(30, TimeUnit.SECONDS).replaceAll("\\s+", " "));
          break;
        case "stream":
          try (Response r = client.newCall(request).execute()) {
            int events = 0;
            BufferedSource source = r.body().source();
            for (String line; (line = source.readUtf8Line()) != null; ) {
              if (line.startsWith("data:")) {
                events++;
              }
            }
            System.out.println("RESULT " + scenario + " status=" + r.code() + " events=" + events);
          }
          break;
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  static String chatBody(boolean stream) {
    return "{\"model\":\"gpt-4o\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
        + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],"
        + "\"max_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\""
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "")
        + "}";
  }

  static void print(String scenario, int status, String body) {
    System.out.println("RESULT " + scenario + " status=" + status + " body=" + body.replaceAll("\\s+", " "));
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
