package dev.aiwarden.provenance;

/**
 * The application frame that made an AI call. {@link CallerLocator} reuses one instance per call
 * site, so its text is built once.
 */
public final class Caller {
  private final String function;
  private final String file;
  private final int line;
  /** {@link #toString()}, built on first use (a benign race: any thread builds the same text). */
  private String text;

  public Caller(String function, String file, int line) {
    this.function = function;
    this.file = file;
    this.line = line;
  }

  /** {@code com.acme.Billing.summarise}: class name and method name. */
  public String function() {
    return function;
  }

  /** The source file name as recorded in the class ({@code Billing.java}), or null. */
  public String file() {
    return file;
  }

  /** The line number, or -1 when the class has no line numbers. */
  public int line() {
    return line;
  }

  /** {@code com.acme.Billing.summarise(Billing.java:81)}, as in the log line. */
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      StringBuilder b = new StringBuilder(function.length() + (file == null ? 0 : file.length() + 8));
      b.append(function);
      if (file != null) {
        b.append('(').append(file);
        if (line >= 0) {
          b.append(':').append(line);
        }
        b.append(')');
      }
      t = b.toString();
      text = t;
    }
    return t;
  }
}
