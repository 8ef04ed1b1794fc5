package dev.aiwarden.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.RequestInfo;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What reading a body costs in allocated bytes (issue 7: at most 2 KB per call for the whole agent,
 * and no copy of a large body beyond the hook's one inspection buffer). Measured on this thread
 * after warm-up; allocation, unlike time, does not depend on the machine's load.
 */
class ParserAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @BeforeAll
  static void measurable() {
    assertThat(THREADS.isThreadAllocatedMemorySupported()).isTrue();
    THREADS.setThreadAllocatedMemoryEnabled(true);
  }

  /** Average bytes allocated by one run of {@code task}, after {@code warm} runs. */
  private static long allocatedPerRun(Runnable task, int warm, int runs) {
    for (int i = 0; i < warm; i++) {
      task.run();
    }
    long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int i = 0; i < runs; i++) {
      task.run();
    }
    return (THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / runs;
  }

  /** What openai-java sends for a chat with a system and a user message (1.9 KB). */
  private static final byte[] CHAT_REQUEST = TestBodies.resource("openai-java-chat-request.json");
  /** What the local server answers to it. */
  private static final byte[] CHAT_RESPONSE = TestBodies.resource("local-server-chat-response.json");
  /** A streamed answer: 43 events, the last with usage. */
  private static final byte[] CHAT_STREAM = TestBodies.resource("local-server-chat-stream.sse");

  private static RequestInfo request(boolean keepText) {
    return RequestBodyParser.parse(
        CHAT_REQUEST, 0, CHAT_REQUEST.length, "application/json", null, Operation.CHAT, keepText);
  }

  @Test
  void aChatRequestCostsAFewHundredBytes() {
    assertThat(request(false).promptSha256).isEqualTo(request(true).promptSha256);
    long bytes = allocatedPerRun(() -> request(false), 3000, 200);
    assertThat(bytes).isLessThan(512);
  }

  @Test
  void aChatRequestWithItsTextKeptCostsAboutTheText() {
    int textChars = request(true).promptText.length();
    long bytes = allocatedPerRun(() -> request(true), 3000, 200);
    // the text as a string (UTF-16 here), the builder that joins it, the parts' strings
    assertThat(bytes).isLessThan(8L * textChars + 1024);
  }

  @Test
  void aChatResponseCostsAFewHundredBytes() {
    RequestInfo request = request(false);
    long bytes =
        allocatedPerRun(
            () ->
                ResponseBodyParser.parse(
                    CHAT_RESPONSE, 0, CHAT_RESPONSE.length, "application/json", null, 200, request),
            3000,
            200);
    assertThat(bytes).isLessThan(512);
  }

  @Test
  void aStreamCostsItsBuffersNotItsEvents() {
    long bytes =
        allocatedPerRun(
            () -> {
              SseStreamParser sse = new SseStreamParser();
              for (int i = 0; i < CHAT_STREAM.length; i += 512) {
                sse.feed(CHAT_STREAM, i, Math.min(512, CHAT_STREAM.length - i));
              }
              assertThat(sse.result().outputTokens).isEqualTo(40L);
            },
            500,
            100);
    assertThat(bytes).isLessThan(2048);
  }

  @Test
  void aTenMegabyteImageRequestIsNotCopied() {
    byte[] image = new byte[(10 << 20) * 3 / 4];
    new Random(42).nextBytes(image);
    byte[] body =
        ("{\"messages\":[{\"content\":[{\"text\":\"Replace the sky with a sunset.\",\"type\":\"text\"},"
                + "{\"image_url\":{\"url\":\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(image)
                + "\"},\"type\":\"image_url\"}],\"role\":\"user\"}],\"model\":\"gpt-4o\",\"max_completion_tokens\":64}")
            .getBytes(StandardCharsets.US_ASCII);
    for (boolean keepText : new boolean[] {false, true}) {
      RequestInfo info =
          RequestBodyParser.parse(body, 0, body.length, "application/json", null, Operation.CHAT, keepText);
      assertThat(info.model).isEqualTo("gpt-4o");
      assertThat(info.promptChars).isEqualTo(30);
      long bytes =
          allocatedPerRun(
              () ->
                  RequestBodyParser.parse(
                      body, 0, body.length, "application/json", null, Operation.CHAT, keepText),
              5,
              5);
      assertThat(bytes).isLessThan(64 << 10);
    }
  }

  @Test
  void aTenMegabyteResponseIsNotCopied() {
    StringBuilder reply = new StringBuilder();
    String[] words = "Hello from the local server. You said 24 characters.".split(" ");
    for (int i = 0; i < 100_000; i++) {
      reply.append(i == 0 ? "" : " ").append(words[i % words.length]);
    }
    StringBuilder json =
        new StringBuilder("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[");
    for (int c = 0; c < 16; c++) {
      json.append(c == 0 ? "" : ",")
          .append("{\"index\":")
          .append(c)
          .append(",\"message\":{\"role\":\"assistant\",\"content\":\"")
          .append(reply)
          .append("\"},\"finish_reason\":\"stop\"}");
    }
    json.append("],\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":1600000}}");
    byte[] body = json.toString().getBytes(StandardCharsets.US_ASCII);
    assertThat(body.length).isGreaterThan(8 << 20);
    long bytes =
        allocatedPerRun(
            () -> {
              var info = ResponseBodyParser.parse(body, 0, body.length, "application/json", null, 200, null);
              assertThat(info.outputTokens).isEqualTo(1_600_000L);
            },
            5,
            5);
    assertThat(bytes).isLessThan(64 << 10);
  }
}
