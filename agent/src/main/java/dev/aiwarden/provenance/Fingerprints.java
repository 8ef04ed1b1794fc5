package dev.aiwarden.provenance;

import dev.aiwarden.bootstrap.WardenThread;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The non-secret names of a credential: its fingerprint ({@code aiwarden.key.fingerprint}) and its
 * hint ({@code aiwarden.key.hint}). Neither lets anyone rebuild the key.
 */
public final class Fingerprints {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Keys shorter than this get no hint: four characters of a short key say too much. */
  static final int HINT_MIN_LENGTH = 20;

  private Fingerprints() {}

  /**
   * {@code "sha256:"} + the first 16 lower-case hex digits of SHA-256 over the key's UTF-8 bytes,
   * or null for a null key.
   */
  public static String fingerprint(String key) {
    if (key == null) {
      return null;
    }
    String hex = sha256Hex16(key);
    return hex == null ? null : "sha256:" + hex;
  }

  /**
   * {@code "..."} + the last 4 characters of the key, only for keys of 20 or more characters;
   * otherwise (and for null) null.
   */
  public static String hint(String key) {
    if (key == null || key.length() < HINT_MIN_LENGTH) {
      return null;
    }
    return "..." + key.substring(key.length() - 4);
  }

  /**
   * The first 16 lower-case hex digits (8 bytes) of SHA-256 over the UTF-8 bytes of {@code text},
   * or null for null text. Shared by the prompt hash ({@code aiwarden.prompt.sha256}).
   *
   * <p>Per call it makes no copy of the text: the characters are encoded to UTF-8 (as {@link
   * String#getBytes}: a lone surrogate becomes {@code '?'}) in chunks into a small buffer, and the
   * digest and buffer are reused per thread (in its {@link WardenThread}).
   */
  public static String sha256Hex16(String text) {
    if (text == null) {
      return null;
    }
    // {MessageDigest, byte[]} of this thread, kept in its WardenThread.
    WardenThread thread = WardenThread.current();
    Object[] reused = (Object[]) thread.fingerprint;
    if (reused == null) {
      MessageDigest digest = sha256();
      if (digest == null) {
        return null;
      }
      reused = new Object[] {digest, new byte[CHUNK + 4]};
      thread.fingerprint = reused;
    }
    MessageDigest digest = (MessageDigest) reused[0];
    byte[] buffer = (byte[]) reused[1];
    digest.reset();
    int used = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      if (used >= CHUNK) {
        digest.update(buffer, 0, used);
        used = 0;
      }
      char c = text.charAt(i);
      if (c < 0x80) {
        buffer[used++] = (byte) c;
      } else if (c < 0x800) {
        buffer[used++] = (byte) (0xC0 | (c >> 6));
        buffer[used++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, text.charAt(++i));
          buffer[used++] = (byte) (0xF0 | (cp >> 18));
          buffer[used++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          buffer[used++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          buffer[used++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          buffer[used++] = (byte) '?';
        }
      } else {
        buffer[used++] = (byte) (0xE0 | (c >> 12));
        buffer[used++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buffer[used++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    digest.update(buffer, 0, used);
    try {
      // Into the same buffer: the digest is done with it.
      digest.digest(buffer, 0, 32);
    } catch (java.security.DigestException e) {
      return null; // the buffer is large enough: cannot happen
    }
    return hex16(buffer);
  }

  /** Characters encoded per {@link MessageDigest#update} (the buffer has room for one more). */
  private static final int CHUNK = 1024;

  /** The first 16 lower-case hex digits (8 bytes) of a hash. */
  public static String hex16(byte[] hash) {
    char[] out = new char[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = HEX[(hash[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[hash[i] & 0xF];
    }
    return new String(out);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256; this cannot happen on a conforming JVM.
      return null;
    }
  }
}
