package dev.aiwarden.hook;

/**
 * The names of the classes the hooks change: the cheap test every loaded class passes through
 * before Byte Buddy is even started. Deliberately free of Byte Buddy types, so that an
 * application that never loads one of these classes never loads Byte Buddy either.
 */
public final class HookTargets {
  /** OkHttp 4.x: the class behind {@code Call.execute()} and {@code Call.enqueue()}. */
  public static final String OKHTTP4_REAL_CALL = "okhttp3.internal.connection.RealCall";

  /** azure-core: implementations of {@code com.azure.core.http.HttpClient} live under here. */
  public static final String AZURE_CORE_PREFIX = "com/azure/core/";

  /** azure-core: the retry policy, taught not to retry a policy denial. */
  public static final String AZURE_CORE_RETRY_POLICY = "com.azure.core.http.policy.RetryPolicy";

  /** azure-security-keyvault-secrets: the secret model whose {@code getValue()} is watched. */
  public static final String KEYVAULT_SECRET =
      "com.azure.security.keyvault.secrets.models.KeyVaultSecret";

  private HookTargets() {}

  /** True when a hook may change this class ({@code a/b/C} internal name). */
  public static boolean wanted(String internalName) {
    if (internalName.startsWith("okhttp3/")) {
      return internalName.equals("okhttp3/internal/connection/RealCall");
    }
    if (internalName.startsWith(AZURE_CORE_PREFIX)) {
      return internalName.endsWith("HttpClient")
          || internalName.equals("com/azure/core/http/policy/RetryPolicy");
    }
    if (internalName.startsWith("com/azure/security/keyvault/")) {
      return internalName.equals("com/azure/security/keyvault/secrets/models/KeyVaultSecret");
    }
    return false;
  }
}
