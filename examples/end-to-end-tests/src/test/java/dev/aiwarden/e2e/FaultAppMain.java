package dev.aiwarden.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An application for the fault, internal-error and tamper tests, run in a child JVM with the agent:
 * openai-java chats against the local server ({@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY}),
 * steps given as arguments, each printing one {@code RESULT} line:
 *
 * <ul>
 *   <li>{@code chat}: one chat; {@code RESULT chat id=...} or {@code RESULT chat error=MESSAGE}
 *   <li>{@code chats:N}: N chats in a row; {@code RESULT chats n=N ok=.. denied=.. failed=..
 *       rule=FIRST_DENIAL_RULE millis=..}
 *   <li>{@code get}: a non-AI GET ({@code /health}) with OkHttp; {@code RESULT get status=...}
 *   <li>{@code wait-for:FILE}: waits (at most 90 s) until FILE exists
 *   <li>{@code setprop:NAME=VALUE}: {@code System.setProperty}
 *   <li>{@code write-policy:FILE}: writes a permissive policy ({@code mode: monitor}) to FILE
 *   <li>{@code getenv-put}: tries to put {@code AIWARDEN_POLICY} into the environment map
 *   <li>{@code uninstall}: calls the agent's public {@code Warden.install(null)} found by name
 *   <li>{@code sleep:MILLIS}; {@code end}: {@code RESULT end epochMillis=...} (the test measures
 *       how long the JVM takes to exit after it)
 * </ul>
 */
public final class FaultAppMain {
  public static void main(String[] args) throws Exception {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(System.getenv("OPENAI_BASE_URL"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .build();
    for (String step : args) {
      if (step.equals("chat")) {
        try {
          System.out.println("RESULT chat id=" + chat(client).id());
        } catch (RuntimeException e) {
          System.out.println("RESULT chat error=" + innermost(e).getMessage());
        }
      } else if (step.startsWith("chats:")) {
        chats(client, Integer.parseInt(step.substring("chats:".length())));
      } else if (step.equals("get")) {
        get();
      } else if (step.startsWith("wait-for:")) {
        waitFor(Paths.get(step.substring("wait-for:".length())));
      } else if (step.startsWith("setprop:")) {
        String kv = step.substring("setprop:".length());
        int eq = kv.indexOf('=');
        System.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
        System.out.println("RESULT setprop " + kv.substring(0, eq));
      } else if (step.startsWith("write-policy:")) {
        Files.write(
            Paths.get(step.substring("write-policy:".length())),
            "version: 1\nmode: monitor\n".getBytes(StandardCharsets.UTF_8));
        System.out.println("RESULT write-policy");
      } else if (step.equals("getenv-put")) {
        try {
          System.getenv().put("AIWARDEN_POLICY", "/tmp/permissive.yaml");
          System.out.println("RESULT getenv-put changed");
        } catch (RuntimeException e) {
          System.out.println("RESULT getenv-put " + e.getClass().getName());
        }
      } else if (step.startsWith("sleep:")) {
        Thread.sleep(Long.parseLong(step.substring("sleep:".length())));
      } else if (step.equals("end")) {
        System.out.println("RESULT end epochMillis=" + System.currentTimeMillis());
      } else if (step.equals("uninstall")) {
        uninstall();
      } else {
        throw new IllegalArgumentException("unknown step " + step);
      }
    }
    client.close();
  }

  private static ChatCompletion chat(OpenAIClient client) {
    return client
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model(ChatModel.GPT_4O)
                .addUserMessage("Summarise our quarterly numbers in one friendly sentence.")
                .build());
  }

  private static void chats(OpenAIClient client, int n) {
    int ok = 0;
    int denied = 0;
    int failed = 0;
    String rule = null;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try {
        chat(client);
        ok++;
      } catch (RuntimeException e) {
        String m = String.valueOf(innermost(e).getMessage());
        if (m.startsWith("ai-warden: blocked by ")) {
          denied++;
          if (rule == null) {
            String r = m.substring("ai-warden: blocked by ".length());
            rule = r.substring(0, r.indexOf(':'));
          }
        } else {
          failed++;
        }
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("RESULT chats n=" + n + " ok=" + ok + " denied=" + denied + " failed=" + failed
        + " rule=" + rule + " millis=" + millis);
  }

  private static void get() throws Exception {
    String base = System.getenv("OPENAI_BASE_URL");
    String root = base.substring(0, base.indexOf('/', "https://".length()));
    OkHttpClient http = new OkHttpClient();
    try (Response r = http.newCall(new Request.Builder().url(root + "/health").build()).execute()) {
      System.out.println("RESULT get status=" + r.code());
    }
  }

  private static void uninstall() {
    try {
      Class<?> warden = Class.forName("dev.aiwarden.bootstrap.Warden");
      Class<?> hooks = Class.forName("dev.aiwarden.bootstrap.WardenHooks");
      warden.getMethod("install", hooks).invoke(null, new Object[] {null});
      System.out.println("RESULT uninstall called installed=" + warden.getMethod("installed").invoke(null));
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      System.out.println("RESULT uninstall " + e.getClass().getName());
    } catch (InvocationTargetException e) {
      System.out.println("RESULT uninstall threw " + e.getCause());
    }
  }

  private static void waitFor(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static Throwable innermost(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
