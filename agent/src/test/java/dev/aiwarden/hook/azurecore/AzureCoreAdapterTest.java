package dev.aiwarden.hook.azurecore;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.aiwarden.hook.Allocations;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** What the azure-core adapter hands the core of a request: the URL without its query, and the headers it reads. */
class AzureCoreAdapterTest {
  private static final String CHAT =
      "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions";

  @Test
  void theUrlIsWhatItsTextIsUpToTheQueryAndIsMadeOncePerEndpoint() throws Exception {
    String[] urls = {
      CHAT + "?api-version=2025-01-01-preview",
      CHAT,
      "https://myres.openai.azure.com:8443/openai/deployments/gpt-4o/embeddings?api-version=1",
      "https://user:pw@myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?x=1",
      "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions#frag",
      "http://127.0.0.1:8080/v1/chat/completions?a=b",
      CHAT + "?api-version=2025-01-01-preview",
    };
    for (String u : urls) {
      String text = new URL(u).toString();
      int q = text.indexOf('?');
      assertThat(AzureCoreAdapter.withoutQuery(new URL(u))).as(u).isEqualTo(q < 0 ? text : text.substring(0, q));
      // Asked again with a new URL object, as each request has its own.
      assertThat(AzureCoreAdapter.withoutQuery(new URL(u))).as(u).isEqualTo(q < 0 ? text : text.substring(0, q));
    }
    URL one = new URL(CHAT + "?api-version=1");
    URL two = new URL(CHAT + "?api-version=2");
    assertThat(AzureCoreAdapter.withoutQuery(two)).isSameAs(AzureCoreAdapter.withoutQuery(one));
    assertThat(Allocations.perRun(20_000, () -> AzureCoreAdapter.withoutQuery(one))).isZero();
  }

  @Test
  void onlyTheHeadersTheCoreReadsAreHandedOver() {
    HttpHeaders headers =
        new HttpHeaders()
            .set(HttpHeaderName.fromString("x-ms-client-request-id"), "0f1e")
            .set(HttpHeaderName.fromString("api-key"), "k")
            .set(HttpHeaderName.USER_AGENT, "azsdk-java-azure-ai-openai/1.0.0-beta.16")
            .set(HttpHeaderName.CONTENT_TYPE, "application/json")
            .set(HttpHeaderName.CONTENT_LENGTH, "2310");
    String[] flat = AzureCoreAdapter.headers(headers);
    java.util.Map<String, String> pairs = new java.util.HashMap<>();
    for (int i = 0; i + 1 < flat.length; i += 2) {
      pairs.put(flat[i].toLowerCase(java.util.Locale.ROOT), flat[i + 1]);
    }
    assertThat(flat).hasSize(6);
    assertThat(pairs)
        .containsOnly(
            java.util.Map.entry("api-key", "k"),
            java.util.Map.entry("content-type", "application/json"),
            java.util.Map.entry("content-length", "2310"));
    assertThat(AzureCoreAdapter.headers(new HttpHeaders().set(HttpHeaderName.ACCEPT, "*/*"))).isEmpty();
  }

  /**
   * A request's headers leave out Content-Length (the core reads the type, the coding and the
   * key), and the same headers again are the same array: a new one when any of them differs.
   */
  @Test
  void aRequestsHeadersAreTheLastRequestsArrayWhenTheyAreTheSame() throws Exception {
    String[] first = AzureCoreAdapter.requestHeaders(request("k1", "2310"));
    assertThat(first).containsExactly("api-key", "k1", "Content-Type", "application/json");
    assertThat(AzureCoreAdapter.requestHeaders(request("k1", "17"))).as("another length").isSameAs(first);
    String[] otherKey = AzureCoreAdapter.requestHeaders(request("k2", "2310"));
    assertThat(otherKey).containsExactly("api-key", "k2", "Content-Type", "application/json");
    HttpHeaders untyped = request("k2", "2310");
    untyped.remove(HttpHeaderName.CONTENT_TYPE);
    String[] noType = AzureCoreAdapter.requestHeaders(untyped);
    assertThat(noType).containsExactly("api-key", "k2");
    String[] typeAgain = AzureCoreAdapter.requestHeaders(request("k2", "2310"));
    assertThat(typeAgain).isNotSameAs(otherKey).isEqualTo(otherKey);
    HttpHeaders gzip = request("k2", "2310").set(HttpHeaderName.CONTENT_ENCODING, "gzip");
    assertThat(AzureCoreAdapter.requestHeaders(gzip))
        .containsExactly("api-key", "k2", "Content-Type", "application/json", "Content-Encoding", "gzip");
    HttpHeaders same = request("k2", "99");
    assertThat(Allocations.perRun(20_000, () -> AzureCoreAdapter.requestHeaders(same))).isZero();
  }

  private static HttpHeaders request(String key, String length) {
    return new HttpHeaders()
        .set(HttpHeaderName.fromString("x-ms-client-request-id"), "0f1e")
        .set(HttpHeaderName.fromString("api-key"), key)
        .set(HttpHeaderName.CONTENT_TYPE, "application/json")
        .set(HttpHeaderName.CONTENT_LENGTH, length);
  }

  /**
   * The handled mark on the client's {@code Mono}: the thread is marked while it is subscribed, its
   * subscription's context carries the key beside the application's own entries, and every signal
   * passes through unchanged.
   */
  @Test
  void theHandledMonoMarksTheThreadAndTheContextAndPassesEverySignalOn() {
    java.util.List<Object> seen = new java.util.ArrayList<>();
    reactor.core.publisher.Mono<com.azure.core.http.HttpResponse> client =
        reactor.core.publisher.Mono.deferContextual(
            ctx -> {
              seen.add(dev.aiwarden.bootstrap.Warden.handledOutside());
              seen.add(ctx.getOrDefault(dev.aiwarden.bootstrap.Warden.HANDLED_CONTEXT_KEY, false));
              seen.add(ctx.getOrDefault("app", "none"));
              return reactor.core.publisher.Mono.empty();
            });
    assertThat(
            new AzureCoreAdapter.HandledMono(client)
                .contextWrite(reactor.util.context.Context.of("app", "entry"))
                .blockOptional())
        .isEmpty();
    assertThat(seen).containsExactly(true, true, "entry");
    assertThat(dev.aiwarden.bootstrap.Warden.handledOutside()).as("unmarked after subscribing").isFalse();

    IllegalStateException failure = new IllegalStateException("refused");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new AzureCoreAdapter.HandledMono(reactor.core.publisher.Mono.error(failure)).block())
        .isSameAs(failure);

    java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
    new AzureCoreAdapter.HandledMono(
            reactor.core.publisher.Mono.<com.azure.core.http.HttpResponse>never()
                .doOnCancel(() -> cancelled.set(true)))
        .subscribe()
        .dispose();
    assertThat(cancelled).isTrue();
  }
}
