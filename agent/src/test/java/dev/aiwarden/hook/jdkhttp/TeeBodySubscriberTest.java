package dev.aiwarden.hook.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TeeBodySubscriberTest {
  private final List<String> events = new ArrayList<>();
  private final Object handle = new Object();

  @BeforeEach
  void install() {
    Warden.install(new Recorder());
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  @Test
  void eventStreamChunksReachTheApplicationUnchangedAndInTheSameCall() {
    List<String> seen = new ArrayList<>();
    BodySubscriber<Void> app =
        BodySubscribers.fromLineSubscriber(new Lines(seen), s -> null, StandardCharsets.UTF_8, "\n");
    TeeBodySubscriber<Void> tee = new TeeBodySubscriber<>(handle, info("text/event-stream"), app);
    tee.onSubscribe(new NoOpSubscription());
    ByteBuffer chunk = ByteBuffer.wrap("data: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8));
    tee.onNext(List.of(chunk));
    // Delivered before onNext returned, and the buffer's bytes were left for the application.
    assertThat(seen).containsExactly("data: {\"a\":1}", "");
    assertThat(events).containsExactly("streamStarted 200", "streamData 15");
    tee.onComplete();
    assertThat(events).endsWith("streamEnded null");
  }

  @Test
  void theDoneEventEndsTheCallBeforeTheApplicationSeesIt() {
    List<String> seen = new ArrayList<>();
    BodySubscriber<Void> app =
        BodySubscribers.fromLineSubscriber(new Lines(seen), s -> null, StandardCharsets.UTF_8, "\n");
    TeeBodySubscriber<Void> tee = new TeeBodySubscriber<>(handle, info("text/event-stream"), app);
    tee.onSubscribe(new NoOpSubscription());
    tee.onNext(List.of(ByteBuffer.wrap("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8))));
    assertThat(events).containsExactly("streamStarted 200", "streamData 14", "streamEnded null");
    assertThat(seen).containsExactly("data: [DONE]", "");
    assertThat(TeeBodySubscriber.containsDone("x[DONE".getBytes(StandardCharsets.UTF_8), 0, 6)).isFalse();
  }

  @Test
  void jsonBodyIsInspectedWhenComplete() throws Exception {
    BodySubscriber<String> app = BodySubscribers.ofString(StandardCharsets.UTF_8);
    TeeBodySubscriber<String> tee = new TeeBodySubscriber<>(handle, info("application/json"), app);
    tee.onSubscribe(new NoOpSubscription());
    tee.onNext(List.of(ByteBuffer.wrap("{\"id\":".getBytes(StandardCharsets.UTF_8))));
    tee.onNext(List.of(ByteBuffer.allocateDirect(3).put("42}".getBytes(StandardCharsets.UTF_8)).flip()));
    tee.onComplete();
    assertThat(app.getBody().toCompletableFuture().get()).isEqualTo("{\"id\":42}");
    assertThat(events).containsExactly("responseReceived 200 {\"id\":42}");
  }

  @Test
  void applicationGivingUpEarlyEndsTheCall() {
    BodySubscriber<String> app = BodySubscribers.ofString(StandardCharsets.UTF_8);
    Flow.Subscription[] given = new Flow.Subscription[1];
    BodySubscriber<String> capturing =
        new TeeBodySubscriber<>(handle, info("text/event-stream"), new BodySubscriber<String>() {
          @Override
          public java.util.concurrent.CompletionStage<String> getBody() {
            return app.getBody();
          }

          @Override
          public void onSubscribe(Flow.Subscription s) {
            given[0] = s;
          }

          @Override
          public void onNext(List<ByteBuffer> item) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    capturing.onSubscribe(new NoOpSubscription());
    given[0].cancel();
    assertThat(events).containsExactly("streamStarted 200", "streamEnded null");
  }

  private static ResponseInfo info(String contentType) {
    return new ResponseInfo() {
      @Override
      public int statusCode() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (a, b) -> true);
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static final class NoOpSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }

  private static final class Lines implements Flow.Subscriber<String> {
    private final List<String> seen;

    Lines(List<String> seen) {
      this.seen = seen;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      seen.add(item);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }

  private final class Recorder implements WardenHooks {
    @Override
    public boolean isAiCall(String host, int port, String path) {
      return true;
    }

    @Override
    public Object captureCaller() {
      return null;
    }

    @Override
    public Object requestStarting(String client, String method, String url, String host, int port,
        String path, String[] headers, byte[] body, Object caller) {
      return handle;
    }

    @Override
    public void responseReceived(Object call, int status, String[] headers, byte[] body) {
      events.add("responseReceived " + status + " " + new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public void streamStarted(Object call, int status, String[] headers) {
      events.add("streamStarted " + status);
    }

    @Override
    public void streamData(Object call, byte[] bytes, int offset, int length) {
      events.add("streamData " + length);
    }

    @Override
    public void streamEnded(Object call, Throwable error) {
      events.add("streamEnded " + error);
    }

    @Override
    public void failed(Object call, Throwable error) {
      events.add("failed " + error);
    }

    @Override
    public void hookError(String where, Throwable error) {
      events.add("hookError " + where + " " + error);
    }
  }
}
