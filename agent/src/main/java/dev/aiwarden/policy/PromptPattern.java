package dev.aiwarden.policy;

import dev.aiwarden.bootstrap.WardenThread;

/**
 * One {@code prompts.deny_patterns} entry, searched anywhere in the prompt text, never taking more
 * than linear time. The pattern is RE2 syntax, checked with RE2/J when the policy is read. The
 * search runs first on the JDK's regex engine, which is much faster on ordinary patterns, over a
 * view of the text that counts character reads: when a pattern would backtrack beyond {@value
 * #READS_PER_CHAR} reads per character of text (a catastrophic pattern or a hostile prompt), the
 * search is abandoned and answered by RE2/J, whose time is linear in the text. The JDK engine
 * runs the pattern's {@link Re2ToJdk JDK form}, which answers as RE2 does on every text (line ends,
 * case folding, {@code \s}, {@code \b} written out or compiled to match RE2), and is skipped for
 * patterns where that cannot be ensured. The same patterns therefore give RE2's answers, quickly in
 * the common case and boundedly in the worst.
 */
final class PromptPattern {
  /** Budget of character reads per character of text for the JDK engine. */
  static final int READS_PER_CHAR = 64;

  final String source;
  private final com.google.re2j.Pattern re2;
  private final java.util.regex.Pattern jdk;
  /** A literal every match contains, or null: checked before any regex runs. */
  private final RequiredLiteral required;

  /**
   * This pattern's place in its policy's list: its slot in a thread's table of searches. Patterns
   * of one policy have distinct slots; a pattern of a policy read again takes over its
   * predecessor's slot.
   */
  private final int slot;

  PromptPattern(String source) {
    this(source, 0);
  }

  PromptPattern(String source, int slot) {
    this.slot = slot;
    this.source = source;
    this.re2 = com.google.re2j.Pattern.compile(source);
    // Null for RE2-only syntax (e.g. (?P<name>...)) and for anything the JDK's engine would answer
    // otherwise than RE2 ($ before a final newline, \r in ., Unicode case folding, ...): RE2/J alone.
    this.jdk = Re2ToJdk.compile(source);
    this.required = RequiredLiteral.of(source);
  }

  /**
   * This thread's budgeted view and JDK matcher of this pattern, reset for each search: a search
   * makes no objects. Let go of the text after each search. Kept in the thread's {@link
   * WardenThread#promptSearches}, a table by {@link #slot}: one search per pattern of the policy
   * (a policy read again replaces its predecessor's searches as its own are first used).
   */
  private Search search() {
    WardenThread t = WardenThread.current();
    Search[] table = (Search[]) t.promptSearches;
    if (table == null || table.length <= slot) {
      table = table == null ? new Search[slot + 1] : java.util.Arrays.copyOf(table, slot + 1);
      t.promptSearches = table;
    }
    Search search = table[slot];
    if (search == null || search.pattern != jdk) {
      search = new Search(jdk);
      table[slot] = search;
    }
    return search;
  }

  /** Whether the pattern occurs in {@code text} (a string, or a view of the decoded prompt). */
  boolean find(CharSequence text) {
    if (required != null && !required.mayMatch(text)) {
      return false;
    }
    if (jdk != null) {
      Search search = search();
      try {
        return search.find(text, (long) READS_PER_CHAR * text.length() + 4096);
      } catch (BudgetExceeded | StackOverflowError e) {
        // fall through to the linear-time engine
      } finally {
        search.clear();
      }
    }
    return re2.matcher(text).find();
  }

  /** A reusable budgeted view with its matcher. */
  private static final class Search {
    private final Budgeted view = new Budgeted();
    private final java.util.regex.Matcher matcher;
    /** The JDK form of the {@link PromptPattern} this search is for. */
    final java.util.regex.Pattern pattern;

    Search(java.util.regex.Pattern pattern) {
      this.pattern = pattern;
      matcher = pattern.matcher(view);
    }

    boolean find(CharSequence text, long budget) {
      view.s = text;
      view.budget = budget;
      matcher.reset(view);
      return matcher.find();
    }

    void clear() {
      view.s = "";
      matcher.reset(view);
    }
  }

  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** A text that refuses to be read more than a budget of times. */
  private static final class Budgeted implements CharSequence {
    private CharSequence s = "";
    private long budget;

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
      return s.toString();
    }
  }
}
