package dev.aiwarden.hook;

import dev.aiwarden.bootstrap.Warden;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body ai-warden watches as the application reads it, for clients whose bodies are
 * plain {@link InputStream}s (Apache HttpClient 4 and 5). JDK and {@link Warden} types only, so
 * any hook can inject it next to its adapter. A JSON body is kept (up to 16 MiB) and handed over
 * when it has been read or closed; an SSE body is handed over chunk by chunk as it is read, so
 * nothing is held back and the stream stays a stream. Never throws.
 */
public final class ObservedBody {
  /** Bytes of a non-streamed body kept for inspection; beyond this it is inspected in part. */
  static final int MAX_INSPECTED = 16 * 1024 * 1024;

  private final Object handle;
  private final boolean stream;
  private final int status;
  private final String[] headers;
  private final ByteArrayOutputStream seen;
  private final AtomicBoolean ended = new AtomicBoolean();

  public ObservedBody(Object handle, boolean stream, int status, String[] headers) {
    this.handle = handle;
    this.stream = stream;
    this.status = status;
    this.headers = headers;
    this.seen = stream ? null : new ByteArrayOutputStream();
    if (stream) {
      Warden.streamStarted(handle, status, headers);
    }
  }

  /** True for {@code text/event-stream} content types. */
  public static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /** The application's stream, observed; null stays null. */
  /**
   * Copies a (tapped) body stream to {@code out} and closes it: the {@code writeTo} of every
   * entity wrapper, so the bytes pass through the tap exactly as a read would.
   */
  public static void copyAndClose(InputStream in, java.io.OutputStream out) throws java.io.IOException {
    if (in == null) {
      return;
    }
    try {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) != -1; ) {
        out.write(buf, 0, n);
      }
    } finally {
      in.close();
    }
  }

  public InputStream wrap(InputStream in) {
    return in == null ? null : new TapInputStream(in, this);
  }

  private InputStream lastRaw;
  private InputStream lastTapped;

  /**
   * For an entity whose content may be asked for repeatedly (Apache's {@code getContent()}): the
   * same tap while the library hands out the same stream, a new one when it hands out another.
   */
  public synchronized InputStream wrapOnce(InputStream in) {
    if (in != lastRaw) {
      lastRaw = in;
      lastTapped = wrap(in);
    }
    return lastTapped;
  }

  /** Bytes of the body as they pass (the caller's array is not kept). */
  public void tap(byte[] bytes, int offset, int length) {
    if (length <= 0 || ended.get()) {
      return;
    }
    if (stream) {
      Warden.streamData(handle, bytes, offset, length);
    } else {
      synchronized (seen) {
        int room = MAX_INSPECTED - seen.size();
        if (room > 0) {
          seen.write(bytes, offset, Math.min(room, length));
        }
      }
    }
  }

  /** The body was read to its end, closed ({@code error} null) or failed. Idempotent. */
  public void end(Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (stream) {
      Warden.streamEnded(handle, error);
    } else if (error != null) {
      Warden.failed(handle, error);
    } else {
      byte[] body;
      synchronized (seen) {
        body = seen.size() == 0 ? null : seen.toByteArray();
      }
      Warden.responseReceived(handle, status, headers, body);
    }
  }
}
