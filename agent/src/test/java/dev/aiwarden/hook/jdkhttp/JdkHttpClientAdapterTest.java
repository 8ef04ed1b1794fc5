package dev.aiwarden.hook.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.Allocations;
import dev.aiwarden.hook.QuietCore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the JDK client's adapter costs a request. */
class JdkHttpClientAdapterTest {
  @Test
  void aRequestThatIsNotAnAiCallAllocatesNothing() throws Exception {
    Warden.install(new QuietCore(false));
    try {
      HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/ping")).GET().build();
      assertThat(Allocations.perRun(1000, () -> JdkHttpClientAdapter.onRequest(ping))).isZero();
      assertThat(JdkHttpClientAdapter.onRequest(ping)).isNull();
      assertThat(JdkHttpClientAdapter.wrapHandler(null, "handler")).isEqualTo("handler");
    } finally {
      Warden.install(null);
    }
  }

  /**
   * An in-memory request body is copied once by the adapter, into an array of its length (the
   * JDK's publisher makes its own copy of the bytes for every subscriber: the other copy).
   */
  @Test
  void anInMemoryRequestBodyIsCopiedOnce() throws Exception {
    String json = "{\"model\":\"gpt-4o\",\"input\":\"" + "x".repeat(256 * 1024) + "\"}";
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofString(json);
    byte[] copy = RequestBodies.copyOf(publisher);
    assertThat(new String(copy, StandardCharsets.UTF_8)).isEqualTo(json);
    long length = json.length();
    assertThat(Allocations.perRun(5, () -> RequestBodies.copyOf(publisher)))
        .isLessThan(2 * length + 8192);
  }
}
