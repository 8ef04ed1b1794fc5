package dev.aiwarden.telemetry.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash chain of the audit log. Every line is a JSON object whose last member is {@code
 * "prev":"<64 hex>"}: the SHA-256 of the previous line's UTF-8 bytes (without its line end), or
 * {@link #GENESIS} for the first line of a file. Changing, deleting, inserting or reordering any
 * line breaks the chain at that point.
 */
public final class AuditChain {
  /** {@code prev} of a file's first record. */
  public static final String GENESIS =
      "0000000000000000000000000000000000000000000000000000000000000000";

  static final String PREV_MEMBER = ",\"prev\":\"";

  private AuditChain() {}

  /** Lower-case hex SHA-256 of a line's UTF-8 bytes. */
  public static String hash(String line) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
      char[] hex = new char[64];
      for (int i = 0; i < 32; i++) {
        hex[2 * i] = Character.forDigit((d[i] >> 4) & 0xf, 16);
        hex[2 * i + 1] = Character.forDigit(d[i] & 0xf, 16);
      }
      return new String(hex);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The {@code prev} value a line claims, or null when it has none in the expected place. */
  static String claimedPrev(String line) {
    int at = line.lastIndexOf(PREV_MEMBER);
    int start = at + PREV_MEMBER.length();
    if (at < 0 || line.length() != start + 64 + 2 || !line.endsWith("\"}")) {
      return null;
    }
    return line.substring(start, start + 64);
  }

  /** The {@code seq} member of a line, or -1. */
  static long seq(String line) {
    int at = line.lastIndexOf(",\"seq\":");
    if (at < 0) {
      return -1;
    }
    int start = at + 7;
    int end = start;
    while (end < line.length() && end - start < 18 && Character.isDigit(line.charAt(end))) {
      end++;
    }
    return end == start ? -1 : Long.parseLong(line.substring(start, end));
  }
}
