package dev.aiwarden.policy;

/**
 * Every rule id a denial can name (the value of {@code aiwarden.policy.rule} and the word after
 * {@code ai-warden: blocked by}). Declared in the documented evaluation order: when several rules
 * fail, the first one in this order names the denial ({@link #POLICY_INVALID} stands alone: it
 * replaces every other rule while the policy file at start-up is unusable).
 */
public enum RuleId {
  POLICY_INVALID("policy.invalid"),
  /** {@code audit.required=true} and the audit file cannot be written: stands alone, like {@link #POLICY_INVALID}. */
  AUDIT_UNAVAILABLE("audit.unavailable"),
  ENDPOINT_NOT_ALLOWED("endpoint.not_allowed"),
  KEY_DENIED("key.denied"),
  KEY_NOT_ALLOWED("key.not_allowed"),
  KEY_SOURCE_NOT_ALLOWED("key.source_not_allowed"),
  KEY_HOST_NOT_BOUND("key.host_not_bound"),
  KEY_WRONG_PROVIDER("key.wrong_provider"),
  KEY_ENTRA_NOT_ALLOWED("key.entra_not_allowed"),
  ABUSE_CONTENT_FILTER("abuse.content_filter"),
  OPERATION_NOT_ALLOWED("operation.not_allowed"),
  MODEL_NOT_ALLOWED("model.not_allowed"),
  PROMPT_TOO_LONG("prompt.too_long"),
  PROMPT_SECRET("prompt.secret"),
  PROMPT_PATTERN("prompt.pattern"),
  LIMIT_REQUESTS("limit.requests"),
  LIMIT_TOKENS("limit.tokens");

  private final String id;

  RuleId(String id) {
    this.id = id;
  }

  /** The id as users see it, e.g. {@code model.not_allowed}. */
  public String id() {
    return id;
  }
}
