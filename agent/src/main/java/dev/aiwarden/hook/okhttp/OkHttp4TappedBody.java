package dev.aiwarden.hook.okhttp;

import dev.aiwarden.bootstrap.Warden;
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
 * A streamed (SSE) response body that hands every byte the application reads to ai-warden as it
 * passes, without holding any back, and ends the call when the stream ends, fails or is closed.
 */
public final class OkHttp4TappedBody extends ResponseBody {
  private final ResponseBody delegate;
  private final BufferedSource source;

  public OkHttp4TappedBody(ResponseBody delegate, Object handle) {
    this.delegate = delegate;
    this.source = Okio.buffer(new TapSource(delegate.source(), handle));
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
    private final Object handle;
    private final OutputStream tap;

    TapSource(Source delegate, Object handle) {
      super(delegate);
      this.handle = handle;
      this.tap = new TapStream(handle);
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      long n;
      try {
        n = super.read(sink, byteCount);
      } catch (IOException e) {
        Warden.streamEnded(handle, e);
        throw e;
      }
      if (n == -1) {
        Warden.streamEnded(handle, null);
      } else if (n > 0) {
        try {
          sink.copyTo(tap, sink.size() - n, n);
        } catch (Throwable t) {
          Warden.hookError("okhttp.stream", t);
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        Warden.streamEnded(handle, null);
      }
    }
  }

  /** Where {@code Buffer.copyTo} writes the bytes just read: straight into ai-warden, no copy. */
  static final class TapStream extends OutputStream {
    private final Object handle;

    TapStream(Object handle) {
      this.handle = handle;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Warden.streamData(handle, b, off, len);
    }
  }
}
