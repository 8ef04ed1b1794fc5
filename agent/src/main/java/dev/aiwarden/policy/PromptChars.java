package dev.aiwarden.policy;

import dev.aiwarden.bootstrap.WardenThread;

/**
 * This thread's copy of a prompt text as a char array, made once per {@link SecretScanner} scan:
 * its loops then read an array, not a {@link CharSequence} one {@code charAt} at a time. The
 * array is reused, so a scan allocates nothing once it has grown to the prompts seen; one grown
 * past 16 K chars is not kept.
 */
final class PromptChars {
  /** The largest array a thread keeps between prompts (as the parser's scratch keeps its builder). */
  private static final int MAX_KEPT = 16 << 10;

  /** The text's chars in {@code [0, length)}; what follows is left from earlier prompts. */
  char[] array = new char[2048];
  int length;

  private PromptChars() {}

  /** This thread's copy of {@code text}; hand it back with {@link #release} when done. */
  static PromptChars of(CharSequence text) {
    WardenThread t = WardenThread.current();
    PromptChars c;
    if (t.promptChars instanceof PromptChars) {
      c = (PromptChars) t.promptChars;
    } else {
      c = new PromptChars();
      t.promptChars = c;
    }
    int n = text.length();
    if (c.array.length < n) {
      c.array = new char[Math.max(n, 2 * c.array.length)];
    }
    if (text instanceof String) {
      ((String) text).getChars(0, n, c.array, 0);
    } else if (text instanceof StringBuilder) {
      ((StringBuilder) text).getChars(0, n, c.array, 0);
    } else {
      for (int i = 0; i < n; i++) {
        c.array[i] = text.charAt(i);
      }
    }
    c.length = n;
    return c;
  }

  /** Done with the copy: an array grown past {@value #MAX_KEPT} chars is let go. */
  void release() {
    length = 0;
    if (array.length > MAX_KEPT) {
      array = new char[2048];
    }
  }
}
