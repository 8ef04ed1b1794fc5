package dev.aiwarden.examples.openai;

import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordinary application using the official {@code com.openai:openai-java} SDK. It knows nothing
 * of ai-warden. Each argument names a scenario; every result is printed as one {@code RESULT}
 * line so a test can compare runs with and without the agent. A scenario that fails prints {@code
 * RESULT <name> error=<message of the innermost exception>} and the next one runs. {@code
 * say:TEXT} / {@code azure-say:TEXT} send a chat with the user prompt TEXT; {@code wait-for:FILE}
 * waits (up to a minute) until FILE exists.
 *
 * <p>Settings: {@code OPENAI_BASE_URL} (default {@code https://api.openai.com/v1}), {@code
 * OPENAI_API_KEY}; for the Azure scenarios {@code AZURE_OPENAI_ENDPOINT} and {@code
 * AZURE_OPENAI_API_KEY}.
 */
public final class OpenAiJavaExample {
  private static final String PROMPT = "Summarise our quarterly numbers in one friendly sentence.";

  public static void main(String[] args) throws Exception {
    List<String> scenarios = new ArrayList<>(List.of(args));
    if (scenarios.isEmpty()) {
      scenarios = List.of("chat", "chat-async", "stream", "embeddings", "image", "responses");
    }
    OpenAIClient openai = null;
    OpenAIClient azure = null;
    for (String scenario : scenarios) {
      if (scenario.startsWith("wait-for:")) {
        waitFor(scenario.substring("wait-for:".length()));
        continue;
      }
      try {
        if (scenario.startsWith("azure-")) {
          azure = azure == null ? azureClient() : azure;
          run(scenario, azure, "my-gpt4o-deployment");
        } else {
          openai = openai == null ? openAiClient() : openai;
          run(scenario, openai, "gpt-4o");
        }
      } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
        System.out.println("RESULT " + name(scenario) + " error=" + innermost(e).getMessage());
      }
    }
    if (openai != null) {
      openai.close();
    }
    if (azure != null) {
      azure.close();
    }
  }

  static OpenAIClient openAiClient() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(env("OPENAI_BASE_URL", "https://api.openai.com/v1"))
        .apiKey(System.getenv("OPENAI_API_KEY"))
        .maxRetries(0)
        .build();
  }

  /** openai-java pointed at Azure OpenAI: the model names the deployment. */
  static OpenAIClient azureClient() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(env("AZURE_OPENAI_ENDPOINT", "https://myres.openai.azure.com"))
        .credential(AzureApiKeyCredential.create(System.getenv("AZURE_OPENAI_API_KEY")))
        .azureServiceVersion(AzureOpenAIServiceVersion.latestStableVersion())
        .maxRetries(0)
        .build();
  }

  private static void run(String scenario, OpenAIClient client, String model) throws Exception {
    if (scenario.startsWith("say:") || scenario.startsWith("azure-say:")) {
      String prompt = scenario.substring(scenario.indexOf(':') + 1);
      ChatCompletion c = client.chat().completions().create(chat(model, false, prompt));
      System.out.println("RESULT say finish=" + c.choices().get(0).finishReason());
      return;
    }
    switch (scenario) {
      case "chat":
      case "azure-chat":
        print(scenario, client.chat().completions().create(chat(model, false)));
        break;
      case "chat-async":
      case "azure-chat-async":
        print(scenario, client.async().chat().completions().create(chat(model, false)).get());
        break;
      case "stream":
      case "azure-stream":
        try (StreamResponse<ChatCompletionChunk> stream =
            client.chat().completions().createStreaming(chat(model, true))) {
          StringBuilder text = new StringBuilder();
          int[] chunks = {0};
          stream.stream()
              .forEach(
                  chunk -> {
                    chunks[0]++;
                    chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                  });
          System.out.println("RESULT " + scenario + " chunks=" + chunks[0] + " text=" + text);
        }
        break;
      case "embeddings":
        CreateEmbeddingResponse emb =
            client.embeddings()
                .create(
                    EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("the quick brown fox")
                        .build());
        System.out.println(
            "RESULT embeddings vectors=" + emb.data().size()
                + " dims=" + emb.data().get(0).embedding().size()
                + " first=" + emb.data().get(0).embedding().get(0));
        break;
      case "image":
        ImagesResponse img =
            client.images()
                .generate(
                    ImageGenerateParams.builder()
                        .model(ImageModel.DALL_E_3)
                        .prompt("A lighthouse at dawn, watercolour")
                        .size(ImageGenerateParams.Size._1024X1024)
                        .build());
        System.out.println(
            "RESULT image images=" + img.data().orElse(List.of()).size()
                + " revised=" + img.data().orElse(List.of()).get(0).revisedPrompt().orElse("-"));
        break;
      case "responses":
        Response r =
            client.responses()
                .create(ResponseCreateParams.builder().model(ChatModel.GPT_4O).input(PROMPT).build());
        StringBuilder text = new StringBuilder();
        r.output()
            .forEach(
                item ->
                    item.message()
                        .ifPresent(
                            m ->
                                m.content()
                                    .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())))));
        System.out.println("RESULT responses id=" + r.id() + " text=" + text);
        break;
      case "responses-stream":
        try (StreamResponse<ResponseStreamEvent> events =
            client
                .responses()
                .createStreaming(
                    ResponseCreateParams.builder().model(ChatModel.GPT_4O).input(PROMPT).build())) {
          StringBuilder streamed = new StringBuilder();
          int[] count = {0};
          String[] id = {"-"};
          events.stream()
              .forEach(
                  event -> {
                    count[0]++;
                    event.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
                    event.completed().ifPresent(c -> id[0] = c.response().id());
                  });
          System.out.println(
              "RESULT responses-stream events=" + count[0] + " id=" + id[0] + " text=" + streamed);
        }
        break;
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  private static ChatCompletionCreateParams chat(String model, boolean stream) {
    return chat(model, stream, PROMPT);
  }

  private static ChatCompletionCreateParams chat(String model, boolean stream, String prompt) {
    ChatCompletionCreateParams.Builder b =
        ChatCompletionCreateParams.builder()
            .model(model)
            .addSystemMessage("You are a concise assistant.")
            .addUserMessage(prompt)
            .maxCompletionTokens(64)
            .temperature(0.2)
            .user("user-4711");
    if (stream) {
      b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    return b.build();
  }

  private static void print(String scenario, ChatCompletion c) {
    System.out.println(
        "RESULT " + scenario
            + " id=" + c.id()
            + " model=" + c.model()
            + " finish=" + c.choices().get(0).finishReason()
            + " usage=" + c.usage().map(u -> u.promptTokens() + "/" + u.completionTokens()).orElse("-")
            + " text=" + c.choices().get(0).message().content().orElse(""));
  }

  /** A scenario's name: {@code say:TEXT} is {@code say} (the prompt is not echoed). */
  static String name(String scenario) {
    int colon = scenario.indexOf(':');
    return colon < 0 ? scenario : scenario.substring(0, colon);
  }

  /** The exception at the bottom of a chain: what actually went wrong. */
  static Throwable innermost(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Waits until a file exists: lets a script or test act between two scenarios. */
  static void waitFor(String file) throws InterruptedException {
    java.nio.file.Path p = java.nio.file.Paths.get(file);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!java.nio.file.Files.exists(p) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
