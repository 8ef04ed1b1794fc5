package dev.aiwarden.hook.azurecore;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The application's response, unchanged, with ai-warden looking over its shoulder: every body
 * accessor hands the bytes the application reads to ai-warden as they pass (no extra read, no
 * delay, streams stay streams), and the call ends when the body has been read, fails, or the
 * response is closed. A non-streamed body is copied once, into the {@link ObservedBody}'s
 * inspection buffer; a body the application reads in one piece is not copied at all.
 */
public final class ObservedHttpResponse extends HttpResponse {
  /**
   * Response classes that inherit {@link HttpResponse#getBodyAsBinaryData()} (a streaming view of
   * {@link #getBody()}, never replayable): asking them for it would only build a view to throw away.
   */
  private static final ClassValue<Boolean> OWN_BINARY_DATA = new OwnBinaryData();

  private final HttpResponse delegate;
  private final boolean stream;
  private final ObservedBody body;

  ObservedHttpResponse(
      HttpResponse delegate, Object handle, boolean stream, int status, String[] headers) {
    super(delegate.getRequest());
    this.delegate = delegate;
    this.stream = stream;
    this.body = new ObservedBody(handle, stream, status, headers);
  }

  @Override
  public int getStatusCode() {
    return delegate.getStatusCode();
  }

  @Override
  @Deprecated
  public String getHeaderValue(String name) {
    return delegate.getHeaderValue(name);
  }

  @Override
  public String getHeaderValue(HttpHeaderName name) {
    return delegate.getHeaderValue(name);
  }

  @Override
  public HttpHeaders getHeaders() {
    return delegate.getHeaders();
  }

  @Override
  public Flux<ByteBuffer> getBody() {
    return new TappedFlux(delegate.getBody(), body);
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return delegate
        .getBodyAsByteArray()
        .doOnSuccess(
            bytes -> {
              if (bytes != null) {
                body.endWith(bytes);
              }
              body.end(null);
            })
        .doOnError(body::end);
  }

  @Override
  public Mono<String> getBodyAsString() {
    return delegate.getBodyAsString().doOnSuccess(this::tapString).doOnError(body::end);
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return delegate.getBodyAsString(charset).doOnSuccess(this::tapString).doOnError(body::end);
  }

  @Override
  public BinaryData getBodyAsBinaryData() {
    if (!stream && OWN_BINARY_DATA.get(delegate.getClass())) {
      BinaryData data = delegate.getBodyAsBinaryData();
      if (data != null && data.isReplayable()) {
        body.endWith(data.toBytes()); // the whole body at once: inspected as it is, no copy
        return data;
      }
    }
    // Not replayable: the base class builds a streaming BinaryData over our observed getBody().
    return super.getBodyAsBinaryData();
  }

  @Override
  public Mono<InputStream> getBodyAsInputStream() {
    // Netty's response aggregates the body first: a connection closed mid-body fails the Mono.
    return delegate.getBodyAsInputStream().map(body::wrap).doOnError(body::end);
  }

  @Override
  public void writeBodyTo(WritableByteChannel channel) throws IOException {
    try {
      delegate.writeBodyTo(channel);
    } finally {
      body.end(null);
    }
  }

  @Override
  public Mono<Void> writeBodyToAsync(AsynchronousByteChannel channel) {
    return delegate.writeBodyToAsync(channel).doFinally(signal -> body.end(null));
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      body.end(null);
    }
  }

  private void tapString(String s) {
    if (s != null) {
      body.endWith(s.getBytes(StandardCharsets.UTF_8));
    }
    body.end(null);
  }

  /** True for a response class that has its own {@code getBodyAsBinaryData()}. */
  static final class OwnBinaryData extends ClassValue<Boolean> {
    @Override
    protected Boolean computeValue(Class<?> type) {
      try {
        return type.getMethod("getBodyAsBinaryData").getDeclaringClass() != HttpResponse.class;
      } catch (Throwable t) {
        return Boolean.TRUE;
      }
    }
  }

  /**
   * The response's body {@code Flux}, each buffer shown to ai-warden before it is passed on, the
   * call ended by completion, error or cancellation: one subscriber per subscription, nothing per
   * buffer (instead of a chain of {@code doOnNext}/{@code doOnComplete}/... operators).
   */
  static final class TappedFlux extends Flux<ByteBuffer> {
    private final Flux<ByteBuffer> source;
    private final ObservedBody body;

    TappedFlux(Flux<ByteBuffer> source, ObservedBody body) {
      this.source = source;
      this.body = body;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuffer> actual) {
      source.subscribe(new TapSubscriber(actual, body));
    }
  }

  static final class TapSubscriber extends Relay<ByteBuffer> {
    private final ObservedBody body;

    TapSubscriber(CoreSubscriber<? super ByteBuffer> actual, ObservedBody body) {
      super(actual);
      this.body = body;
    }

    @Override
    public void onNext(ByteBuffer buffer) {
      try {
        body.tap(buffer);
      } catch (Throwable t) {
        Warden.hookError("azure-core.body", t);
      }
      actual.onNext(buffer);
    }

    @Override
    public void onError(Throwable error) {
      body.end(error);
      actual.onError(error);
    }

    @Override
    public void onComplete() {
      body.end(null);
      actual.onComplete();
    }

    @Override
    public void cancel() {
      body.end(null);
      super.cancel();
    }
  }
}
