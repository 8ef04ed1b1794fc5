package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretScanner}'s run-skipping scan against the plain one it replaced ({@link Reference}:
 * every word start checked in text order): the same answer, the same kind of secret, on texts
 * built to hit the edges: secrets at the text's start and end, cut one short, glued to token
 * characters, {@code Bearer} with every kind of whitespace and runs just over and under the
 * lengths that matter, non-ASCII letters next to them.
 */
class SecretScannerFastPathTest {
  private static final String[] PIECES = {
    " ", "  ", "\t", "\n", "\u00a0", "\u2003", ".", "-", "_", "/", "=", "+", "~", ":", "\"", "é", "\u4e2d",
    "a", "Z", "9", "sk", "sk-", "SK-", "ask-", "bearer", "Bearer", "BEARER", "beare", "xbearer",
    "eyJ", "eyJabcde", "eyJabcde.", "eyJhbGciOi.eyJzdWIiOi.sig", "AKIA", "ASIA", "AIza", "gh", "ghp_",
    "github_pat_", "xox", "xoxb-", "xoxq-", "JQQJ9", "ACOG", "-----BEGIN ", "PRIVATE KEY-----",
    "0123456789abcdef", "0123456789ABCDEF", "abcdefghij", "ABCDEFGHIJ", "0123456789", "Hello world, ",
    "sk-abcdefghijklmnopq", "sk-abcdefghijklmnop", "AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNO",
  };

  @Test
  void theSkippingScanAnswersAsThePlainOne() {
    Random r = new Random(11);
    int secrets = 0;
    java.util.Set<String> kinds = new java.util.HashSet<>();
    for (int round = 0; round < 200_000; round++) {
      StringBuilder b = new StringBuilder();
      int parts = 1 + r.nextInt(24);
      for (int i = 0; i < parts; i++) {
        String piece = PIECES[r.nextInt(PIECES.length)];
        b.append(r.nextInt(3) == 0 ? piece.repeat(1 + r.nextInt(6)) : piece);
      }
      String s = b.toString();
      String expected = Reference.find(s);
      assertThat(SecretScanner.find(s)).as(s).isEqualTo(expected);
      assertThat(SecretScanner.find(b)).as(s).isEqualTo(expected);
      if (expected != null) {
        secrets++;
        kinds.add(expected);
      }
    }
    assertThat(secrets).isGreaterThan(10_000);
    // Every kind but the 84-character Azure AI Services key, which the next test places.
    assertThat(kinds).hasSize(9);
  }

  @Test
  void everyShapeIsFoundAtTheTextsEdgesAndInsideLongRuns() {
    String[] secrets = {
      "sk-abcdefghijklmnopq", "0123456789abcdef0123456789abcdef", "eyJabcde.eyJabcde.",
      "Bearer abcdefghijklmnopqrst", "bearer\u2003\nabc.def/ghi+jkl=mno~pqr", "AKIAABCDEFGHIJKLMNOP",
      "AIza" + "b".repeat(35), "ghp_" + "c".repeat(36), "github_pat_" + "d".repeat(22), "xoxb-0123456789",
      "a".repeat(52) + "JQQJ9" + "b".repeat(19) + "ACOG" + "c".repeat(4),
    };
    String[] around = {"", " ", ".", "-", "é", "x", "~~~~~~~~~~~~~~~~", "Hello world, "};
    for (String secret : secrets) {
      for (String before : around) {
        for (String after : around) {
          for (String cut : new String[] {secret, secret.substring(0, secret.length() - 1)}) {
            String s = before + cut + after;
            assertThat(SecretScanner.find(s)).as(s).isEqualTo(Reference.find(s));
          }
        }
      }
      assertThat(SecretScanner.find(secret)).as(secret).isNotNull();
      assertThat(SecretScanner.find("Some prose. " + secret)).as(secret).isNotNull();
    }
  }

  @Test
  void thePemSearchReadingOneCharInFiveFindsEveryStart() {
    Random r = new Random(3);
    String[] pieces = {"-", "--", "-----", "-----BEGIN ", "-----BEGIN", "BEGIN ", "x", " ", "\n"};
    for (int round = 0; round < 50_000; round++) {
      StringBuilder b = new StringBuilder();
      int parts = r.nextInt(12);
      for (int i = 0; i < parts; i++) {
        b.append(pieces[r.nextInt(pieces.length)]);
      }
      String s = b.toString();
      char[] t = (s + "-----BEGIN ").toCharArray(); // chars past the length must not count
      for (int from = 0; from <= s.length(); from++) {
        assertThat(SecretScanner.indexOfBegin(t, s.length(), from)).as("%s from %d", s, from)
            .isEqualTo(s.indexOf("-----BEGIN ", from));
      }
    }
  }

  /** The scan before it skipped: every word start, in text order. */
  static final class Reference {
    private Reference() {}

    /**
     * What kind of secret {@code text} contains ("an API key (sk-...)"), or null when none. Reads
     * any {@link CharSequence} (the policy hands it a view of the decoded prompt, not a string).
     */
    static String find(CharSequence text) {
      if (text == null || text.length() == 0) {
        return null;
      }
      int n = text.length();
      int i = 0;
      while (i < n) {
        char c = text.charAt(i);
        if (!isWord(c)) {
          i++;
          continue;
        }
        // i is the start of a word.
        int end = i;
        while (end < n && isWord(text.charAt(end))) {
          end++;
        }
        String found = atWordStart(text, i, end);
        if (found != null) {
          return found;
        }
        i = end;
      }
      int begin = SecretScanner.indexOf(text, "-----BEGIN ", 0);
      while (begin >= 0) {
        int eol = SecretScanner.indexOf(text, "\n", begin);
        int stop = eol < 0 ? n : eol;
        int key = SecretScanner.indexOf(text, "PRIVATE KEY-----", begin);
        if (key >= 0 && key < stop) {
          return "a private key block";
        }
        begin = SecretScanner.indexOf(text, "-----BEGIN ", begin + 1);
      }
      return null;
    }

    /** {@code t.regionMatches(true, i, lower, 0, lower.length())} for ASCII {@code t} (a word) and lower-case {@code lower}. */
    private static boolean regionMatchesAsciiIgnoreCase(CharSequence t, int i, String lower) {
      int n = lower.length();
      if (i < 0 || i > t.length() - n) {
        return false;
      }
      for (int j = 0; j < n; j++) {
        char c = t.charAt(i + j);
        if (c >= 'A' && c <= 'Z') {
          c = (char) (c + ('a' - 'A'));
        }
        if (c != lower.charAt(j)) {
          return false;
        }
      }
      return true;
    }

    /**
     * The secret starting at word start {@code i} (its word ends at {@code end}), or null. Checks
     * only the shapes that can start with the word's first character, plus the two told by length
     * alone (32 hex digits, 84 characters), in the order of the class comment's list.
     */
    private static String atWordStart(CharSequence t, int i, int end) {
      int len = end - i;
      char c = t.charAt(i);
      // The original order of the checks: sk- first (a word "sk" is never 32 or 84 long), then the
      // two told by length, then the rest by first character.
      if (c == 's' && SecretScanner.startsWithSeq(t, "sk-", i) && run(t, i + 3, SecretScanner.SK) >= 17) {
        return "an API key (sk-...)";
      }
      if (len == 32 && allHex(t, i, end)) {
        return "an Azure API key (32 hex digits)";
      }
      if (len == 84 && SecretScanner.startsWithSeq(t, "JQQJ9", i + 52) && SecretScanner.startsWithSeq(t, "ACOG", i + 76)) {
        return "an Azure AI Services key";
      }
      switch (c) {
        case 'e':
          if (SecretScanner.startsWithSeq(t, "eyJ", i) && isJwt(t, i)) {
            return "a JSON Web Token";
          }
          break;
        case 'b':
        case 'B':
          if (len == 6 && regionMatchesAsciiIgnoreCase(t, i, "bearer")) {
            int j = end;
            while (j < t.length() && Character.isWhitespace(t.charAt(j))) {
              j++;
            }
            if (j > end && run(t, j, SecretScanner.BEARER) >= 20) {
              return "a bearer token";
            }
          }
          break;
        case 'A':
          if (len == 20 && (SecretScanner.startsWithSeq(t, "AKIA", i) || SecretScanner.startsWithSeq(t, "ASIA", i)) && upperOrDigit(t, i + 4, end)) {
            return "an AWS access key id";
          }
          if (SecretScanner.startsWithSeq(t, "AIza", i) && run(t, i + 4, SecretScanner.SK) >= 35) {
            return "a Google API key";
          }
          break;
        case 'g':
          if (len >= 40 && SecretScanner.startsWithSeq(t, "gh", i) && "pousr".indexOf(t.charAt(i + 2)) >= 0
              && t.charAt(i + 3) == '_' && run(t, i + 4, SecretScanner.ALNUM) >= 36) {
            return "a GitHub token";
          }
          if (SecretScanner.startsWithSeq(t, "github_pat_", i) && len >= 11 + 22) {
            return "a GitHub token";
          }
          break;
        case 'x':
          if (SecretScanner.startsWithSeq(t, "xox", i) && i + 4 < t.length() && "abprs".indexOf(t.charAt(i + 3)) >= 0
              && t.charAt(i + 4) == '-' && run(t, i + 5, SecretScanner.SLACK) >= 10) {
            return "a Slack token";
          }
          break;
        default:
          break;
      }
      return null;
    }

    private static boolean isJwt(CharSequence t, int i) {
      int a = run(t, i + 3, SecretScanner.B64URL);
      int dot1 = i + 3 + a;
      if (a < 5 || dot1 >= t.length() || t.charAt(dot1) != '.' || !SecretScanner.startsWithSeq(t, "eyJ", dot1 + 1)) {
        return false;
      }
      int b = run(t, dot1 + 4, SecretScanner.B64URL);
      int dot2 = dot1 + 4 + b;
      return b >= 5 && dot2 < t.length() && t.charAt(dot2) == '.';
    }

    /** Length of the run of characters of class {@code cls} starting at {@code from}. */
    private static int run(CharSequence t, int from, int cls) {
      int j = from;
      while (j < t.length() && SecretScanner.in(t.charAt(j), cls)) {
        j++;
      }
      return j - from;
    }

    /** {@code [A-Za-z0-9_]} by ASCII code: one lookup per character of the prompt. */
    private static final boolean[] WORD = new boolean[128];

    static {
      for (char c = 0; c < 128; c++) {
        WORD[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      }
    }

    private static boolean isWord(char c) {
      return c < 128 && WORD[c];
    }

    private static boolean allHex(CharSequence t, int from, int to) {
      for (int j = from; j < to; j++) {
        if (Character.digit(t.charAt(j), 16) < 0) {
          return false;
        }
      }
      return true;
    }

    private static boolean upperOrDigit(CharSequence t, int from, int to) {
      for (int j = from; j < to; j++) {
        char c = t.charAt(j);
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
          return false;
        }
      }
      return true;
    }
  }
}
