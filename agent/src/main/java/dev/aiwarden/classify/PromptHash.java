package dev.aiwarden.classify;

import dev.aiwarden.bootstrap.WardenThread;
import dev.aiwarden.provenance.Fingerprints;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a prompt fed part by part, as the parser reads it: the same value as {@link
 * Fingerprints#sha256Hex16} over the parts joined with {@code '\n'}, computed without building the
 * joined text or a byte array of it. One instance per thread, reused ({@link #begin} resets it);
 * the UTF-8 encoding matches {@link String#getBytes} (a lone surrogate becomes {@code '?'}). A part
 * comes whole ({@link #part}) or in pieces ({@link #beginPart}, {@link #bytes}, {@link #chars},
 * {@link #endPart}): ASCII bytes straight from a JSON body, or decoded chars in slices.
 */
final class PromptHash {
  private final MessageDigest digest;
  private final byte[] buffer = new byte[512];
  private final byte[] out = new byte[32];
  private int used;
  private boolean any;
  /** Within a part fed in pieces: a high surrogate waiting for its low half. */
  private char pendingHigh;
  private boolean pending;

  private PromptHash(MessageDigest digest) {
    this.digest = digest;
  }

  /** This thread's instance, reset. */
  static PromptHash begin() {
    WardenThread t = WardenThread.current();
    PromptHash h;
    if (t.promptHash instanceof PromptHash) {
      h = (PromptHash) t.promptHash;
    } else {
      try {
        h = new PromptHash(MessageDigest.getInstance("SHA-256"));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing", e); // every Java platform has it
      }
      t.promptHash = h;
    }
    h.digest.reset();
    h.used = 0;
    h.any = false;
    h.pending = false;
    return h;
  }

  /** Starts a part fed in pieces. */
  void beginPart() {
    separate();
    pending = false;
  }

  /** Bytes of the part that are already its UTF-8 (printable ASCII). */
  void bytes(byte[] b, int off, int len) {
    if (pending) {
      pending = false;
      put((byte) '?');
    }
    if (len <= buffer.length - used) {
      System.arraycopy(b, off, buffer, used, len);
      used += len;
      return;
    }
    flush();
    digest.update(b, off, len);
  }

  /** Chars of the part; a surrogate pair may be split between two calls. */
  void chars(char[] chars, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (pending) {
        pending = false;
        if (Character.isLowSurrogate(c)) {
          codePoint(Character.toCodePoint(pendingHigh, c));
          continue;
        }
        put((byte) '?');
      }
      if (Character.isHighSurrogate(c)) {
        pendingHigh = c;
        pending = true;
      } else {
        single(c);
      }
    }
  }

  /** Ends a part fed in pieces. */
  void endPart() {
    if (pending) {
      pending = false;
      put((byte) '?');
    }
  }

  /** The next part (never empty): after the first, a {@code '\n'} goes in before it. */
  void part(char[] chars, int offset, int length) {
    separate();
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        codePoint(Character.toCodePoint(c, chars[++i]));
      } else {
        single(c);
      }
    }
  }

  /** As {@link #part(char[], int, int)} for a string (or a builder, a view). */
  void part(CharSequence s) {
    separate();
    int end = s.length();
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
        codePoint(Character.toCodePoint(c, s.charAt(++i)));
      } else {
        single(c);
      }
    }
  }

  /** The first 16 hex digits of the hash of everything fed since {@link #begin}. */
  String hex16() {
    flush();
    try {
      digest.digest(out, 0, out.length);
    } catch (DigestException e) {
      return Fingerprints.hex16(digest.digest()); // not with SHA-256 into 32 bytes
    }
    for (int i = 7; i >= 0; i--) {
      int v = out[i];
      out[2 * i] = HEX[(v >> 4) & 0xF];
      out[2 * i + 1] = HEX[v & 0xF];
    }
    return new String(out, 0, 16, StandardCharsets.ISO_8859_1);
  }

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /** {@link Fingerprints#sha256Hex16} of a text, with this thread's digest; null for null. */
  static String of(CharSequence text) {
    if (text == null) {
      return null;
    }
    PromptHash h = begin();
    h.part(text);
    return h.hex16();
  }

  private void separate() {
    if (any) {
      put((byte) '\n');
    }
    any = true;
  }

  private void single(char c) {
    if (c < 0x80) {
      put((byte) c);
    } else if (c < 0x800) {
      room(2);
      buffer[used++] = (byte) (0xC0 | (c >> 6));
      buffer[used++] = (byte) (0x80 | (c & 0x3F));
    } else if (Character.isSurrogate(c)) {
      put((byte) '?'); // unpaired: what String.getBytes(UTF_8) writes
    } else {
      room(3);
      buffer[used++] = (byte) (0xE0 | (c >> 12));
      buffer[used++] = (byte) (0x80 | ((c >> 6) & 0x3F));
      buffer[used++] = (byte) (0x80 | (c & 0x3F));
    }
  }

  private void codePoint(int cp) {
    room(4);
    buffer[used++] = (byte) (0xF0 | (cp >> 18));
    buffer[used++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
    buffer[used++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
    buffer[used++] = (byte) (0x80 | (cp & 0x3F));
  }

  private void put(byte b) {
    if (used == buffer.length) {
      flush();
    }
    buffer[used++] = b;
  }

  private void room(int n) {
    if (used + n > buffer.length) {
      flush();
    }
  }

  private void flush() {
    if (used > 0) {
      digest.update(buffer, 0, used);
      used = 0;
    }
  }
}
