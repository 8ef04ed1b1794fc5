package dev.aiwarden.policy;

import java.util.regex.PatternSyntaxException;

/**
 * One {@code prompts.deny_patterns} entry, searched anywhere in the prompt text, never taking more
 * than linear time. The pattern is RE2 syntax, checked with RE2/J when the policy is read. The
 * search runs first on the JDK's regex engine, which is much faster on ordinary patterns, over a
 * view of the text that counts character reads: when a pattern would backtrack beyond {@value
 * #READS_PER_CHAR} reads per character of text (a catastrophic pattern or a hostile prompt), the
 * search is abandoned and answered by RE2/J, whose time is linear in the text. The same patterns
 * therefore give the same answers, quickly in the common case and boundedly in the worst.
 */
final class PromptPattern {
  /** Budget of character reads per character of text for the JDK engine. */
  static final int READS_PER_CHAR = 64;

  final String source;
  private final com.google.re2j.Pattern re2;
  private final java.util.regex.Pattern jdk;
  /** A literal every match contains, or null: checked before any regex runs. */
  private final RequiredLiteral required;

  PromptPattern(String source) {
    this.source = source;
    this.re2 = com.google.re2j.Pattern.compile(source);
    java.util.regex.Pattern j;
    try {
      j = java.util.regex.Pattern.compile(source);
    } catch (PatternSyntaxException | StackOverflowError e) {
      j = null; // RE2-only syntax, e.g. (?P<name>...): RE2/J alone
    }
    this.jdk = j;
    this.required = RequiredLiteral.of(source);
  }

  boolean find(String text) {
    if (required != null && !required.mayMatch(text)) {
      return false;
    }
    if (jdk != null) {
      try {
        return jdk.matcher(new Budgeted(text, (long) READS_PER_CHAR * text.length() + 4096)).find();
      } catch (BudgetExceeded | StackOverflowError e) {
        // fall through to the linear-time engine
      }
    }
    return re2.matcher(text).find();
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** A string that refuses to be read more than a budget of times. */
  private static final class Budgeted implements CharSequence {
    private final String s;
    private long budget;

    Budgeted(String s, long budget) {
      this.s = s;
      this.budget = budget;
    }

    @Override
    public char charAt(int index) {
      if (--budget < 0) {
        throw new BudgetExceeded();
      }
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return s.subSequence(start, end);
    }

    @Override
    public String toString() {
      return s;
    }
  }
}
