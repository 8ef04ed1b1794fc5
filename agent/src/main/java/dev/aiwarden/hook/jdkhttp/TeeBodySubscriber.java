package dev.aiwarden.hook.jdkhttp;

import dev.aiwarden.bootstrap.Warden;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Passes every response buffer to the application's subscriber unchanged and in the same call,
 * after handing a read-only view of its bytes to ai-warden: a stream stays a stream and no chunk is
 * held back. A JSON body is kept (up to {@value #MAX_INSPECTED_BODY} bytes) and inspected when it
 * is complete; an event stream is parsed chunk by chunk. The call ends when the body completes,
 * fails, or the application cancels it (closing the {@code InputStream} of {@code ofInputStream}).
 */
final class TeeBodySubscriber<T> implements BodySubscriber<T> {
  static final int MAX_INSPECTED_BODY = 16 * 1024 * 1024;

  private final Object handle;
  private final BodySubscriber<T> delegate;
  private final int status;
  private final String[] headers;
  private final boolean stream;
  private final long contentLength;
  /** A JSON body: kept for inspection (null: not kept). */
  private final boolean keep;
  /** The kept bytes: one array of the announced length, made at the first bytes. */
  private byte[] kept;
  private int keptSize;
  /** A streamed chunk that came in a buffer without an array is copied here (reused). */
  private byte[] scratch;

  TeeBodySubscriber(Object handle, ResponseInfo info, BodySubscriber<T> delegate) {
    this.handle = handle;
    this.delegate = delegate;
    this.status = info.statusCode();
    this.headers = JdkHttpClientAdapter.flatten(info.headers());
    String contentType = info.headers().firstValue("content-type").orElse(null);
    this.stream =
        contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    this.keep =
        !stream && (contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json"));
    this.contentLength = contentLength(info);
    if (stream) {
      Warden.streamStarted(handle, status, headers);
    }
  }

  /** The announced body length, or -1 (absent or not a number). */
  private static long contentLength(ResponseInfo info) {
    try {
      return info.headers().firstValueAsLong("content-length").orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public CompletionStage<T> getBody() {
    return delegate.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    delegate.onSubscribe(new Subscription(subscription));
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    try {
      for (ByteBuffer item : items) {
        tee(item);
      }
    } catch (Throwable t) {
      Warden.hookError("jdk-httpclient.body", t);
    }
    delegate.onNext(items);
  }

  private void tee(ByteBuffer item) {
    int n = item.remaining();
    if (n == 0 || (!stream && !keep)) {
      return;
    }
    if (!stream) {
      keep(item, n);
      return;
    }
    byte[] bytes;
    int offset;
    if (item.hasArray()) {
      bytes = item.array();
      offset = item.arrayOffset() + item.position();
    } else {
      if (scratch == null || scratch.length < n) {
        scratch = new byte[n];
      }
      bytes = scratch;
      item.duplicate().get(bytes, 0, n);
      offset = 0;
    }
    Warden.streamData(handle, bytes, offset, n);
    if (containsDone(bytes, offset, n)) {
      // The last event: end the call now, before the application sees it. Reactive clients
      // (Spring's WebClient) stop at [DONE] and cancel the rest on another thread, which can
      // lose the race with a JVM that is exiting.
      Warden.streamEnded(handle, null);
    }
  }

  /** Copies a JSON body's buffer straight into the kept array, up to the inspection limit. */
  private void keep(ByteBuffer item, int n) {
    if (keptSize + (long) n > MAX_INSPECTED_BODY) {
      return;
    }
    if (kept == null || kept.length - keptSize < n) {
      long announced = kept == null ? contentLength : -1;
      long want =
          announced >= keptSize + (long) n
              ? announced
              : Math.max(keptSize + (long) n, kept == null ? 4096 : 2L * kept.length);
      int size = (int) Math.min(MAX_INSPECTED_BODY, want);
      kept = kept == null ? new byte[size] : Arrays.copyOf(kept, size);
    }
    item.duplicate().get(kept, keptSize, n);
    keptSize += n;
  }

  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

  /** True when the bytes hold the {@code [DONE]} that ends an OpenAI event stream. */
  static boolean containsDone(byte[] b, int off, int len) {
    outer:
    for (int i = off, end = off + len - DONE.length; i <= end; i++) {
      for (int j = 0; j < DONE.length; j++) {
        if (b[i + j] != DONE[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void onError(Throwable error) {
    if (stream) {
      Warden.streamEnded(handle, error);
    } else {
      Warden.failed(handle, error);
    }
    delegate.onError(error);
  }

  @Override
  public void onComplete() {
    end();
    delegate.onComplete();
  }

  private void end() {
    if (stream) {
      Warden.streamEnded(handle, null);
    } else {
      byte[] body =
          kept == null ? (keep ? new byte[0] : null)
              : keptSize == kept.length ? kept : Arrays.copyOf(kept, keptSize);
      Warden.responseReceived(handle, status, headers, body);
    }
  }

  /** Notices the application giving up on the body early. */
  private final class Subscription implements Flow.Subscription {
    private final Flow.Subscription upstream;

    Subscription(Flow.Subscription upstream) {
      this.upstream = upstream;
    }

    @Override
    public void request(long n) {
      upstream.request(n);
    }

    @Override
    public void cancel() {
      try {
        end();
      } finally {
        upstream.cancel();
      }
    }
  }
}
