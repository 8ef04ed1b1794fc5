package dev.aiwarden.policy;

/**
 * A string every match of a {@code prompts.deny_patterns} pattern must contain, found from the
 * pattern's source, so that a prompt without it is answered "no match" without running the regex
 * (an ordinary pattern on a 2 KB prompt costs tens of microseconds; a scan for a literal, a few).
 *
 * <p>Conservative by design: only the top level of the pattern is read (groups, classes and
 * anything with a quantifier that allows zero are skipped), and any syntax it does not know for
 * sure ({@code |} at the top level, {@code \Q}, {@code \x}, {@code \p}, back-references, a flag
 * group that is not the pattern's first item, {@code (?x)}) yields no literal at all: the regex
 * then always runs. Under {@code (?i)} only a literal of ASCII characters other than {@code k} and
 * {@code s} is used (their case-fold orbits hold only the two ASCII cases), matched ASCII
 * case-insensitively.
 */
final class RequiredLiteral {
  /** Shorter literals are not worth a scan. */
  static final int MIN_LENGTH = 3;

  final String literal;
  final boolean ignoreCase;

  private RequiredLiteral(String literal, boolean ignoreCase) {
    this.literal = ignoreCase ? literal.toLowerCase(java.util.Locale.ROOT) : literal;
    this.ignoreCase = ignoreCase;
  }

  /** The longest usable required literal of a pattern, or null when there is none. */
  static RequiredLiteral of(String pattern) {
    try {
      return extract(pattern);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** False only when {@code text} cannot match the pattern: it lacks the literal. */
  boolean mayMatch(CharSequence text) {
    return ignoreCase
        ? containsIgnoreAsciiCase(text, literal)
        : SecretScanner.indexOf(text, literal, 0) >= 0;
  }

  /**
   * Whether {@code text} contains {@code lower} (lower-case ASCII) ignoring ASCII case. Candidate
   * positions are found with {@link String#indexOf(int, int)} for each case of the first
   * character (a vectorised search), and only those are compared.
   */
  static boolean containsIgnoreAsciiCase(CharSequence text, String lower) {
    if (!(text instanceof String) && !(text instanceof StringBuilder)) {
      return containsIgnoreAsciiCaseSlow(text, lower);
    }
    CharSequence t = text;
    int n = lower.length();
    int last = t.length() - n;
    char first = lower.charAt(0);
    char other = first >= 'a' && first <= 'z' ? (char) (first - ('a' - 'A')) : first;
    int a = indexOf(t, first, 0);
    int b = other == first ? -1 : indexOf(t, other, 0);
    while (true) {
      int i;
      if (a < 0) {
        i = b;
      } else if (b < 0) {
        i = a;
      } else {
        i = Math.min(a, b);
      }
      if (i < 0 || i > last) {
        return false;
      }
      if (matchesFrom(t, i + 1, lower)) {
        return true;
      }
      if (i == a) {
        a = indexOf(t, first, i + 1);
      } else {
        b = indexOf(t, other, i + 1);
      }
    }
  }

  /** One-char strings of ASCII, for a builder's {@code indexOf(String, int)}. */
  private static final String[] ASCII = new String[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII[c] = String.valueOf(c);
    }
  }

  /** {@code indexOf(c, from)} of a string or builder (their own vectorised searches). */
  private static int indexOf(CharSequence t, char c, int from) {
    if (t instanceof String) {
      return ((String) t).indexOf(c, from);
    }
    StringBuilder b = (StringBuilder) t;
    if (c < 128) {
      return b.indexOf(ASCII[c], from);
    }
    for (int i = Math.max(0, from); i < b.length(); i++) {
      if (b.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code t} at {@code from} holds {@code lower} from its second character on. */
  private static boolean matchesFrom(CharSequence t, int from, String lower) {
    for (int j = 1; j < lower.length(); j++) {
      if (fold(t.charAt(from + j - 1)) != lower.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The plain scan, for any {@link CharSequence} (and the reference of the fast one in tests). */
  static boolean containsIgnoreAsciiCaseSlow(CharSequence text, String lower) {
    int n = lower.length();
    int last = text.length() - n;
    char first = lower.charAt(0);
    for (int i = 0; i <= last; i++) {
      if (fold(text.charAt(i)) != first) {
        continue;
      }
      int j = 1;
      while (j < n && fold(text.charAt(i + j)) == lower.charAt(j)) {
        j++;
      }
      if (j == n) {
        return true;
      }
    }
    return false;
  }

  private static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  private static RequiredLiteral extract(String p) {
    int i = 0;
    boolean ignoreCase = false;
    if (p.startsWith("(?")) {
      int close = p.indexOf(')');
      if (close < 0) {
        return null;
      }
      String flags = p.substring(2, close);
      if (!flags.matches("[imsU]+")) {
        return null; // (?:...) or (?P<..>) first, negations, (?x): keep it simple
      }
      ignoreCase = flags.indexOf('i') >= 0;
      i = close + 1;
    }
    String best = null;
    StringBuilder run = new StringBuilder();
    boolean lastWasLiteral = false; // the previous item was the last char of run
    while (i < p.length()) {
      char c = p.charAt(i);
      switch (c) {
        case '|':
          return null; // top-level alternation
        case '(':
          if (p.startsWith("(?", i) && !p.startsWith("(?:", i) && !p.startsWith("(?P<", i)
              && !p.startsWith("(?<", i)) {
            return null; // a flag group inside the pattern changes what follows
          }
          best = longer(best, run, ignoreCase);
          run.setLength(0);
          i = skipGroup(p, i);
          lastWasLiteral = false;
          continue;
        case '[':
          best = longer(best, run, ignoreCase);
          run.setLength(0);
          i = skipClass(p, i);
          lastWasLiteral = false;
          continue;
        case '.':
        case '^':
        case '$':
          best = longer(best, run, ignoreCase);
          run.setLength(0);
          i++;
          lastWasLiteral = false;
          continue;
        case ')':
          return null; // unbalanced
        case '?':
        case '*':
        case '+':
        case '{':
          {
            int min;
            int end;
            if (c == '{') {
              int close = p.indexOf('}', i);
              String body = close < 0 ? null : p.substring(i + 1, close);
              if (body == null || !body.matches("\\d+(,\\d*)?")) {
                // not a repeat: a literal '{'
                run.append(c);
                lastWasLiteral = true;
                i++;
                continue;
              }
              int comma = body.indexOf(',');
              min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
              end = close + 1;
            } else {
              min = c == '+' ? 1 : 0;
              end = i + 1;
            }
            if (end < p.length() && p.charAt(end) == '?') {
              end++; // non-greedy
            }
            if (lastWasLiteral && run.length() > 0) {
              if (min == 0) {
                run.setLength(run.length() - 1);
              }
              best = longer(best, run, ignoreCase);
              run.setLength(0);
            }
            lastWasLiteral = false;
            i = end;
            continue;
          }
        case '\\':
          {
            if (i + 1 >= p.length()) {
              return null;
            }
            char e = p.charAt(i + 1);
            if (e < 128 && !Character.isLetterOrDigit(e)) {
              run.append(e); // an escaped punctuation character is itself
              lastWasLiteral = true;
            } else if ("dDwWsSbBAzntrfv".indexOf(e) >= 0) {
              best = longer(best, run, ignoreCase);
              run.setLength(0);
              lastWasLiteral = false;
            } else {
              return null; // \x, \p, \Q, back-references, ...: not read here
            }
            i += 2;
            continue;
          }
        default:
          run.append(c);
          lastWasLiteral = true;
          i++;
      }
    }
    best = longer(best, run, ignoreCase);
    return best == null ? null : new RequiredLiteral(best, ignoreCase);
  }

  private static String longer(String best, StringBuilder run, boolean ignoreCase) {
    if (run.length() < MIN_LENGTH || (best != null && best.length() >= run.length())) {
      return best;
    }
    String s = run.toString();
    if (ignoreCase) {
      for (int k = 0; k < s.length(); k++) {
        char c = s.charAt(k);
        if (c >= 128 || c == 'k' || c == 'K' || c == 's' || c == 'S') {
          return best;
        }
      }
    }
    return s;
  }

  /** The index after the group starting at {@code start}. */
  private static int skipGroup(String p, int start) {
    int depth = 0;
    int i = start;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[') {
        i = skipClass(p, i);
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced group");
  }

  /** The index after the character class starting at {@code start}. */
  private static int skipClass(String p, int start) {
    int i = start + 1;
    if (i < p.length() && p.charAt(i) == '^') {
      i++;
    }
    if (i < p.length() && p.charAt(i) == ']') {
      i++; // a leading ']' is a member
    }
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
        int close = p.indexOf(":]", i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("bad class");
        }
        i = close + 2;
        continue;
      }
      if (c == ']') {
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced class");
  }
}
