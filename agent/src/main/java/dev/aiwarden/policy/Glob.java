package dev.aiwarden.policy;

import java.util.Locale;

/**
 * A compiled glob over host or model names: {@code *} matches any run of characters (also none
 * and also dots), {@code ?} exactly one; everything else is literal. Matching ignores case. No
 * character classes or alternatives ({@code [...]}, <code>{a,b}</code>): those are refused when the
 * policy is read, so that a glob never means something other than it seems.
 */
final class Glob {
  private final String pattern;
  private final String lower;
  private final boolean literal;

  private Glob(String pattern) {
    this.pattern = pattern;
    this.lower = pattern.toLowerCase(Locale.ROOT);
    this.literal = lower.indexOf('*') < 0 && lower.indexOf('?') < 0;
  }

  /** What is wrong with {@code pattern} as a glob (one sentence), or null when it is fine. */
  static String problem(String pattern, boolean host) {
    if (pattern.isEmpty()) {
      return "an empty glob matches nothing; remove it or write \"*\"";
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '[' || c == ']' || c == '{' || c == '}') {
        return "bad glob \"" + pattern + "\": only * and ? are wildcards; '" + c
            + "' (character classes and alternatives) is not supported";
      }
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return "bad glob \"" + pattern + "\": it contains white space";
      }
      if (host && (c == '/' || c == ':' || c == '@')) {
        return "bad glob \"" + pattern + "\": a host glob names a host (like *.openai.azure.com),"
            + " not a URL or host:port";
      }
    }
    return null;
  }

  static Glob compile(String pattern) {
    return new Glob(pattern);
  }

  boolean matches(String text) {
    if (text == null) {
      return false;
    }
    if (literal) {
      return lower.equalsIgnoreCase(text);
    }
    return match(lower, text);
  }

  /** Iterative wildcard match with single-star backtracking: O(pattern x text) at worst. */
  private static boolean match(String p, String t) {
    int pi = 0;
    int ti = 0;
    int star = -1;
    int mark = 0;
    while (ti < t.length()) {
      if (pi < p.length()) {
        char pc = p.charAt(pi);
        if (pc == '*') {
          star = pi++;
          mark = ti;
          continue;
        }
        if (pc == '?' || pc == Character.toLowerCase(t.charAt(ti))) {
          pi++;
          ti++;
          continue;
        }
      }
      if (star < 0) {
        return false;
      }
      pi = star + 1;
      ti = ++mark;
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /** True when any of {@code globs} matches {@code text}. */
  static boolean any(Glob[] globs, String text) {
    for (Glob g : globs) {
      if (g.matches(text)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
