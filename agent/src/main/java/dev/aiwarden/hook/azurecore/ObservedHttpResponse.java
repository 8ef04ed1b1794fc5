package dev.aiwarden.hook.azurecore;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.Warden;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The application's response, unchanged, with ai-warden looking over its shoulder: every body
 * accessor hands the bytes the application reads to ai-warden as they pass (no extra read, no
 * delay, streams stay streams), and the call ends when the body has been read, fails, or the
 * response is closed.
 */
public final class ObservedHttpResponse extends HttpResponse {
  /** Bytes of a non-streamed body kept for inspection; beyond this it is inspected in part. */
  private static final int MAX_INSPECTED = 16 * 1024 * 1024;

  private final HttpResponse delegate;
  private final Object handle;
  private final boolean stream;
  private final int status;
  private final String[] headers;
  /** The non-streamed body seen so far: made at the first bytes, sized from Content-Length. */
  private byte[] seen; // guarded by this
  private int seenSize; // guarded by this
  private final AtomicBoolean ended = new AtomicBoolean();

  ObservedHttpResponse(
      HttpResponse delegate, Object handle, boolean stream, int status, String[] headers) {
    super(delegate.getRequest());
    this.delegate = delegate;
    this.handle = handle;
    this.stream = stream;
    this.status = status;
    this.headers = headers;
  }

  @Override
  public int getStatusCode() {
    return delegate.getStatusCode();
  }

  @Override
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
    return delegate
        .getBody()
        .doOnNext(this::tap)
        .doOnComplete(() -> end(null))
        .doOnError(this::end)
        .doOnCancel(() -> end(null));
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return delegate
        .getBodyAsByteArray()
        .doOnSuccess(
            bytes -> {
              if (bytes != null) {
                tap(bytes, 0, bytes.length);
              }
              end(null);
            })
        .doOnError(this::end);
  }

  @Override
  public Mono<String> getBodyAsString() {
    return delegate.getBodyAsString().doOnSuccess(this::tapString).doOnError(this::end);
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return delegate.getBodyAsString(charset).doOnSuccess(this::tapString).doOnError(this::end);
  }

  @Override
  public BinaryData getBodyAsBinaryData() {
    if (!stream) {
      BinaryData data = delegate.getBodyAsBinaryData();
      if (data != null && data.isReplayable()) {
        byte[] bytes = data.toBytes();
        endWith(bytes); // the whole body at once: inspected as it is, no copy
        return data;
      }
    }
    // Not replayable: the base class builds a streaming BinaryData over our observed getBody().
    return super.getBodyAsBinaryData();
  }

  @Override
  public Mono<InputStream> getBodyAsInputStream() {
    // Netty's response aggregates the body first: a connection closed mid-body fails the Mono.
    return delegate
        .getBodyAsInputStream()
        .<InputStream>map(in -> new TapInputStream(in, this))
        .doOnError(this::end);
  }

  @Override
  public void writeBodyTo(WritableByteChannel channel) throws IOException {
    try {
      delegate.writeBodyTo(channel);
    } finally {
      end(null);
    }
  }

  @Override
  public Mono<Void> writeBodyToAsync(AsynchronousByteChannel channel) {
    return delegate.writeBodyToAsync(channel).doFinally(signal -> end(null));
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      end(null);
    }
  }

  private void tap(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    int n = view.remaining();
    if (n == 0) {
      return;
    }
    if (view.hasArray()) {
      tap(view.array(), view.arrayOffset() + view.position(), n);
    } else {
      byte[] copy = new byte[n];
      view.get(copy);
      tap(copy, 0, n);
    }
  }

  private void tapString(String s) {
    if (s != null) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      tap(bytes, 0, bytes.length);
    }
    end(null);
  }

  void tap(byte[] bytes, int offset, int length) {
    if (ended.get()) {
      return;
    }
    if (stream) {
      Warden.streamData(handle, bytes, offset, length);
    } else {
      synchronized (this) {
        int n = Math.min(MAX_INSPECTED - seenSize, length);
        if (n <= 0) {
          return;
        }
        if (seen == null || seen.length - seenSize < n) {
          long announced = contentLength(headers);
          int want = (int) Math.min(MAX_INSPECTED,
              Math.max(seenSize + (long) n, seen == null && announced > 0 ? announced : 2L * (seenSize + n)));
          seen = seen == null ? new byte[want] : java.util.Arrays.copyOf(seen, want);
        }
        System.arraycopy(bytes, offset, seen, seenSize, n);
        seenSize += n;
      }
    }
  }

  /** The Content-Length header's value, or -1. */
  static long contentLength(String[] headers) {
    for (int i = 0; headers != null && i + 1 < headers.length; i += 2) {
      if ("Content-Length".equalsIgnoreCase(headers[i])) {
        try {
          return Long.parseLong(headers[i + 1].trim());
        } catch (NumberFormatException | NullPointerException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The whole body, read by the application in one piece: ends the call with it. */
  private void endWith(byte[] whole) {
    boolean nothingSeen;
    synchronized (this) {
      nothingSeen = seenSize == 0;
    }
    if (nothingSeen) {
      if (ended.compareAndSet(false, true)) {
        Warden.responseReceived(handle, status, headers,
            whole.length <= MAX_INSPECTED ? whole : java.util.Arrays.copyOf(whole, MAX_INSPECTED));
      }
      return;
    }
    tap(whole, 0, whole.length);
    end(null);
  }

  void end(Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (stream) {
      Warden.streamEnded(handle, error);
    } else if (error != null) {
      Warden.failed(handle, error);
    } else {
      byte[] body;
      synchronized (this) {
        body = seenSize == 0 ? null
            : seenSize == seen.length ? seen : java.util.Arrays.copyOf(seen, seenSize);
      }
      Warden.responseReceived(handle, status, headers, body);
    }
  }

  /** An InputStream body: bytes are seen as they are read; the call ends at EOF or close. */
  static final class TapInputStream extends FilterInputStream {
    private final ObservedHttpResponse owner;

    TapInputStream(InputStream in, ObservedHttpResponse owner) {
      super(in);
      this.owner = owner;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        owner.end(null);
      } else {
        owner.tap(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        owner.end(e);
        throw e;
      }
      if (n < 0) {
        owner.end(null);
      } else if (n > 0) {
        owner.tap(b, off, n);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        owner.end(null);
      }
    }
  }
}
