package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Secret shapes and deny patterns: right answers, in bounded time. */
class PromptScanningTest {

  @Test
  void everySecretShapeIsFoundAndNamed() {
    String azure84 = "A".repeat(52) + "JQQJ9" + "B".repeat(19) + "ACOG" + "C".repeat(4);
    assertThat(SecretScanner.find("key=" + azure84 + ".")).isEqualTo("an Azure AI Services key");
    assertThat(SecretScanner.find("sk-ant-api03-abcdefghijklmnopqrstuvwxyz")).isEqualTo("an API key (sk-...)");
    assertThat(SecretScanner.find("x 0123456789abcdef0123456789ABCDEF y")).isEqualTo("an Azure API key (32 hex digits)");
    assertThat(SecretScanner.find("xoxb-1234567890-abcdef")).isEqualTo("a Slack token");
    assertThat(SecretScanner.find("AIza" + "a".repeat(35))).isEqualTo("a Google API key");
    assertThat(SecretScanner.find("github_pat_" + "a".repeat(30))).isEqualTo("a GitHub token");
    assertThat(SecretScanner.find("-----BEGIN OPENSSH PRIVATE KEY-----\nabc")).isEqualTo("a private key block");
    assertThat(SecretScanner.find("BEARER\tabcdefghijklmnopqrstuvwxyz.0123")).isEqualTo("a bearer token");
  }

  @Test
  void lookAlikesAreNotSecrets() {
    assertThat(SecretScanner.find("task-abcdefghijklmnopqrstuvwxyz")).isNull();
    assertThat(SecretScanner.find("sk-short")).isNull();
    assertThat(SecretScanner.find("0123456789abcdef0123456789abcdef0")).isNull(); // 33 hex
    assertThat(SecretScanner.find("the bearer of bad news")).isNull();
    assertThat(SecretScanner.find("AKIA is a prefix")).isNull();
    assertThat(SecretScanner.find("-----BEGIN PUBLIC KEY-----")).isNull();
    assertThat(SecretScanner.find("")).isNull();
  }

  @Test
  void aCatastrophicPatternOnAHostilePromptStillAnswersQuickly() {
    PromptPattern evil = new PromptPattern("(a+)+$");
    String hostile = "a".repeat(20_000) + "!";
    long start = System.nanoTime();
    assertThat(evil.find(hostile)).isFalse();
    assertThat(evil.find("aaaa")).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void re2OnlySyntaxStillWorks() {
    PromptPattern named = new PromptPattern("(?P<word>secret)");
    assertThat(named.find("a secret plan")).isTrue();
    assertThat(named.find("a public plan")).isFalse();
  }

  private static final String[] PIECES = {
    "sk-", "proj-", "abcdefghijklmnopqrstuvwxyz", "0123456789abcdef", "0123456789ABCDEF", "Bearer ",
    "bearer\t", "eyJ", "hbGciOiJIUzI1NiJ9", ".", "-----BEGIN ", "RSA PRIVATE KEY-----", "\n", " ",
    "AKIA", "ASIA", "XYZ0123456789ABCD", "AIza", "ghp_", "github_pat_", "xoxb-", "JQQJ9", "ACOG",
    "\u00e9", "\uD83D\uDE00", "\u212A", "do not", "DO NOT", "rewrite", "prompt", "the", "_", "a", "!",
  };

  private static final PromptPattern[] PATTERNS = {
    new PromptPattern("(?i)do not (revise|rewrite|change) (this|the|my) prompt"),
    new PromptPattern("rewrite the"),
    new PromptPattern("(a+)+$"),
    new PromptPattern("(?P<word>prompt)"),
    new PromptPattern("sk-[a-z]{5}"),
    new PromptPattern("(?i)caf\u00e9"),
  };

  /**
   * The policy reads the prompt as a view of the parser's buffer (a StringBuilder), not a string:
   * every answer must be the same as on the string (and on any other CharSequence), and the
   * patterns' answers the same as RE2/J's on the string.
   */
  @Test
  void aPromptReadAsABuilderGetsTheSameAnswersAsTheString() {
    java.util.Random r = new java.util.Random(7);
    int secrets = 0;
    int matches = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder b = new StringBuilder();
      int parts = r.nextInt(14);
      for (int i = 0; i < parts; i++) {
        String piece = PIECES[r.nextInt(PIECES.length)];
        b.append(r.nextInt(4) == 0 ? piece.repeat(1 + r.nextInt(4)) : piece);
      }
      String s = b.toString();
      CharSequence other = java.nio.CharBuffer.wrap(s);
      String secret = SecretScanner.find(s);
      assertThat(SecretScanner.find(b)).as(s).isEqualTo(secret);
      assertThat(SecretScanner.find(other)).as(s).isEqualTo(secret);
      secrets += secret == null ? 0 : 1;
      for (PromptPattern p : PATTERNS) {
        boolean found = reference(p.source, s);
        assertThat(p.find(s)).as("%s in %s", p.source, s).isEqualTo(found);
        assertThat(p.find(b)).as("%s in %s", p.source, s).isEqualTo(found);
        assertThat(p.find(other)).as("%s in %s", p.source, s).isEqualTo(found);
        matches += found ? 1 : 0;
      }
      assertThat(b.toString()).isEqualTo(s); // read, never changed
    }
    assertThat(secrets).isGreaterThan(1000); // both answers are well represented
    assertThat(matches).isGreaterThan(1000);
  }

  @Test
  void aPatternSearchesFromManyThreadsAtOnce() throws Exception {
    PromptPattern p = PATTERNS[0];
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          int wrong = 0;
          for (int i = 0; i < 2000; i++) {
            boolean hit = (i + id) % 2 == 0;
            StringBuilder text = new StringBuilder("x ".repeat(i % 50))
                .append(hit ? "Do not change my prompt" : "do change my prompt");
            wrong += p.find(text) == hit ? 0 : 1;
          }
          return wrong;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : results) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** RE2/J: deny patterns are RE2 syntax, and their answers are RE2's ({@link Re2ToJdkTest}). */
  private static boolean reference(String pattern, String text) {
    return com.google.re2j.Pattern.compile(pattern).matcher(text).find();
  }
}
