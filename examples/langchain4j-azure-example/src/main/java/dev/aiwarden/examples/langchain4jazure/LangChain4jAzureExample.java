package dev.aiwarden.examples.langchain4jazure;

import dev.langchain4j.model.azure.AzureOpenAiChatModel;
import dev.langchain4j.model.azure.AzureOpenAiStreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program using LangChain4j's Azure OpenAI models ({@code langchain4j-azure-open-ai}, built on
 * Microsoft's {@code azure-ai-openai}: azure-core over Reactor Netty). It knows nothing of
 * ai-warden; every result is one {@code RESULT} line.
 *
 * <p>Settings: {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_API_KEY}.
 */
public final class LangChain4jAzureExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";
  private static final String DEPLOYMENT = "my-gpt4o-deployment";

  public static void main(String[] args) throws Exception {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "stream");
    }
    String endpoint = env("AZURE_OPENAI_ENDPOINT", "https://myres.openai.azure.com");
    String key = System.getenv("AZURE_OPENAI_API_KEY");
    for (String scenario : scenarios) {
      switch (scenario) {
        case "chat":
          {
            AzureOpenAiChatModel model =
                AzureOpenAiChatModel.builder()
                    .endpoint(endpoint)
                    .apiKey(key)
                    .deploymentName(DEPLOYMENT)
                    .maxTokens(64)
                    .temperature(0.2)
                    .user("user-4711")
                    .maxRetries(0)
                    .build();
            System.out.println("RESULT chat text=" + model.chat(PROMPT));
            break;
          }
        case "stream":
          {
            AzureOpenAiStreamingChatModel model =
                AzureOpenAiStreamingChatModel.builder()
                    .endpoint(endpoint)
                    .apiKey(key)
                    .deploymentName(DEPLOYMENT)
                    .maxTokens(64)
                    .temperature(0.2)
                    .user("user-4711")
                    .build();
            StringBuilder text = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            model.chat(
                PROMPT,
                new StreamingChatResponseHandler() {
                  @Override
                  public void onPartialResponse(String partial) {
                    text.append(partial);
                  }

                  @Override
                  public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                  }

                  @Override
                  public void onError(Throwable error) {
                    done.completeExceptionally(error);
                  }
                });
            ChatResponse r = done.get(60, TimeUnit.SECONDS);
            System.out.println("RESULT stream finish=" + r.finishReason() + " text=" + text);
            break;
          }
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    }
    System.exit(0);
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
