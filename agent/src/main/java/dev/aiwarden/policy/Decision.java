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
  private final PromptCapture capture;
  private final String policyError;

  public Decision(Outcome outcome, String rule, String reason) {
    this(outcome, rule, reason, PromptCapture.HASH, null);
  }

  /**
   * @param capture what of the prompt telemetry may record ({@code prompts.capture})
   * @param policyError why the policy file's latest edit was refused (the last good policy made
   *     this decision), or null
   */
  public Decision(
      Outcome outcome, String rule, String reason, PromptCapture capture, String policyError) {
    this.outcome = outcome;
    this.rule = rule;
    this.reason = reason;
    this.capture = capture == null ? PromptCapture.HASH : capture;
    this.policyError = policyError;
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

  /** {@code prompts.capture} of the policy that decided. */
  public PromptCapture capture() {
    return capture;
  }

  /**
   * {@code FILE:LINE:COLUMN: what is wrong} when the policy file was edited into something invalid
   * and the last good policy is still in force; null otherwise.
   */
  public String policyError() {
    return policyError;
  }

  public boolean blocks() {
    return outcome == Outcome.DENY;
  }

  /** The same verdict, noting that the policy file's latest edit was refused. */
  Decision withPolicyError(String error) {
    return new Decision(outcome, rule, reason, capture, error);
  }
}
