package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code prompts.deny_patterns} are RE2 syntax: {@link PromptPattern} must answer as RE2 does for
 * every pattern and text, although it searches with the JDK's engine first ({@link Re2ToJdk}).
 * RE2/J is the oracle.
 */
class Re2ToJdkTest {

  private static boolean re2(String pattern, String text) {
    return com.google.re2j.Pattern.compile(pattern).matcher(text).find();
  }

  /**
   * Texts on which the JDK's engine, given the RE2 source as it is, answered otherwise than RE2:
   * each one a way round a deny pattern (or a false denial) before the JDK form existed.
   */
  @Test
  void whereTheEnginesDifferTheAnswerIsRe2s() {
    String[][] cases = {
      // pattern, text, RE2's answer
      {"secret$", "my secret\n", "false"}, // JDK: $ also before a final newline
      {"a.b", "a\rb", "true"}, // JDK: . does not match \r
      {"a.b", "a\u2028b", "true"},
      {"(?m)^secret", "x\rsecret", "false"}, // JDK: \r is a line end
      {"(?i)do not revise", "do not revi\u017Fe", "true"}, // long s folds to s in RE2
      {"(?i)kelvin", "\u212Aelvin", "true"}, // Kelvin sign folds to k
      {"(?i)[k]elvin", "\u212Aelvin", "true"},
      {"(?i)[a-z]ecret", "\u017Fecret", "true"},
      {"(?i)\\w+elvin", "\u212Aelvin", "true"}, // RE2 folds \w too
      {"\\bsecret\\b", "\u00e9secret", "true"}, // Java 17's \b counts é as a word character
      {"\\Bsecret", "\u00e9secret", "false"},
      {"a\\sb", "a\u000Bb", "false"}, // the JDK's \s has the vertical tab
      {"[[:alpha:]]+x", "abx", "true"}, // POSIX class; the JDK reads a nested class
      {"[a-z&&[^x]]", "&]", "true"}, // RE2: '&', '[' and '^' are members; the JDK intersects
    };
    for (String[] c : cases) {
      boolean expected = Boolean.parseBoolean(c[2]);
      assertThat(re2(c[0], c[1])).as("RE2 on %s", c[0]).isEqualTo(expected);
      assertThat(new PromptPattern(c[0]).find(c[1])).as("%s on %s", c[0], escape(c[1])).isEqualTo(expected);
    }
  }

  /** The patterns users write most, and the built-in list, keep the fast path. */
  @Test
  void ordinaryPatternsAndTheBuiltinListKeepTheJdkEngine() {
    List<String> fast = new ArrayList<>(BuiltinPatterns.DALLE_NO_REVISE);
    fast.add("(?i)do not (revise|rewrite|change) (this|the|my) prompt");
    fast.add("ignore\\s+(all\\s+)?previous\\s+instructions");
    fast.add("\\d{3}-\\d{2}-\\d{4}");
    fast.add("(?s)BEGIN.*END");
    fast.add("[A-Z0-9]{20}");
    for (String p : fast) {
      assertThat(Re2ToJdk.compile(p)).as(p).isNotNull();
    }
    for (String p : List.of("secret$", "(?U)a+", "\\pL+", "[[:alpha:]]", "[a&&b]", "(?i)[a-z]+", "(?i)\\w+",
        "[]a]", "\\v", "\\0101", "[\\S]", "(?P<n>x)")) {
      assertThat(Re2ToJdk.compile(p)).as(p).isNull();
    }
  }

  /** Many patterns on random texts over the characters where the two engines could differ. */
  @Test
  void randomTextsGetRe2sAnswer() {
    List<String> patterns = new ArrayList<>(BuiltinPatterns.DALLE_NO_REVISE);
    patterns.addAll(List.of(
        "a.b", "(?s)a.b", "(?m)^s", "(?m)s$", "^s", "s$", "\\As", "s\\z", "(?i)kelvin", "(?i)ks", "(?i)s+k",
        "(?i)[ks]", "(?i)[^ks]e", "[a-z]+", "[^a-z]", "[\\s]k", "[^\\s]k", "\\sk", "\\Sk", "\\bk", "k\\b", "\\Bk",
        "\\w\\W", "\\d\\D", "(?i)\\bkelvin\\b", "(?i)(?:secret|kelvin)", "s|k|e", "(?i:s)k", "(?-i)k",
        "x{2,}", "e?l+v*", "[-_]k", "\\.k", "\\$", "k[$]", "\\Q.k\\E", "(?i)\\Q.k\\E", "[0-9]s", "\\x4b",
        "(?i)\\x4b", "(?i)[\\x4b]", "\u212A", "(?i)\u212A", "\u00e9", "(?i)\u00c9", "(?i)i", "(?i)\u0131",
        "(?i)\u0130", "\\t|\\r|\\n", "[\\r\\n]s", "(?i)\u03c3", "(?i)\u00df", "(?i)\u1e9e", "\\[k", "[\\[]k",
        "[:a]+", "a&&b", "(s)(k)?", "s(?:k|e)+"));
    String alphabet = "aeklnsvxiKSE\u017F\u212A\u00e9\u00c9\u0130\u0131\u03c3\u03c2\u03a3\u00df\u1e9e"
        + "\r\n\u0085\u2028\u2029\u000B \t_1-[]:&$.\\";
    Random random = new Random(11);
    int matches = 0;
    int checks = 0;
    for (String p : patterns) {
      PromptPattern pattern = new PromptPattern(p);
      for (int round = 0; round < 400; round++) {
        String text = randomText(random, alphabet, round);
        boolean expected = re2(p, text);
        assertThat(pattern.find(text)).as("%s on \"%s\"", p, escape(text)).isEqualTo(expected);
        matches += expected ? 1 : 0;
        checks++;
      }
    }
    assertThat(matches).as("matches among %d checks", checks).isGreaterThan(checks / 20);
  }

  private static String randomText(Random random, String alphabet, int round) {
    StringBuilder b = new StringBuilder();
    int length = random.nextInt(14);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    if (round % 4 == 0) {
      // Words the patterns look for, with a character swapped for a fold or line-end look-alike.
      String[] words = {"kelvin", "secret", "do not revise this", "use it as-is", "ks", "sk", "sE"};
      String w = words[random.nextInt(words.length)];
      int at = random.nextInt(w.length());
      w = w.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + w.substring(at + 1);
      b.insert(random.nextInt(b.length() + 1), w);
    }
    return b.toString();
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.toString();
  }
}
