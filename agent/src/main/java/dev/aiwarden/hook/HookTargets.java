package dev.aiwarden.hook;

/**
 * The names of the classes the hooks change: the cheap test every loaded class passes through
 * before the weaver is even built. Deliberately free of ASM types, so that an application that
 * never loads one of these classes never loads the weaver either.
 */
public final class HookTargets {
  /** OkHttp 4.x: the class behind {@code Call.execute()} and {@code Call.enqueue()}. */
  public static final String OKHTTP4_REAL_CALL = "okhttp3.internal.connection.RealCall";

  /** OkHttp 3.x: {@code RealCall} sits directly in {@code okhttp3} (moved in 4.0). */
  public static final String OKHTTP3_REAL_CALL = "okhttp3.RealCall";

  /** Apache HttpClient 5 classic: the two concrete clients behind every {@code execute}. */
  public static final String[] APACHE5_CLASSIC_CLIENTS = {
    "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
    "org.apache.hc.client5.http.impl.classic.MinimalHttpClient"
  };

  /** Apache HttpClient 5 async: the base class with the {@code SimpleHttpRequest} entry. */
  public static final String APACHE5_ASYNC_CLIENT =
      "org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient";

  /** Apache HttpClient 4.x classic: the concrete clients behind every {@code execute}. */
  public static final String[] APACHE4_CLIENTS = {
    "org.apache.http.impl.client.InternalHttpClient",
    "org.apache.http.impl.client.MinimalHttpClient",
    "org.apache.http.impl.client.AbstractHttpClient"
  };

  /** Reactor Netty: one instance per HTTP client request attempt. */
  public static final String REACTOR_NETTY_CLIENT_OPERATIONS =
      "reactor.netty.http.client.HttpClientOperations";

  /** Reactor Netty: the base class, where {@code onInboundError} is declared. */
  public static final String REACTOR_NETTY_CHANNEL_OPERATIONS =
      "reactor.netty.channel.ChannelOperations";

  /** azure-core: implementations of {@code com.azure.core.http.HttpClient} live under here. */
  public static final String AZURE_CORE_PREFIX = "com/azure/core/";

  /** azure-core: the pipeline, whose {@code sendSync} finds an AI call's caller nearer to it. */
  public static final String AZURE_CORE_PIPELINE = "com.azure.core.http.HttpPipeline";

  /** azure-core: the retry policy, taught not to retry a policy denial. */
  public static final String AZURE_CORE_RETRY_POLICY = "com.azure.core.http.policy.RetryPolicy";

  /**
   * openai-java: its outermost HTTP client, whose synchronous {@code execute} finds an AI call's
   * caller nearer to it than OkHttp's hook underneath.
   */
  public static final String OPENAI_JAVA_RETRYING_CLIENT = "com.openai.core.http.RetryingHttpClient";

  /** azure-security-keyvault-secrets: the secret model whose {@code getValue()} is watched. */
  public static final String KEYVAULT_SECRET =
      "com.azure.security.keyvault.secrets.models.KeyVaultSecret";

  /** The JDK's {@code java.net.http.HttpClient} implementation (platform class loader). */
  public static final String JDK_HTTP_CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";

  /** The JDK's {@code HttpURLConnection} (and, through its delegate, {@code HttpsURLConnection}). */
  public static final String JDK_HTTP_URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

  /** Spring's blocking {@code ClientHttpRequest} base ({@code RestClient}, {@code RestTemplate}). */
  public static final String SPRING_STREAMING_REQUEST =
      "org.springframework.http.client.AbstractStreamingClientHttpRequest";

  /** Spring {@code WebClient}'s request on its JDK connector. */
  public static final String SPRING_REACTIVE_JDK_REQUEST =
      "org.springframework.http.client.reactive.JdkClientHttpRequest";

  private HookTargets() {}

  /** True when a hook may change this class ({@code a/b/C} internal name). */
  public static boolean wanted(String internalName) {
    if (internalName.startsWith("okhttp3/")) {
      return internalName.equals("okhttp3/internal/connection/RealCall")
          || internalName.equals("okhttp3/RealCall");
    }
    if (internalName.startsWith("reactor/netty/")) {
      return internalName.equals("reactor/netty/http/client/HttpClientOperations")
          || internalName.equals("reactor/netty/channel/ChannelOperations");
    }
    if (internalName.startsWith("org/apache/")) {
      return internalName.startsWith("org/apache/hc/client5/http/impl/")
              && (internalName.endsWith("/classic/InternalHttpClient")
                  || internalName.endsWith("/classic/MinimalHttpClient")
                  || internalName.endsWith("/async/CloseableHttpAsyncClient"))
          || internalName.startsWith("org/apache/http/impl/client/")
              && (internalName.endsWith("/InternalHttpClient")
                  || internalName.endsWith("/MinimalHttpClient")
                  || internalName.endsWith("/AbstractHttpClient"));
    }
    if (internalName.startsWith("org/springframework/http/client/")) {
      return internalName.equals("org/springframework/http/client/AbstractStreamingClientHttpRequest")
          || internalName.equals("org/springframework/http/client/reactive/JdkClientHttpRequest");
    }
    if (internalName.startsWith(AZURE_CORE_PREFIX)) {
      return internalName.endsWith("HttpClient")
          || internalName.equals("com/azure/core/http/policy/RetryPolicy")
          || internalName.equals("com/azure/core/http/HttpPipeline");
    }
    if (internalName.startsWith("com/openai/")) {
      return internalName.equals("com/openai/core/http/RetryingHttpClient");
    }
    if (internalName.startsWith("com/azure/security/keyvault/")) {
      return internalName.equals("com/azure/security/keyvault/secrets/models/KeyVaultSecret");
    }
    if (internalName.startsWith("jdk/internal/net/http/")) {
      return internalName.equals("jdk/internal/net/http/HttpClientImpl");
    }
    if (internalName.startsWith("sun/net/www/protocol/http/")) {
      return internalName.equals("sun/net/www/protocol/http/HttpURLConnection");
    }
    return false;
  }

  /**
   * True for a class of a library some hook changes (a cheap prefix test): its loading announces
   * that a {@link #wanted} class may follow, so the {@link LazyTransformer} starts building the
   * hooks ahead of need. A prefix missing here costs only that head start.
   */
  public static boolean inHookedLibrary(String internalName) {
    return internalName.startsWith("okhttp3/")
        || internalName.startsWith("com/azure/core/")
        || internalName.startsWith("com/azure/security/keyvault/")
        || internalName.startsWith("com/openai/")
        || internalName.startsWith("reactor/netty/")
        || internalName.startsWith("org/apache/hc/client5/")
        || internalName.startsWith("org/apache/http/")
        || internalName.startsWith("jdk/internal/net/http/")
        || internalName.startsWith("sun/net/www/protocol/http/");
  }
}
