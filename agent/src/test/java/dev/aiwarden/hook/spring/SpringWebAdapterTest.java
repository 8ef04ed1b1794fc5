package dev.aiwarden.hook.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.StreamingHttpOutputMessage;
import reactor.core.publisher.Mono;

class SpringWebAdapterTest {

  @Test
  void readsTheValueOfAScalarMonoBehindContextOperatorsWithoutSubscribing() throws Exception {
    DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.wrap("{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8));
    AtomicInteger subscribed = new AtomicInteger();
    Mono<DataBuffer> body =
        Mono.just(buffer).doOnDiscard(DataBuffer.class, b -> {}).doOnSubscribe(s -> subscribed.incrementAndGet());
    // doOnSubscribe is not value preserving in our sense (not a context write): left alone.
    assertThat(SpringWebAdapter.Reactive.scalarValue(body)).isNull();
    assertThat(SpringWebAdapter.Reactive.scalarValue(Mono.just(buffer).doOnDiscard(DataBuffer.class, b -> {})))
        .isSameAs(buffer);
    assertThat(SpringWebAdapter.Reactive.scalarValue(Mono.just(buffer))).isSameAs(buffer);
    assertThat(subscribed).hasValue(0);
    assertThat(buffer.readPosition()).isZero();
  }

  @Test
  void leavesEveryOtherPublisherAlone() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    assertThat(SpringWebAdapter.Reactive.scalarValue(Mono.fromCallable(calls::incrementAndGet))).isNull();
    assertThat(SpringWebAdapter.Reactive.scalarValue(Mono.just("x").map(s -> s + "y"))).isNull();
    assertThat(SpringWebAdapter.Reactive.scalarValue(null)).isNull();
    assertThat(calls).hasValue(0);
  }

  @Test
  void writesARepeatableBodyIntoMemoryUpToTheLimit() throws Exception {
    StreamingHttpOutputMessage.Body small = out -> out.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(SpringWebAdapter.write(small), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    byte[] chunk = new byte[1024 * 1024];
    StreamingHttpOutputMessage.Body huge =
        out -> {
          for (int i = 0; i < 17; i++) {
            out.write(chunk);
          }
        };
    assertThat(SpringWebAdapter.write(huge)).isNull();
    StreamingHttpOutputMessage.Body wrapping =
        out -> {
          try {
            for (int i = 0; i < 17; i++) {
              out.write(chunk, 0, chunk.length);
            }
          } catch (java.io.IOException e) {
            throw new IllegalStateException("converter wraps it", e);
          }
        };
    assertThat(SpringWebAdapter.write(wrapping)).isNull();
  }
}
