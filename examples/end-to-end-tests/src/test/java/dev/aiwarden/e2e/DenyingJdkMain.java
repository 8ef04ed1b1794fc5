package dev.aiwarden.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

/**
 * Runs in a child JVM with the agent attached. The policy engine is not this test's subject, so it
 * wraps the agent's installed core in one that denies every AI call (rule {@code model.not_allowed})
 * and then makes AI calls through each JDK client, printing what the application sees. The test
 * checks that no byte reached the server.
 */
public final class DenyingJdkMain {
  public static void main(String[] args) throws Exception {
    denyEverything();
    String url = System.getenv("OPENAI_BASE_URL") + "/chat/completions";
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + System.getenv("OPENAI_API_KEY"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpClient client = HttpClient.newHttpClient();
    try {
      client.send(request, HttpResponse.BodyHandlers.ofString());
      System.out.println("RESULT send allowed");
    } catch (IOException e) {
      System.out.println("RESULT send " + e.getClass().getName() + " " + e.getMessage());
    }
    try {
      client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get();
      System.out.println("RESULT sendAsync allowed");
    } catch (ExecutionException e) {
      System.out.println(
          "RESULT sendAsync " + e.getCause().getClass().getName() + " " + e.getCause().getMessage());
    }
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setRequestProperty("Authorization", "Bearer " + System.getenv("OPENAI_API_KEY"));
    try (OutputStream out = c.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    try {
      System.out.println("RESULT huc allowed " + c.getResponseCode());
    } catch (IOException e) {
      System.out.println("RESULT huc " + e.getClass().getName() + " " + e.getMessage());
    }
    // Non-AI traffic on the same clients is untouched.
    HttpResponse<String> other =
        client.send(
            HttpRequest.newBuilder(URI.create(url.replace("/v1/chat/completions", "/health"))).build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println("RESULT other status=" + other.statusCode());
  }

  private static void denyEverything() throws Exception {
    Class<?> warden = Class.forName("dev.aiwarden.bootstrap.Warden", true, null);
    Class<?> hooksType = Class.forName("dev.aiwarden.bootstrap.WardenHooks", true, null);
    Class<?> denial = Class.forName("dev.aiwarden.bootstrap.PolicyDeniedException", true, null);
    Field f = warden.getDeclaredField("hooks");
    f.setAccessible(true);
    Object real = f.get(null);
    Object denying =
        Proxy.newProxyInstance(
            DenyingJdkMain.class.getClassLoader(),
            new Class<?>[] {hooksType},
            (proxy, method, margs) -> {
              if (method.getName().equals("requestStarting")) {
                throw (Throwable)
                    denial
                        .getConstructor(String.class, String.class)
                        .newInstance("model.not_allowed", "the test denies every AI call.");
              }
              try {
                return method.invoke(real, margs);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    // Warden.install is sealed after start-up; a test (like any code bent on it, see
    // docs/reliability.md#configuration-tamper) can still replace the core by reflection.
    f.set(null, denying);
  }
}
