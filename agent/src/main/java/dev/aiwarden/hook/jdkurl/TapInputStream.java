package dev.aiwarden.hook.jdkurl;

import dev.aiwarden.bootstrap.Warden;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The response stream of an AI call, handing every byte the application reads to ai-warden as it
 * passes (nothing is read ahead or held back). An event stream is parsed as it goes; a JSON body is
 * kept (up to {@value #MAX_INSPECTED_BODY} bytes) and inspected at its end. The call ends at the end
 * of the stream, on a read error, or when the application closes the stream.
 */
final class TapInputStream extends FilterInputStream {
  static final int MAX_INSPECTED_BODY = 16 * 1024 * 1024;

  private final Object handle;
  private final int status;
  private final String[] headers;
  private final boolean stream;
  private final ByteArrayOutputStream kept;

  TapInputStream(InputStream in, Object handle, int status, String[] headers, String contentType) {
    super(in);
    this.handle = handle;
    this.status = status;
    this.headers = headers;
    this.stream =
        contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    this.kept =
        !stream && (contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json"))
            ? new ByteArrayOutputStream()
            : null;
    if (stream) {
      Warden.streamStarted(handle, status, headers);
    }
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = super.read();
    } catch (IOException e) {
      fail(e);
      throw e;
    }
    if (b < 0) {
      end();
    } else {
      tee(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = super.read(b, off, len);
    } catch (IOException e) {
      fail(e);
      throw e;
    }
    if (n < 0) {
      end();
    } else if (n > 0) {
      tee(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes are not seen: read them through this stream instead.
    byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    int read = read(buf, 0, buf.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      end();
    }
  }

  private void tee(byte[] b, int off, int n) {
    try {
      if (stream) {
        Warden.streamData(handle, b, off, n);
      } else if (kept != null && kept.size() + n <= MAX_INSPECTED_BODY) {
        kept.write(b, off, n);
      }
    } catch (Throwable t) {
      Warden.hookError("httpurlconnection.body", t);
    }
  }

  private void end() {
    if (stream) {
      Warden.streamEnded(handle, null);
    } else {
      Warden.responseReceived(handle, status, headers, kept == null ? null : kept.toByteArray());
    }
  }

  private void fail(IOException e) {
    if (stream) {
      Warden.streamEnded(handle, e);
    } else {
      Warden.failed(handle, e);
    }
  }
}
