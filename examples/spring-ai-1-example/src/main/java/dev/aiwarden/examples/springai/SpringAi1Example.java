package dev.aiwarden.examples.springai;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.retry.support.RetryTemplate;

/**
 * An ordinary program using Spring AI 1.x's {@code OpenAiChatModel} without Spring Boot. Its
 * {@code OpenAiApi} sends calls through Spring's {@code RestClient}, which (with no other HTTP
 * library on the class path) runs on the JDK's {@code java.net.http.HttpClient}; streamed calls go
 * through {@code WebClient}, here on its JDK connector. It knows nothing of ai-warden. Scenarios:
 * {@code chat}, {@code stream}; one {@code RESULT} line each (a failed call prints its error's
 * root cause instead of failing the program).
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (without {@code /v1}; default {@code
 * https://api.openai.com}), {@code OPENAI_API_KEY}, {@code SPRING_AI_MAX_ATTEMPTS} (Spring AI's
 * retries; default its own template).
 */
public final class SpringAi1Example {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) {
    List<String> scenarios = args.length == 0 ? List.of("chat", "stream") : List.of(args);
    OpenAiApi api =
        OpenAiApi.builder()
            .baseUrl(env("OPENAI_BASE_URL", "https://api.openai.com"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .build();
    OpenAiChatModel.Builder builder = OpenAiChatModel.builder();
    String attempts = System.getenv("SPRING_AI_MAX_ATTEMPTS");
    if (attempts != null && !attempts.isBlank()) {
      builder.retryTemplate(RetryTemplate.builder().maxAttempts(Integer.parseInt(attempts)).build());
    }
    OpenAiChatModel model =
        builder
            .openAiApi(api)
            .defaultOptions(
                OpenAiChatOptions.builder()
                    .model("gpt-4o")
                    .maxTokens(64)
                    .temperature(0.2)
                    .user("user-4711")
                    .streamUsage(true) // stream_options.include_usage: the last chunk has usage
                    .build())
            .build();
    Prompt prompt =
        new Prompt(List.of(new SystemMessage("You are a concise assistant."), new UserMessage(PROMPT)));
    for (String scenario : scenarios) {
      try {
        run(model, prompt, scenario);
      } catch (RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        System.out.println("RESULT " + scenario + " error=" + root.getMessage());
      }
    }
  }

  private static void run(OpenAiChatModel model, Prompt prompt, String scenario) {
    switch (scenario) {
      case "chat": {
        ChatResponse r = model.call(prompt);
        System.out.println(
            "RESULT chat finish=" + r.getResult().getMetadata().getFinishReason()
                + " usage=" + r.getMetadata().getUsage().getPromptTokens()
                + "/" + r.getMetadata().getUsage().getCompletionTokens()
                + " text=" + r.getResult().getOutput().getText());
        break;
      }
      case "stream": {
        List<ChatResponse> chunks = model.stream(prompt).collectList().block();
        String text =
            chunks.stream()
                .filter(c -> c.getResult() != null && c.getResult().getOutput().getText() != null)
                .map(c -> c.getResult().getOutput().getText())
                .collect(Collectors.joining());
        System.out.println("RESULT stream chunks=" + chunks.size() + " text=" + text);
        break;
      }
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
