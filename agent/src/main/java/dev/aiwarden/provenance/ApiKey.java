package dev.aiwarden.provenance;

/**
 * A credential seen on an AI request. The raw value stays in memory only (to compare it with
 * environment variables, properties and files); {@link #toString()} never shows it.
 */
public final class ApiKey {
  public static final ApiKey NONE = new ApiKey(KeyKind.NONE, null, null, null, null, null);

  private final KeyKind kind;
  private final String secret;
  private final String fingerprint;
  private final String hint;
  private final String entraTenantId;
  private final String entraAppId;

  public ApiKey(
      KeyKind kind,
      String secret,
      String fingerprint,
      String hint,
      String entraTenantId,
      String entraAppId) {
    this.kind = kind;
    this.secret = secret;
    this.fingerprint = fingerprint;
    this.hint = hint;
    this.entraTenantId = entraTenantId;
    this.entraAppId = entraAppId;
  }

  public KeyKind kind() {
    return kind;
  }

  /** The raw key or token. Never log, record or put in an exception message. */
  public String secret() {
    return secret;
  }

  /** {@code sha256:} + 16 hex digits, or null for {@link KeyKind#NONE}. */
  public String fingerprint() {
    return fingerprint;
  }

  /** {@code ...WXYZ} for keys of 20 or more characters, else null. */
  public String hint() {
    return hint;
  }

  public String entraTenantId() {
    return entraTenantId;
  }

  public String entraAppId() {
    return entraAppId;
  }

  @Override
  public String toString() {
    return kind.id() + (fingerprint == null ? "" : " " + fingerprint);
  }
}
