package dev.aiwarden.e2e;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.util.IterableStream;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test-only main of {@link FirstChunkIT}: one streamed chat per client, each sent with {@code
 * x-test-hold-after-first: TOKEN}. The local server sends the first event and then holds the rest
 * until someone requests {@code /test/release/TOKEN}; this main does that only after its client has
 * handed it the first chunk. A first chunk held back anywhere on the way (by the agent, say, until
 * more bytes come) would leave the server waiting until its time-out, which the test reads back.
 *
 * <p>Arguments: client names ({@code jdk-send}, {@code jdk-send-async}, {@code huc}, {@code
 * openai-java}, {@code azure-ai-openai}). Settings: {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY},
 * {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_API_KEY}, {@code RELEASE_URL} (the server's
 * plain-HTTP base URL), {@code HOLD_PREFIX} (token prefix of this run).
 */
public final class FirstChunkMain {
  private static final String HOLD_HEADER = "x-test-hold-after-first";
  private static final String PROMPT = "Tell me a short story.";

  public static void main(String[] args) throws Exception {
    for (String client : args) {
      String token = System.getenv("HOLD_PREFIX") + "-" + client;
      String summary;
      switch (client) {
        case "jdk-send":
          summary = jdk(token, false);
          break;
        case "jdk-send-async":
          summary = jdk(token, true);
          break;
        case "huc":
          summary = huc(token);
          break;
        case "openai-java":
          summary = openAiJava(token);
          break;
        case "azure-ai-openai":
          summary = azure(token);
          break;
        default:
          throw new IllegalArgumentException(client);
      }
      System.out.println("RESULT " + client + " " + summary);
    }
  }

  /** Tells the server that the first chunk of {@code token}'s stream reached the application. */
  private static void release(String token) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) new URL(System.getenv("RELEASE_URL") + "/test/release/" + token).openConnection();
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    }
  }

  private static String chatJson() {
    return "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
        + PROMPT + "\"}]}";
  }

  private static String jdk(String token, boolean async) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(System.getenv("OPENAI_BASE_URL") + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + System.getenv("OPENAI_API_KEY"))
            .header(HOLD_HEADER, token)
            .POST(HttpRequest.BodyPublishers.ofString(chatJson()))
            .build();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<Stream<String>> r =
        async
            ? client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).join()
            : client.send(request, HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = r.body()) {
      return sse(lines.iterator(), token);
    }
  }

  private static String huc(String token) throws Exception {
    HttpURLConnection c =
        (HttpURLConnection) new URL(System.getenv("OPENAI_BASE_URL") + "/chat/completions").openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setRequestProperty("Authorization", "Bearer " + System.getenv("OPENAI_API_KEY"));
    c.setRequestProperty(HOLD_HEADER, token);
    try (OutputStream out = c.getOutputStream()) {
      out.write(chatJson().getBytes(StandardCharsets.UTF_8));
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      return sse(in.lines().iterator(), token);
    }
  }

  /** Counts the {@code data:} events of an SSE body, releasing the server after the first. */
  private static String sse(Iterator<String> lines, String token) throws IOException {
    int events = 0;
    while (lines.hasNext()) {
      if (lines.next().startsWith("data: ")) {
        if (++events == 1) {
          release(token);
        }
      }
    }
    return "events=" + events;
  }

  private static String openAiJava(String token) throws IOException {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(System.getenv("OPENAI_BASE_URL"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .build();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model(ChatModel.GPT_4O_MINI)
            .addUserMessage(PROMPT)
            .putAdditionalHeader(HOLD_HEADER, token)
            .build();
    int chunks = 0;
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      Iterator<ChatCompletionChunk> it = stream.stream().iterator();
      while (it.hasNext()) {
        ChatCompletionChunk chunk = it.next();
        if (++chunks == 1) {
          release(token);
        }
        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      }
    }
    return "chunks=" + chunks + " text=" + text;
  }

  private static String azure(String token) throws IOException {
    com.azure.ai.openai.OpenAIClient client =
        new OpenAIClientBuilder()
            .endpoint(System.getenv("AZURE_OPENAI_ENDPOINT"))
            .credential(new AzureKeyCredential(System.getenv("AZURE_OPENAI_API_KEY")))
            .addPolicy(
                new AddHeadersPolicy(new HttpHeaders().set(HttpHeaderName.fromString(HOLD_HEADER), token)))
            .buildClient();
    IterableStream<com.azure.ai.openai.models.ChatCompletions> stream =
        client.getChatCompletionsStream(
            "my-gpt4o-deployment",
            new ChatCompletionsOptions(List.of(new ChatRequestUserMessage(PROMPT))));
    int chunks = 0;
    StringBuilder text = new StringBuilder();
    for (com.azure.ai.openai.models.ChatCompletions c : stream) {
      if (++chunks == 1) {
        release(token);
      }
      c.getChoices()
          .forEach(
              ch -> {
                if (ch.getDelta() != null && ch.getDelta().getContent() != null) {
                  text.append(ch.getDelta().getContent());
                }
              });
    }
    return "chunks=" + chunks + " text=" + text;
  }
}
