package dev.aiwarden.classify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One string per distinct short ASCII value read from bodies again and again (model names, finish
 * reasons, filter categories, error codes), so reading them allocates nothing once seen. A small
 * direct-mapped table shared by all threads: an entry is immutable and published through final
 * fields, a collision simply replaces it. Not for values unique per call (ids) or per user.
 */
final class StringCache {
  private static final int SIZE = 256;
  private static final int MAX_LENGTH = 64;
  private static final Entry[] TABLE = new Entry[SIZE];

  private StringCache() {}

  private static final class Entry {
    final byte[] bytes;
    final String value;

    Entry(byte[] bytes, String value) {
      this.bytes = bytes;
      this.value = value;
    }
  }

  /** The ASCII (or Latin-1) bytes {@code b[off, off + len)} as a string. */
  static String get(byte[] b, int off, int len) {
    if (len > MAX_LENGTH) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    int h = len;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (SIZE - 1);
    Entry e = TABLE[slot];
    if (e != null && Arrays.equals(e.bytes, 0, e.bytes.length, b, off, off + len)) {
      return e.value;
    }
    String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
    TABLE[slot] = new Entry(Arrays.copyOfRange(b, off, off + len), s);
    return s;
  }
}
