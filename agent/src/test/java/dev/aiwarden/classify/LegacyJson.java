package dev.aiwarden.classify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;

/** Test-only reference: the Jackson-based implementation before the in-place reader, kept to prove the new one reads every body the same.
 *
 * <p>
 * The one shared Jackson {@link JsonFactory} of the agent's body readers, plus the few token
 * helpers they share. Streaming only: no tree is ever built.
 */
public final class LegacyJson {
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

  private LegacyJson() {}

  /** The shared factory. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /*
   * The helpers below read the current value as one type. A value of another type is skipped whole
   * (an object or array to its end), so the caller's loop can go on with the next field.
   */

  /** The current value if it is a string, else null. */
  static String stringOrNull(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** The current value as a long if it is a number that fits, else null. */
  static Long longOrNull(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? (long) d : null;
    }
    p.skipChildren();
    return null;
  }

  /** The current value as a double if it is a number, else null. */
  static Double doubleOrNull(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    p.skipChildren();
    return null;
  }

  /** True only for JSON {@code true}. */
  static boolean isTrue(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_TRUE) {
      return true;
    }
    p.skipChildren();
    return false;
  }
}
