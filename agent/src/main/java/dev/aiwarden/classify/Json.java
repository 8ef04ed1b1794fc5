package dev.aiwarden.classify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;

/**
 * The one shared Jackson {@link JsonFactory} of the agent (for the small JSON it reads besides
 * bodies, such as token claims), plus the few value helpers the body readers share over their
 * {@link JsonCursor}. Streaming only: no tree is ever built.
 */
public final class Json {
  /**
   * Thread-safe and shared. Buffers are recycled through a shared pool instead of Jackson's default
   * {@code ThreadLocal}s, so no application thread keeps agent objects alive. Strings may be as long
   * as the largest body we read (64 MiB, see {@link Bodies#MAX_DECODED}). Field names are not
   * {@link String#intern() interned}: bodies carry arbitrary names (tool schemas, metadata) that
   * have no business in the application's string pool. Everything else keeps Jackson's defaults.
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Bodies.MAX_DECODED).build())
          .build();

  private Json() {}

  /** The shared factory. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /*
   * The helpers below read the current value of a JsonCursor as one type. A value of another type
   * is skipped whole (an object or array to its end), so the caller's loop can go on with the next
   * field. Strings are checked whole before they are used.
   */

  /** The current value if it is a string, else null. */
  static String stringOrNull(JsonCursor p) throws IOException {
    if (p.current() == JsonCursor.STRING) {
      return p.text();
    }
    p.skipChildren();
    return null;
  }

  /** As {@link #stringOrNull}, one shared string per distinct short value (names of models, reasons). */
  static String sharedStringOrNull(JsonCursor p) throws IOException {
    if (p.current() == JsonCursor.STRING) {
      return p.sharedText();
    }
    p.skipChildren();
    return null;
  }

  /**
   * True when the current value is a number that fits a long ({@link JsonCursor#longValue()}): an
   * integer in range, or a float in range (cut to its integer part).
   */
  static boolean readsLong(JsonCursor p) throws IOException {
    int t = p.current();
    if (t == JsonCursor.INT || t == JsonCursor.FLOAT) {
      return p.readLong();
    }
    p.skipChildren();
    return false;
  }

  /** The current value as a long if it is a number that fits, else null. */
  static Long longOrNull(JsonCursor p) throws IOException {
    return readsLong(p) ? Long.valueOf(p.longValue()) : null;
  }

  /** The current value as a double if it is a number, else null. */
  static Double doubleOrNull(JsonCursor p) throws IOException {
    int t = p.current();
    if (t == JsonCursor.INT || t == JsonCursor.FLOAT) {
      return p.doubleValue();
    }
    p.skipChildren();
    return null;
  }

  /** True only for JSON {@code true}. */
  static boolean isTrue(JsonCursor p) throws IOException {
    if (p.current() == JsonCursor.TRUE) {
      return true;
    }
    p.skipChildren();
    return false;
  }
}
