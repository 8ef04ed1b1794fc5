package dev.aiwarden.provenance;

import java.nio.charset.StandardCharsets;
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
   */
  public static String sha256Hex16(String text) {
    if (text == null) {
      return null;
    }
    MessageDigest digest = sha256();
    if (digest == null) {
      return null;
    }
    return hex16(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

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
