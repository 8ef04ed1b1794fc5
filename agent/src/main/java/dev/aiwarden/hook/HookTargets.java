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

  /** The JDK's {@code java.net.http.HttpClient} implementation (platform class loader). */
  public static final String JDK_HTTP_CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";

  /** The JDK's {@code HttpURLConnection} (and, through its delegate, {@code HttpsURLConnection}). */
  public static final String JDK_HTTP_URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

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
    if (internalName.startsWith("jdk/internal/net/http/")) {
      return internalName.equals("jdk/internal/net/http/HttpClientImpl");
    }
    if (internalName.startsWith("sun/net/www/protocol/http/")) {
      return internalName.equals("sun/net/www/protocol/http/HttpURLConnection");
    }
    return false;
  }
}
