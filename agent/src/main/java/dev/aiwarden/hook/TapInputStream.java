package dev.aiwarden.hook;

import dev.aiwarden.bootstrap.Warden;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes every read through unchanged and shows the bytes to an {@link ObservedBody}: the
 * application's reads are the only reads, nothing is buffered ahead or held back.
 */
public final class TapInputStream extends FilterInputStream {
  private final ObservedBody body;

  TapInputStream(InputStream in, ObservedBody body) {
    super(in);
    this.body = body;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = super.read();
    } catch (IOException e) {
      body.end(e);
      throw e;
    }
    if (b == -1) {
      body.end(null);
    } else {
      tap(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      body.end(e);
      throw e;
    }
    if (n == -1) {
      body.end(null);
    } else {
      tap(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes are not seen; what was read still is.
    return in.skip(n);
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
      body.end(null);
    }
  }

  private void tap(byte[] b, int off, int n) {
    try {
      body.tap(b, off, n);
    } catch (Throwable t) {
      Warden.hookError("tap", t);
    }
  }
}
