package dev.aiwarden.policy;

/** The policy's verdict on one AI call: {@code aiwarden.policy.decision} and friends. */
public final class Decision {
  public static final Decision ALLOW = new Decision(Outcome.ALLOW, null, null);

  /** The values of {@code aiwarden.policy.decision}. */
  public enum Outcome {
    ALLOW("allow"),
    DENY("deny"),
    WOULD_DENY("would_deny");

    private final String id;

    Outcome(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  private final Outcome outcome;
  private final String rule;
  private final String reason;

  public Decision(Outcome outcome, String rule, String reason) {
    this.outcome = outcome;
    this.rule = rule;
    this.reason = reason;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The rule id (e.g. {@code model.not_allowed}), or null for allow. */
  public String rule() {
    return rule;
  }

  /** One sentence saying why, or null for allow. Never contains a key or prompt text. */
  public String reason() {
    return reason;
  }

  public boolean blocks() {
    return outcome == Outcome.DENY;
  }
}
