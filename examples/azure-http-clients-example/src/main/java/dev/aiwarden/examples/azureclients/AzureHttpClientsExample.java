package dev.aiwarden.examples.azureclients;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * An application using {@code azure-ai-openai} with one of azure-core's other HTTP client
 * implementations, chosen explicitly: {@code okhttp-*} scenarios use {@code
 * azure-core-http-okhttp} (which sits on OkHttp), {@code jdk-*} ones {@code
 * azure-core-http-jdk-httpclient} (which sits on {@code java.net.http.HttpClient}). It knows
 * nothing of ai-warden; every result is one {@code RESULT} line.
 *
 * <p>Settings: {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_API_KEY}.
 */
public final class AzureHttpClientsExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";
  private static final String DEPLOYMENT = "my-gpt4o-deployment";

  public static void main(String[] args) {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios =
          List.of("okhttp-chat", "okhttp-chat-async", "okhttp-stream", "jdk-chat", "jdk-chat-async", "jdk-stream");
    }
    for (String scenario : scenarios) {
      HttpClient http =
          scenario.startsWith("okhttp-")
              ? new OkHttpAsyncHttpClientBuilder().build()
              : new JdkHttpClientBuilder().build();
      OpenAIClientBuilder builder =
          new OpenAIClientBuilder()
              .endpoint(env("AZURE_OPENAI_ENDPOINT", "https://myres.openai.azure.com"))
              .credential(new AzureKeyCredential(System.getenv("AZURE_OPENAI_API_KEY")))
              .httpClient(http);
      String kind = scenario.substring(scenario.indexOf('-') + 1);
      try {
        run(scenario, kind, builder);
      } catch (RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        System.out.println("RESULT " + scenario + " error=" + root.getMessage());
      }
    }
    System.exit(0); // the OkHttp and JDK clients keep non-daemon threads alive a while
  }

  private static void run(String scenario, String kind, OpenAIClientBuilder builder) {
      switch (kind) {
        case "chat":
          print(scenario, builder.buildClient().getChatCompletions(DEPLOYMENT, chat()));
          break;
        case "chat-async":
          OpenAIAsyncClient async = builder.buildAsyncClient();
          print(scenario, async.getChatCompletions(DEPLOYMENT, chat()).block());
          break;
        case "stream":
          OpenAIClient client = builder.buildClient();
          StringBuilder text = new StringBuilder();
          int[] chunks = {0};
          client
              .getChatCompletionsStream(DEPLOYMENT, chat())
              .forEach(
                  c -> {
                    chunks[0]++;
                    c.getChoices()
                        .forEach(
                            ch -> {
                              if (ch.getDelta() != null && ch.getDelta().getContent() != null) {
                                text.append(ch.getDelta().getContent());
                              }
                            });
                  });
          System.out.println("RESULT " + scenario + " chunks=" + chunks[0] + " text=" + text);
          break;
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
  }

  private static ChatCompletionsOptions chat() {
    List<ChatRequestMessage> messages =
        List.of(
            new ChatRequestSystemMessage("You are a concise assistant."),
            new ChatRequestUserMessage(PROMPT));
    return new ChatCompletionsOptions(messages).setMaxTokens(64).setTemperature(0.2).setUser("user-4711");
  }

  private static void print(String scenario, ChatCompletions c) {
    System.out.println(
        "RESULT " + scenario
            + " finish=" + c.getChoices().get(0).getFinishReason()
            + " usage=" + c.getUsage().getPromptTokens() + "/" + c.getUsage().getCompletionTokens()
            + " text=" + c.getChoices().get(0).getMessage().getContent());
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
