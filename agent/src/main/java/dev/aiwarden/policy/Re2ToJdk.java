package dev.aiwarden.policy;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The JDK form of a {@code prompts.deny_patterns} entry (RE2 syntax), for {@link PromptPattern}'s
 * fast path: a pattern the JDK's engine answers exactly as RE2 does, for every text, or null when
 * this class cannot be sure of that (the pattern is then searched by RE2/J alone).
 *
 * <p>Where the two engines read the same source differently, and what is done:
 *
 * <ul>
 *   <li>{@code .}, and {@code ^} / {@code $} under {@code (?m)}: the JDK also treats {@code \r},
 *       U+0085, U+2028 and U+2029 as line ends, RE2 only {@code \n}: compiled with {@link
 *       Pattern#UNIX_LINES}.
 *   <li>{@code $} without {@code (?m)}: RE2 matches only at the very end, the JDK also before a
 *       final line end: not translated (RE2 alone).
 *   <li>{@code (?i)}: RE2 folds case by Unicode's simple case folding ({@code k} also matches the
 *       Kelvin sign, {@code s} the long s), the JDK by other rules. Only a pattern that starts
 *       with {@code (?i)} (and has no other flag group that sets or clears {@code i}) is
 *       translated, by writing each ASCII letter out as its fold class ({@code [kK]} and the
 *       Kelvin sign, {@code [sS]} and the long s, {@code [aA]} ...) and compiling without case
 *       folding; letters beyond ASCII, classes with letters or ranges, {@code \w}, {@code \W},
 *       {@code \x} and {@code \Q} are not translated under it.
 *   <li>{@code \s} / {@code \S}: the JDK's also has the vertical tab: written out as RE2's set.
 *   <li>{@code \b} / {@code \B}: the JDK's (up to Java 18) count Unicode letters as word
 *       characters, RE2's only {@code [0-9A-Za-z_]}: written out as look-arounds over that set.
 *   <li>{@code \p}, {@code \v}, octal and other escapes, POSIX classes ({@code [[:alpha:]]}),
 *       nested classes and {@code &&} (JDK class syntax that RE2 reads as characters), the {@code
 *       U} flag (RE2: ungreedy, JDK: Unicode classes): not translated.
 * </ul>
 *
 * <p>Conservative by design: anything not known to be safe yields null. {@code Re2ToJdkTest}
 * compares both engines' answers on random texts over the characters where they could differ.
 */
final class Re2ToJdk {
  /** Flags the JDK form is compiled with. */
  static final int FLAGS = Pattern.UNIX_LINES;

  private static final String WORD = "[0-9A-Za-z_]";
  private static final String WORD_BOUNDARY =
      "(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))";
  private static final String NOT_WORD_BOUNDARY =
      "(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))";
  private static final String SPACE_CHARS = "\\t\\n\\f\\r ";

  /** Escapes both engines read alike (letters; any escaped punctuation is a literal in both). */
  private static final String SAME_ESCAPES = "dDnrtfaxzA";

  private Re2ToJdk() {}

  /** The pattern compiled for the JDK's engine, or null when RE2/J must answer alone. */
  static Pattern compile(String re2Source) {
    String jdk = jdkForm(re2Source);
    if (jdk == null) {
      return null;
    }
    try {
      return Pattern.compile(jdk, FLAGS);
    } catch (PatternSyntaxException | StackOverflowError e) {
      return null;
    }
  }

  /** The JDK source for an RE2 source, or null (see the class comment). */
  static String jdkForm(String s) {
    int flags = flags(s);
    if (flags == UNSUPPORTED) {
      return null;
    }
    boolean fold = flags == FOLD;
    StringBuilder out = new StringBuilder(s.length() * (fold ? 3 : 1) + 16);
    boolean inClass = false;
    int classItems = 0; // characters since the class opened (after a leading ^)
    int n = s.length();
    for (int i = fold ? LEADING_FOLD.length() : 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          return null;
        }
        char d = s.charAt(i + 1);
        i++;
        if (d == 'Q') {
          if (inClass || fold) {
            return null;
          }
          int end = s.indexOf("\\E", i + 1);
          String quoted = end < 0 ? s.substring(i + 1) : s.substring(i + 1, end);
          out.append("\\Q").append(quoted).append("\\E");
          i = end < 0 ? n : end + 1;
          continue;
        }
        if (d == 'b' || d == 'B') {
          if (inClass) {
            return null;
          }
          out.append(d == 'b' ? WORD_BOUNDARY : NOT_WORD_BOUNDARY);
          continue;
        }
        if (d == 's') {
          out.append(inClass ? SPACE_CHARS : "[" + SPACE_CHARS + "]");
          classItems++;
          continue;
        }
        if (d == 'S') {
          if (inClass) {
            return null;
          }
          out.append("[^" + SPACE_CHARS + "]");
          continue;
        }
        if (d == 'w' || d == 'W' || d == 'x') {
          if (fold) {
            return null; // RE2 folds \w, and a letter written in hex, too
          }
        } else if (Character.isLetterOrDigit(d)) {
          if (SAME_ESCAPES.indexOf(d) < 0) {
            return null;
          }
        } else if (d > 0x7f) {
          return null;
        }
        out.append(c).append(d);
        classItems++;
        continue;
      }
      if (inClass) {
        if (c == ']' && classItems > 0) {
          inClass = false;
        } else if (c == ']' || c == '[' || (c == '&' && i + 1 < n && s.charAt(i + 1) == '&')) {
          return null; // ']' first (RE2: a literal), nested classes, intersections: JDK syntax
        } else if (fold && (hasCase(c) || (c == '-' && classItems > 0 && i + 1 < n && s.charAt(i + 1) != ']'))) {
          return null; // a letter or a range in a class: its fold class is not written out
        } else {
          classItems++;
        }
        out.append(c);
        continue;
      }
      if (c == '[') {
        inClass = true;
        classItems = 0;
        out.append(c);
        if (i + 1 < n && s.charAt(i + 1) == '^') {
          out.append('^');
          i++;
        }
        continue;
      }
      if (c == '$') {
        return null;
      }
      if (fold && hasCase(c)) {
        String folded = foldClass(c);
        if (folded == null) {
          return null;
        }
        out.append(folded);
        continue;
      }
      out.append(c);
    }
    return inClass ? null : out.toString();
  }

  private static final String LEADING_FOLD = "(?i)";

  /** RE2's fold class of an ASCII letter, or null for any other character with case. */
  private static String foldClass(char c) {
    if (c > 0x7f || !Character.isLetter(c)) {
      return null;
    }
    char lower = Character.toLowerCase(c);
    char upper = Character.toUpperCase(c);
    if (lower == 'k') {
      return "[kK\\x{212A}]";
    }
    if (lower == 's') {
      return "[sS\\x{17F}]";
    }
    return "[" + lower + upper + "]";
  }

  private static final int PLAIN = 0;
  private static final int FOLD = 1;
  private static final int UNSUPPORTED = 2;

  /**
   * {@link #FOLD} when the pattern starts with {@code (?i)} and no other flag group sets or clears
   * {@code i}; {@link #UNSUPPORTED} when one does, or has RE2's {@code U} (ungreedy; the JDK reads
   * it as Unicode classes); else {@link #PLAIN}. Read conservatively: a {@code (?} in a class or
   * quoted text counts too.
   */
  private static int flags(String s) {
    int flags = s.startsWith(LEADING_FOLD) ? FOLD : PLAIN;
    int from = flags == FOLD ? LEADING_FOLD.length() : 0;
    for (int i = s.indexOf("(?", from); i >= 0; i = s.indexOf("(?", i + 2)) {
      if (i > 0 && s.charAt(i - 1) == '\\' && !escaped(s, i - 1)) {
        continue; // an escaped '(' is a literal
      }
      for (int j = i + 2; j < s.length(); j++) {
        char f = s.charAt(j);
        if (f == 'U' || f == 'i' || f == '-') {
          return UNSUPPORTED;
        } else if (f != 'm' && f != 's') {
          break;
        }
      }
    }
    return flags;
  }

  /** Whether the backslash at {@code i} is itself escaped (an odd run of backslashes before it). */
  private static boolean escaped(String s, int i) {
    int run = 0;
    for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
      run++;
    }
    return run % 2 == 1;
  }

  private static boolean hasCase(char c) {
    return Character.toUpperCase(c) != c
        || Character.toLowerCase(c) != c
        || Character.isLetter(c)
        || c > 0x7f;
  }
}
