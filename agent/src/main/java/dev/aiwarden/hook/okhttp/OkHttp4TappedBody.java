package dev.aiwarden.hook.okhttp;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.IOException;
import java.io.OutputStream;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/**
 * A response body that hands every byte the application reads to ai-warden as it passes, without
 * holding any back, and ends the call when the body ends, fails or is closed: an SSE stream chunk
 * by chunk, a large JSON body copied once into its inspection buffer (instead of being buffered
 * whole before the application sees it).
 */
public final class OkHttp4TappedBody extends ResponseBody {
  private final ResponseBody delegate;
  private final BufferedSource source;

  public OkHttp4TappedBody(ResponseBody delegate, ObservedBody observed) {
    this.delegate = delegate;
    this.source = Okio.buffer(new TapSource(delegate.source(), observed));
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    return source;
  }

  /** Forwards reads; copies what each read added to the sink into ai-warden. */
  static final class TapSource extends ForwardingSource {
    private final ObservedBody observed;
    private final OutputStream tap;

    TapSource(Source delegate, ObservedBody observed) {
      super(delegate);
      this.observed = observed;
      this.tap = new TapStream(observed);
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      long n;
      try {
        n = super.read(sink, byteCount);
      } catch (IOException e) {
        observed.end(e);
        throw e;
      }
      if (n == -1) {
        observed.end(null);
      } else if (n > 0 && !observed.ended()) {
        try {
          sink.copyTo(tap, sink.size() - n, n);
        } catch (Throwable t) {
          Warden.hookError("okhttp.body", t);
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        observed.end(null);
      }
    }
  }

  /** Where {@code Buffer.copyTo} writes the bytes just read: straight into ai-warden, no copy. */
  static final class TapStream extends OutputStream {
    private final ObservedBody observed;

    TapStream(ObservedBody observed) {
      this.observed = observed;
    }

    @Override
    public void write(int b) {
      observed.tap(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      observed.tap(b, off, len);
    }
  }
}
