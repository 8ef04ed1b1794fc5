package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  void fingerprintIsSha256PrefixOfUtf8() throws Exception {
    String key = "sk-proj-Ünïcode-key-for-a-fingerprint-test";
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder("sha256:");
    for (int i = 0; i < 8; i++) {
      hex.append(String.format("%02x", digest[i]));
    }
    assertThat(Fingerprints.fingerprint(key)).isEqualTo(hex.toString());
  }

  @Test
  void knownVectors() {
    // Computed once with `printf %s KEY | sha256sum | cut -c1-16`.
    assertThat(Fingerprints.fingerprint("sk-test-ai-warden-fingerprint-vector-0001"))
        .isEqualTo("sha256:06459dd00ae89851");
    assertThat(Fingerprints.fingerprint("abc")).isEqualTo("sha256:ba7816bf8f01cfea");
    assertThat(Fingerprints.sha256Hex16("")).isEqualTo("e3b0c44298fc1c14");
    assertThat(Fingerprints.fingerprint(null)).isNull();
    assertThat(Fingerprints.sha256Hex16(null)).isNull();
  }

  @Test
  void hintOnlyForKeysOfTwentyOrMore() {
    assertThat(Fingerprints.hint("0123456789012345678")).isNull(); // 19
    assertThat(Fingerprints.hint("01234567890123456789")).isEqualTo("...6789"); // 20
    assertThat(Fingerprints.hint("sk-proj-abcdefghijklmnopqrstuvwxyzWXYZ")).isEqualTo("...WXYZ");
    assertThat(Fingerprints.hint("")).isNull();
    assertThat(Fingerprints.hint(null)).isNull();
  }
}
