package dev.aiwarden.core;

import java.util.Locale;

/**
 * A test hook: the setting {@code test.fail} ({@code -Daiwarden.test.fail=STAGE}, read once at
 * start-up) makes the agent throw on purpose inside one stage of every AI call, so that end-to-end
 * tests can prove what an internal error does (the call goes on untouched, the error is logged
 * once, {@code aiwarden.internal.errors} counts each one). Unset (the default), every check is one
 * read of a static field. Never set it in production.
 *
 * <p>Stages: {@code hook} (the hook's hand-off into the core, {@code WardenCore.requestStarting}),
 * {@code classify} (the request body parser), {@code policy} (the policy store's decision), {@code
 * telemetry} (starting the span).
 */
public final class TestFaults {
  public static final String HOOK = "hook";
  public static final String CLASSIFY = "classify";
  public static final String POLICY = "policy";
  public static final String TELEMETRY = "telemetry";

  /** Written once in premain, before the core is published (a volatile write) to the hooks. */
  private static String stage;

  private TestFaults() {}

  /** The error a test fault throws; carries its stage. */
  public static final class Fault extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String stage;

    Fault(String stage) {
      super("ai-warden test fault (test.fail=" + stage + ")");
      this.stage = stage;
    }

    public String stage() {
      return stage;
    }
  }

  /**
   * Sets the stage to fail (null or blank: none). Returns the stage now in force, or null; an
   * unknown name is ignored (null).
   */
  public static String configure(String value) {
    String s = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case HOOK:
      case CLASSIFY:
      case POLICY:
      case TELEMETRY:
        stage = s;
        return s;
      default:
        stage = null;
        return null;
    }
  }

  /** Throws a {@link Fault} when {@code here} is the configured stage. */
  public static void at(String here) {
    String s = stage;
    if (s != null && s.equals(here)) {
      throw new Fault(here);
    }
  }
}
