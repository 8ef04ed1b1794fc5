package dev.aiwarden.hook;

import java.io.IOException;
import java.util.List;

/** Methods of the shapes the {@link InlineWeaver} must handle; woven by {@link InlineWeaverTest}. */
public class WovenSample {
  private final String name;
  private String last;
  protected int calls = 7;

  public WovenSample(String name) {
    this.name = name;
  }

  /** A loop whose head is the method's first instruction (a frame at offset 0). */
  public String loop(String s) {
    while (s.length() < 5) {
      s = s + "x";
    }
    return s;
  }

  /** long and double arguments and locals. */
  public long wide(long a, double b, int c) {
    long twice = a * 2;
    double sum = b + c;
    return twice + (long) sum;
  }

  /** A try/catch of its own, returning from both. */
  public String tryCatch(String s) {
    try {
      return s.substring(3);
    } catch (StringIndexOutOfBoundsException e) {
      return "short";
    }
  }

  public void addName(List<String> out) {
    out.add(name);
  }

  /** Shaped like azure-core's {@code RetryPolicy.shouldRetryException}. */
  public static boolean shouldRetry(Object strategy, Throwable t, int tryCount, List<?> done) {
    return tryCount < 3;
  }

  public String fails(String message) throws IOException {
    if (message.isEmpty()) {
      return "empty";
    }
    throw new IOException(message);
  }

  public int count(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == 'a') {
        n++;
      }
    }
    return n;
  }

  private String hidden(String s) {
    return s;
  }

  public String callHidden(String s) {
    return hidden(s);
  }

  /** Like {@code HttpURLConnection.getInputStream}: the first value is kept in a field. */
  public String remember(String s) {
    if (last != null) {
      return last;
    }
    last = s;
    return s;
  }

  /** A return inside a try block whose handler takes any throwable. */
  public String caught(String s) {
    try {
      return s + "?";
    } catch (Throwable t) {
      return "caught " + t;
    }
  }
}
