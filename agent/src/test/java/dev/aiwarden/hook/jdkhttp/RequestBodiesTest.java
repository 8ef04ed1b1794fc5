package dev.aiwarden.hook.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
  private static final String JSON = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  @Test
  void readsInMemoryBodiesAndLeavesThemWhole() throws Exception {
    BodyPublisher string = BodyPublishers.ofString(JSON);
    assertThat(new String(RequestBodies.copyOf(string), StandardCharsets.UTF_8)).isEqualTo(JSON);
    assertThat(drain(string)).isEqualTo(JSON);

    BodyPublisher bytes = BodyPublishers.ofByteArray(("xx" + JSON).getBytes(StandardCharsets.UTF_8), 2, JSON.length());
    assertThat(new String(RequestBodies.copyOf(bytes), StandardCharsets.UTF_8)).isEqualTo(JSON);
    assertThat(drain(bytes)).isEqualTo(JSON);

    assertThat(RequestBodies.copyOf(BodyPublishers.noBody())).isEmpty();
  }

  @Test
  void neverSubscribesToAOneShotBody() throws Exception {
    AtomicBoolean read = new AtomicBoolean();
    BodyPublisher stream =
        BodyPublishers.ofInputStream(
            () -> {
              read.set(true);
              return new ByteArrayInputStream(JSON.getBytes(StandardCharsets.UTF_8));
            });
    assertThat(RequestBodies.copyOf(stream)).isNull();
    assertThat(read).isFalse();

    BodyPublisher reactive = BodyPublishers.fromPublisher(BodyPublishers.ofString(JSON));
    assertThat(RequestBodies.copyOf(reactive)).isNull();
    assertThat(drain(reactive)).isEqualTo(JSON);
  }

  private static String drain(BodyPublisher publisher) throws Exception {
    StringBuilder sb = new StringBuilder();
    CompletableFuture<String> done = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ByteBuffer item) {
            sb.append(StandardCharsets.UTF_8.decode(item));
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            done.complete(sb.toString());
          }
        });
    return done.get(5, TimeUnit.SECONDS);
  }
}
