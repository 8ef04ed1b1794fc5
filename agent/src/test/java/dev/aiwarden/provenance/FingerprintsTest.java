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

  @Test
  void hashingEncodesAsGetBytesForAnyText() throws Exception {
    java.util.Random r = new java.util.Random(3);
    char[] alphabet = {'a', 'Z', '0', ' ', '\n', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff',
        '\ud83d', '\ude00', '\udbff', '\udc00'};
    for (int i = 0; i < 3000; i++) {
      int length = i % 10 == 0 ? 1000 + r.nextInt(3000) : r.nextInt(40); // across the chunk size too
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < length; j++) {
        b.append(alphabet[r.nextInt(alphabet.length)]);
      }
      String text = b.toString();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      assertThat(Fingerprints.sha256Hex16(text)).as(text).isEqualTo(Fingerprints.hex16(digest));
    }
  }

  @Test
  void hashingAPromptMakesNoCopyOfIt() {
    StringBuilder b = new StringBuilder();
    while (b.length() < 2048) {
      b.append("Our quarterly revenue grew in every region while costs stayed flat. ");
    }
    String prompt = b.toString();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 20_000; i++) {
      Fingerprints.sha256Hex16(prompt);
    }
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1000; i++) {
      Fingerprints.sha256Hex16(prompt);
    }
    long perCall = (threads.getThreadAllocatedBytes(id) - before) / 1000;
    // The 16-digit result (a string and its bytes); a copy of the 2 KB prompt would be > 2 KB.
    assertThat(perCall).isLessThan(200);
  }
}
