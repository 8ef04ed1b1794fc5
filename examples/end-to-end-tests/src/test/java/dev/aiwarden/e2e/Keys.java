package dev.aiwarden.e2e;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The contract's key fingerprint, computed independently of the agent's code. */
final class Keys {
  private Keys() {}

  static String fingerprint(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder("sha256:");
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
