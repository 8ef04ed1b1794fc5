package dev.aiwarden.provenance;

/** The application frame that made an AI call. */
public final class Caller {
  private final String function;
  private final String file;
  private final int line;

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

  @Override
  public String toString() {
    return function + (file == null ? "" : "(" + file + (line >= 0 ? ":" + line : "") + ")");
  }
}
