package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import okhttp3.Headers;
import okhttp3.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captured chat the AI micro-benchmarks replay: saved without its key, loaded as it was. */
class ChatTrafficTest {
  @TempDir Path dir;

  private static final String KEY = "sk-proj-" + "Abc123".repeat(8);

  @Test
  void savedWithoutTheKeyAndLoadedWithIt() throws Exception {
    byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] answer = "{\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
    ChatTraffic traffic = new ChatTraffic(
        Headers.of("authorization", "Bearer " + KEY, "x-stainless-lang", "java", "user-agent", "OpenAIClientImpl/Java 4.101.0"),
        MediaType.get("application/json"), body, 200,
        Headers.of("Content-Type", "application/json", "x-request-id", "req_1: two"),
        MediaType.get("application/json"), answer);

    traffic.save(dir, KEY);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(4).allSatisfy(f ->
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(KEY));
    }
    ChatTraffic loaded = ChatTraffic.load(dir, KEY);
    assertThat(loaded.flatRequestHeaders()).containsExactly(traffic.flatRequestHeaders());
    assertThat(loaded.flatResponseHeaders()).containsExactly(traffic.flatResponseHeaders());
    assertThat(loaded.requestBody).isEqualTo(body);
    assertThat(loaded.responseBody).isEqualTo(answer);
    assertThat(loaded.status).isEqualTo(200);
    assertThat(loaded.flatRequestHeaders()).contains("Bearer " + KEY);
  }
}
