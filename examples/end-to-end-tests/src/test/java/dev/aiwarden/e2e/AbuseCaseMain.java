package dev.aiwarden.e2e;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.ImageGenerationOptions;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.exception.HttpResponseException;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The abuse case's applications, in one child JVM (test-only main for {@link AbuseCaseIT}): each
 * argument is one step {@code NAME|CLIENT|OP|KEY|BASE_ENV|CALLS|THREADS}, run in order.
 *
 * <ul>
 *   <li>{@code CLIENT}: {@code openai} (openai-java) or {@code azure} (azure-ai-openai)
 *   <li>{@code OP}: {@code say=PROMPT} (a chat) or {@code image=PROMPT} (DALL-E 3)
 *   <li>{@code KEY}: where the application gets its key: {@code env:VAR}, {@code file:PATH} ({@code
 *       Files.readString}), {@code literal:CLASS} (a constant of a class loaded from the folder in
 *       system property {@code abuse.classes})
 *   <li>{@code BASE_ENV}: the environment variable holding the endpoint
 *   <li>{@code CALLS} per thread, {@code THREADS} threads started together
 * </ul>
 *
 * Every call prints {@code RESULT NAME ok}, {@code RESULT NAME status=N} (an HTTP error, e.g. the
 * content filter's 400) or {@code RESULT NAME error=<innermost message>}; the prompt and the key are never printed.
 */
public final class AbuseCaseMain {
  public static void main(String[] args) throws Exception {
    for (String step : args) {
      String[] f = step.split("\\|", -1);
      String name = f[0];
      String client = f[1];
      String op = f[2];
      String key = key(f[3]);
      String base = System.getenv(f[4]);
      int calls = Integer.parseInt(f[5]);
      int threads = Integer.parseInt(f[6]);
      Call call = client.equals("azure") ? azure(base, key, op) : openAi(base, key, op);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> started = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < calls; i++) {
            print("RESULT " + name + " " + outcome(call));
          }
        }, "abuse-" + name + "-" + t);
        th.start();
        started.add(th);
      }
      go.countDown();
      for (Thread th : started) {
        th.join();
      }
    }
  }

  private interface Call {
    String run() throws Exception;
  }

  private static String outcome(Call call) {
    try {
      return call.run();
    } catch (HttpResponseException e) {
      return "status=" + e.getResponse().getStatusCode();
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      return "error=" + t.getMessage();
    }
  }

  private static synchronized void print(String line) {
    System.out.println(line);
  }

  private static String key(String ref) throws Exception {
    String value = ref.substring(ref.indexOf(':') + 1);
    if (ref.startsWith("env:")) {
      return System.getenv(value);
    }
    if (ref.startsWith("file:")) {
      return Files.readString(Paths.get(value)).trim();
    }
    if (ref.startsWith("literal:")) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Paths.get(System.getProperty("abuse.classes")).toUri().toURL()},
              AbuseCaseMain.class.getClassLoader());
      return (String) Class.forName(value, true, loader).getField("KEY").get(null);
    }
    throw new IllegalArgumentException("unknown key source " + ref);
  }

  private static Call openAi(String base, String key, String op) {
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(base).apiKey(key).maxRetries(0).build();
    String text = op.substring(op.indexOf('=') + 1);
    if (op.startsWith("image=")) {
      return () -> {
        int n =
            client.images()
                .generate(ImageGenerateParams.builder().model(ImageModel.DALL_E_3).prompt(text).build())
                .data().orElse(List.of()).size();
        return "ok images=" + n;
      };
    }
    ChatCompletionCreateParams chat =
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(text).build();
    return () -> {
      client.chat().completions().create(chat);
      return "ok";
    };
  }

  private static Call azure(String base, String key, String op) {
    com.azure.ai.openai.OpenAIClient client =
        new OpenAIClientBuilder().endpoint(base).credential(new AzureKeyCredential(key)).buildClient();
    String text = op.substring(op.indexOf('=') + 1);
    if (op.startsWith("image=")) {
      return () -> {
        int n = client.getImageGenerations("my-dalle3-deployment", new ImageGenerationOptions(text)).getData().size();
        return "ok images=" + n;
      };
    }
    return () -> {
      client.getChatCompletions(
          "my-gpt4o-deployment", new ChatCompletionsOptions(List.of(new ChatRequestUserMessage(text))));
      return "ok";
    };
  }
}
