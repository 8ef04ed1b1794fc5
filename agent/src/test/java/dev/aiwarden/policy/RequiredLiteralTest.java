package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The literal prefilter of {@code prompts.deny_patterns} must never change a verdict: over many
 * random patterns and prompts, whenever RE2/J finds a match, the prefilter lets the regex run.
 */
class RequiredLiteralTest {
  private static final String[] ATOMS = {
    "do", "not", " ", "prompt", "revise", "Kelvin", "ss", "\u017f", "\u00e9", "ab", "x", "\\.", ".",
    "[a-z]", "[^ ]", "[]a]", "[[:alpha:]]", "\\d", "\\s", "\\b", "(this|the)", "(?:my|your)",
    "(a(b)c)", "^", "$", "{", "}", "\u212a", "I", "\u0130", "-",
  };
  private static final String[] QUANTIFIERS = {"", "", "", "?", "*", "+", "{0,2}", "{2}", "{1,}", "??", "+?"};
  private static final String[] WORDS = {
    "do", "not", "DO", "Not", " ", "prompt", "PROMPT", "revise", "kelvin", "\u212aelvin", "ss", "SS",
    "\u017f", "\u00e9", "\u00c9", "ab", "AB", "x", ".", "this", "the", "my", "your", "abc", "b", "1", "2",
    "{", "}", "i", "\u0130", "-",
  };

  @Test
  void neverHidesAMatchOverRandomPatternsAndPrompts() {
    Random r = new Random(17);
    int withLiteral = 0;
    int matchesChecked = 0;
    for (int i = 0; i < 4000; i++) {
      StringBuilder pattern = new StringBuilder();
      if (r.nextInt(3) == 0) {
        pattern.append(r.nextBoolean() ? "(?i)" : "(?is)");
      }
      int atoms = 1 + r.nextInt(6);
      for (int a = 0; a < atoms; a++) {
        pattern.append(ATOMS[r.nextInt(ATOMS.length)]).append(QUANTIFIERS[r.nextInt(QUANTIFIERS.length)]);
        if (r.nextInt(25) == 0) {
          pattern.append('|');
        }
      }
      String source = pattern.toString();
      com.google.re2j.Pattern re2;
      try {
        re2 = com.google.re2j.Pattern.compile(source);
      } catch (RuntimeException invalid) {
        continue; // the policy validator refuses it
      }
      RequiredLiteral literal = RequiredLiteral.of(source);
      if (literal != null) {
        withLiteral++;
      }
      for (int t = 0; t < 30; t++) {
        StringBuilder text = new StringBuilder();
        int words = r.nextInt(12);
        for (int w = 0; w < words; w++) {
          text.append(WORDS[r.nextInt(WORDS.length)]);
        }
        String prompt = text.toString();
        if (re2.matcher(prompt).find()) {
          matchesChecked++;
          assertThat(literal == null || literal.mayMatch(prompt))
              .as("pattern %s, prompt %s, literal %s", source, prompt, literal == null ? null : literal.literal)
              .isTrue();
        }
      }
    }
    assertThat(withLiteral).isGreaterThan(500);
    assertThat(matchesChecked).isGreaterThan(1000);
  }

  @Test
  void findsTheLongestSafeLiteral() {
    RequiredLiteral dalle = RequiredLiteral.of("(?i)do not (revise|rewrite|change) (this|the|my) prompt");
    assertThat(dalle.literal).isEqualTo("do not "); // the first of the longest
    assertThat(dalle.ignoreCase).isTrue();
    assertThat(dalle.mayMatch("Please DO NOT change THE PROMPT")).isTrue();
    assertThat(dalle.mayMatch("an ordinary text: do revise it")).isFalse();
    assertThat(RequiredLiteral.of("abc|def")).isNull();
    assertThat(RequiredLiteral.of("\\x41bcd")).isNull();
    assertThat(RequiredLiteral.of("a(?i)bcdef")).isNull();
    assertThat(RequiredLiteral.of("(?i)kiss kiss")).isNull(); // k and s fold to non-ASCII
    assertThat(RequiredLiteral.of("secretx?").literal).isEqualTo("secret");
    assertThat(RequiredLiteral.of("sk-[A-Za-z0-9]{20}").literal).isEqualTo("sk-");
  }

  @Test
  void theIndexOfScanAnswersAsThePlainScan() {
    Random r = new Random(5);
    String[] literals = {"do not ", " prompt", "abc", "a", "1-2", "zz"};
    String alphabet = "aAbBcCdDoOnNtTpPrRmMzZ 12-\u00e9\u0130";
    int found = 0;
    for (int i = 0; i < 20000; i++) {
      StringBuilder text = new StringBuilder();
      int n = r.nextInt(40);
      for (int j = 0; j < n; j++) {
        if (r.nextInt(8) == 0) {
          String l = literals[r.nextInt(literals.length)];
          text.append(r.nextBoolean() ? l : l.toUpperCase(java.util.Locale.ROOT));
        } else {
          text.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      String t = text.toString();
      for (String literal : literals) {
        boolean expected = RequiredLiteral.containsIgnoreAsciiCaseSlow(t, literal);
        assertThat(RequiredLiteral.containsIgnoreAsciiCase(t, literal)).as("%s in %s", literal, t).isEqualTo(expected);
        if (expected) {
          found++;
        }
      }
    }
    assertThat(found).isGreaterThan(1000);
  }
}
