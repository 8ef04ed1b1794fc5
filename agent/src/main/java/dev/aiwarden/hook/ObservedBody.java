package dev.aiwarden.hook;

import dev.aiwarden.bootstrap.Warden;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A response body ai-warden watches as the application reads it, for clients whose bodies are
 * plain {@link InputStream}s (Apache HttpClient 4 and 5) or arrive as buffers (Reactor Netty,
 * azure-core). JDK and {@link Warden} types only, so any hook can inject it next to its adapter. A
 * JSON body is copied once into one buffer sized from its Content-Length (up to 16 MiB) and handed
 * over when it has been read or closed; an SSE body is handed over chunk by chunk as it is read, so
 * nothing is held back and the stream stays a stream. Never throws.
 */
public final class ObservedBody {
  /** Bytes of a non-streamed body kept for inspection; beyond this it is inspected in part. */
  static final int MAX_INSPECTED = 16 * 1024 * 1024;

  /** First size of the inspection buffer of a body of unknown length. */
  private static final int UNKNOWN_LENGTH_START = 4096;

  /** Size of a spare inspection buffer: most non-streamed AI responses are a few KiB at most. */
  static final int SPARE_SIZE = 8192;

  /**
   * Inspection buffers of small bodies, reused call after call instead of one new array per body:
   * taken when a body's first bytes come (on whatever thread), cleared and given back when the
   * core has read the body. Never holds a body between calls (only zeros).
   */
  private static final AtomicReferenceArray<byte[]> SPARES = new AtomicReferenceArray<>(16);

  private static final AtomicIntegerFieldUpdater<ObservedBody> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(ObservedBody.class, "ended");

  private final Object handle;
  private final boolean stream;
  private final int status;
  private final String[] headers;
  /**
   * The one inspection buffer of a non-streamed body: made at its first bytes, sized from
   * Content-Length when announced, handed to ai-warden as it is when the body is exactly that long.
   */
  private byte[] seen; // guarded by this
  private int seenSize; // guarded by this
  /** True while {@link #seen} is one of {@link #SPARES}, to be cleared and given back at the end. */
  private boolean spare; // guarded by this
  /** A streamed body's bytes that came in a buffer without an array: copied here, reused. */
  private byte[] scratch; // guarded by this
  private volatile int ended;

  public ObservedBody(Object handle, boolean stream, int status, String[] headers) {
    this.handle = handle;
    this.stream = stream;
    this.status = status;
    this.headers = headers;
    if (stream) {
      Warden.streamStarted(handle, status, headers);
    }
  }

  /**
   * True for the headers ai-warden reads (any case): {@code Content-Type}, {@code
   * Content-Encoding}, {@code Content-Length}, {@code Authorization}, {@code Api-Key}. A hook may
   * hand over only these, in their order, instead of every header (fewer and smaller arrays).
   */
  public static boolean isInspectedHeader(String name) {
    switch (name.length()) {
      case 7:
        return name.equalsIgnoreCase("api-key");
      case 12:
        return name.equalsIgnoreCase("content-type");
      case 13:
        return name.equalsIgnoreCase("authorization");
      case 14:
        return name.equalsIgnoreCase("content-length");
      case 16:
        return name.equalsIgnoreCase("content-encoding");
      default:
        return false;
    }
  }

  /** True for {@code text/event-stream} content types. */
  public static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /** The value of the Content-Length header in flattened {@code name, value} pairs, or -1. */
  public static long contentLength(String[] headers) {
    for (int i = 0; headers != null && i + 1 < headers.length; i += 2) {
      if ("Content-Length".equalsIgnoreCase(headers[i])) {
        String value = headers[i + 1];
        try {
          return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

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

  /** The application's stream, observed; null stays null. */
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

  /** True once the call has ended: later bytes are not looked at. */
  public boolean ended() {
    return ended != 0;
  }

  /** Bytes of the body as they pass (the caller's array is not kept). */
  public void tap(byte[] bytes, int offset, int length) {
    if (length <= 0 || ended != 0) {
      return;
    }
    if (stream) {
      Warden.streamData(handle, bytes, offset, length);
      return;
    }
    synchronized (this) {
      int n = ended != 0 ? 0 : room(length);
      if (n > 0) {
        System.arraycopy(bytes, offset, seen, seenSize, n);
        seenSize += n;
      }
    }
  }

  /**
   * The bytes between the buffer's position and limit as they pass; the buffer itself is not
   * moved. Copied once, straight into the inspection buffer (or, for a stream whose buffer has no
   * array, into one reused scratch array): no array per chunk.
   */
  public void tap(ByteBuffer buffer) {
    int length = buffer.remaining();
    if (length <= 0 || ended != 0) {
      return;
    }
    if (buffer.hasArray()) {
      tap(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
      return;
    }
    ByteBuffer view = buffer.duplicate();
    if (stream) {
      byte[] copy;
      synchronized (this) {
        copy = scratch;
        if (copy == null || copy.length < length) {
          copy = scratch = new byte[length];
        }
        view.get(copy, 0, length);
        Warden.streamData(handle, copy, 0, length);
      }
      return;
    }
    synchronized (this) {
      int n = ended != 0 ? 0 : room(length);
      if (n > 0) {
        view.get(seen, seenSize, n);
        seenSize += n;
      }
    }
  }

  /**
   * Makes room for up to {@code length} more bytes in {@link #seen}; returns how many fit under
   * {@link #MAX_INSPECTED}. The first buffer has the announced length; one that turns out too small
   * doubles.
   */
  private int room(int length) {
    int n = Math.min(MAX_INSPECTED - seenSize, length);
    if (n <= 0) {
      return 0;
    }
    long need = (long) seenSize + n;
    if (seen == null || seen.length < need) {
      long announced = seen == null ? contentLength(headers) : -1;
      long want =
          announced >= need
              ? announced
              : Math.max(need, seen == null ? UNKNOWN_LENGTH_START : 2L * seen.length);
      int size = (int) Math.min(MAX_INSPECTED, want);
      if (seen == null) {
        byte[] taken = size <= SPARE_SIZE ? takeSpare() : null;
        spare = taken != null;
        seen = taken != null ? taken : new byte[size];
      } else {
        byte[] grown = Arrays.copyOf(seen, size);
        if (spare) {
          giveBack(seen, seenSize);
          spare = false;
        }
        seen = grown;
      }
    }
    return n;
  }

  private static byte[] takeSpare() {
    for (int i = 0; i < SPARES.length(); i++) {
      byte[] b = SPARES.get(i);
      if (b != null && SPARES.compareAndSet(i, b, null)) {
        return b;
      }
    }
    return new byte[SPARE_SIZE]; // becomes a spare when given back
  }

  /** Clears the first {@code used} bytes of a spare buffer and puts it back (or drops it: all full). */
  private static void giveBack(byte[] b, int used) {
    Arrays.fill(b, 0, used, (byte) 0);
    for (int i = 0; i < SPARES.length(); i++) {
      if (SPARES.get(i) == null && SPARES.compareAndSet(i, null, b)) {
        return;
      }
    }
  }

  /**
   * The whole body, read by the application in one piece: ends the call with it, without a copy
   * when nothing was seen before (the array is only read).
   */
  public void endWith(byte[] whole) {
    boolean nothingSeen;
    synchronized (this) {
      nothingSeen = seenSize == 0;
    }
    if (!nothingSeen || stream) {
      tap(whole, 0, whole.length);
      end(null);
      return;
    }
    if (ENDED.compareAndSet(this, 0, 1)) {
      Warden.responseReceived(
          handle,
          status,
          headers,
          whole.length <= MAX_INSPECTED ? whole : Arrays.copyOf(whole, MAX_INSPECTED));
    }
  }

  /** The body was read to its end, closed ({@code error} null) or failed. Idempotent. */
  public void end(Throwable error) {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    if (stream) {
      Warden.streamEnded(handle, error);
    } else if (error != null) {
      Warden.failed(handle, error);
    } else {
      byte[] body;
      int size;
      boolean wasSpare;
      synchronized (this) {
        body = seen;
        size = seenSize;
        wasSpare = spare;
        seen = null;
        spare = false;
      }
      if (body == null || size == 0) {
        Warden.responseReceived(handle, status, headers, null);
        if (wasSpare) {
          giveBack(body, 0);
        }
        return;
      }
      try {
        // The core reads the range and keeps nothing of the array: no trimmed copy.
        Warden.responseReceived(handle, status, headers, body, 0, size);
      } finally {
        if (wasSpare) {
          giveBack(body, size);
        }
      }
    }
  }
}
