package dev.aiwarden.examples.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary application using LangChain4j's OpenAI chat models ({@code langchain4j-open-ai},
 * whose default HTTP client is the JDK's {@code java.net.http.HttpClient}). It knows nothing of
 * ai-warden. Scenarios: {@code chat}, {@code stream}; one {@code RESULT} line each.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class LangChain4jExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) throws Exception {
    List<String> scenarios = args.length == 0 ? List.of("chat", "stream") : List.of(args);
    String baseUrl = env("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String key = System.getenv("OPENAI_API_KEY");
    List<ChatMessage> messages =
        List.of(SystemMessage.from("You are a concise assistant."), UserMessage.from(PROMPT));
    for (String scenario : scenarios) {
      switch (scenario) {
        case "chat": {
          ChatModel model =
              OpenAiChatModel.builder()
                  .baseUrl(baseUrl)
                  .apiKey(key)
                  .modelName("gpt-4o")
                  .maxTokens(64)
                  .temperature(0.2)
                  .user("user-4711")
                  .maxRetries(0)
                  .timeout(Duration.ofSeconds(30))
                  .build();
          ChatResponse r = model.chat(messages);
          System.out.println(
              "RESULT chat finish=" + r.finishReason()
                  + " usage=" + r.tokenUsage().inputTokenCount() + "/" + r.tokenUsage().outputTokenCount()
                  + " text=" + r.aiMessage().text());
          break;
        }
        case "stream": {
          StreamingChatModel model =
              OpenAiStreamingChatModel.builder()
                  .baseUrl(baseUrl)
                  .apiKey(key)
                  .modelName("gpt-4o")
                  .maxTokens(64)
                  .temperature(0.2)
                  .user("user-4711")
                  .timeout(Duration.ofSeconds(30))
                  .customHeaders(Map.of("x-test-words", "8"))
                  .build();
          List<String> parts = new ArrayList<>();
          CompletableFuture<ChatResponse> done = new CompletableFuture<>();
          model.chat(
              messages,
              new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                  parts.add(partial);
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
          ChatResponse r = done.get(30, TimeUnit.SECONDS);
          System.out.println(
              "RESULT stream parts=" + parts.size()
                  + " finish=" + r.finishReason()
                  + " text=" + String.join("", parts));
          break;
        }
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
