package dev.aiwarden.examples.springai2;

import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * A plain Java program using Spring AI 2.x's {@code OpenAiChatModel} (the {@code spring-ai-openai}
 * module: built on {@code openai-java-core} with its own OkHttp client; the 2.x Boot starter does
 * not resolve on this mirror). It knows nothing of ai-warden; every result is one {@code RESULT}
 * line.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}.
 */
public final class SpringAi2Example {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "stream");
    }
    OpenAiChatModel model =
        OpenAiChatModel.builder()
            .options(
                OpenAiChatOptions.builder()
                    .baseUrl(env("OPENAI_BASE_URL", "https://api.openai.com/v1"))
                    .apiKey(System.getenv("OPENAI_API_KEY"))
                    .model("gpt-4o")
                    .maxTokens(64)
                    .temperature(0.2)
                    .user("user-4711")
                    .streamUsage(true)
                    .maxRetries(0)
                    .build())
            .build();
    Prompt prompt =
        new Prompt(List.of(new SystemMessage("You are a concise assistant."), new UserMessage(PROMPT)));
    for (String scenario : scenarios) {
      switch (scenario) {
        case "chat":
          {
            ChatResponse r = model.call(prompt);
            System.out.println(
                "RESULT chat finish=" + r.getResult().getMetadata().getFinishReason()
                    + " text=" + r.getResult().getOutput().getText());
            break;
          }
        case "stream":
          {
            StringBuilder text = new StringBuilder();
            long chunks =
                model.stream(prompt)
                    .doOnNext(
                        r -> {
                          if (r.getResult() != null && r.getResult().getOutput().getText() != null) {
                            text.append(r.getResult().getOutput().getText());
                          }
                        })
                    .count()
                    .block();
            System.out.println("RESULT stream chunks>0=" + (chunks > 0) + " text=" + text);
            break;
          }
        default:
          throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    }
    System.exit(0); // OkHttp keeps non-daemon threads alive a while
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
