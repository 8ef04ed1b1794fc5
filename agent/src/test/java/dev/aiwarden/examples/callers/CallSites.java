package dev.aiwarden.examples.callers;

import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.CallerLocator;

/**
 * Application code for the caller tests ({@code dev.aiwarden.examples.} is application code to
 * {@link CallerLocator}): several call sites, two of them in overloads of one method.
 */
public final class CallSites {
  private CallSites() {}

  /** Two call sites on two lines of one method: {a, b}. */
  public static Caller[] twoLines() {
    Caller a = CallerLocator.find();
    Caller b = CallerLocator.find();
    return new Caller[] {a, b};
  }

  /** One call site, for repeated calls. */
  public static Caller one() {
    return CallerLocator.find();
  }

  /** Overloads: the same name, the same code, different lines. */
  public static Caller overload(int x) {
    return CallerLocator.find();
  }

  public static Caller overload(String x) {
    return CallerLocator.find();
  }
}
