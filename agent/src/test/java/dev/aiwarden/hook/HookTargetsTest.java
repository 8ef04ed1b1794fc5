package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HookTargetsTest {

  @Test
  void wantsTheHookedClasses() {
    assertThat(HookTargets.wanted("okhttp3/internal/connection/RealCall")).isTrue();
    assertThat(HookTargets.wanted("com/azure/core/http/netty/NettyAsyncHttpClient")).isTrue();
    assertThat(HookTargets.wanted("com/azure/core/http/okhttp/OkHttpAsyncHttpClient")).isTrue();
    assertThat(HookTargets.wanted("com/azure/core/http/jdk/httpclient/JdkHttpClient")).isTrue();
    assertThat(HookTargets.wanted("com/azure/core/http/policy/RetryPolicy")).isTrue();
    assertThat(HookTargets.wanted("jdk/internal/net/http/HttpClientImpl")).isTrue();
    assertThat(HookTargets.wanted("sun/net/www/protocol/http/HttpURLConnection")).isTrue();
    assertThat(HookTargets.JDK_HTTP_CLIENT_IMPL.replace('.', '/'))
        .isEqualTo("jdk/internal/net/http/HttpClientImpl");
    assertThat(HookTargets.JDK_HTTP_URL_CONNECTION.replace('.', '/'))
        .isEqualTo("sun/net/www/protocol/http/HttpURLConnection");
    assertThat(HookTargets.OKHTTP4_REAL_CALL.replace('.', '/'))
        .isEqualTo("okhttp3/internal/connection/RealCall");
    assertThat(HookTargets.AZURE_CORE_RETRY_POLICY.replace('.', '/'))
        .isEqualTo("com/azure/core/http/policy/RetryPolicy");
    assertThat(HookTargets.wanted(HookTargets.AZURE_CORE_PIPELINE.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted(HookTargets.OPENAI_JAVA_RETRYING_CLIENT.replace('.', '/'))).isTrue();
    assertThat(HookTargets.inHookedLibrary("com/openai/core/http/RetryingHttpClient")).isTrue();
    assertThat(HookTargets.wanted("com/openai/core/http/LoggingHttpClient")).isFalse();
    assertThat(HookTargets.wanted("com/openai/client/okhttp/OkHttpClient")).isFalse();
  }

  @Test
  void passesOverEverythingElse() {
    assertThat(HookTargets.wanted("okhttp3/OkHttpClient")).isFalse();
    assertThat(HookTargets.wanted("okhttp3/internal/connection/RealCall$AsyncCall")).isFalse();
    assertThat(HookTargets.wanted("java/lang/String")).isFalse();
    assertThat(HookTargets.wanted("com/azure/core/http/HttpPipelineBuilder")).isFalse();
    assertThat(HookTargets.wanted("com/azure/core/http/HttpPipelineNextSyncPolicy")).isFalse();
    assertThat(HookTargets.wanted("com/acme/MyHttpClient")).isFalse();
    assertThat(HookTargets.wanted("jdk/internal/net/http/HttpClientFacade")).isFalse();
    assertThat(HookTargets.wanted("jdk/internal/net/http/HttpClientImpl$DelegatingExecutor")).isFalse();
    assertThat(HookTargets.wanted("sun/net/www/protocol/https/HttpsURLConnectionImpl")).isFalse();
    assertThat(HookTargets.wanted("sun/net/www/protocol/http/HttpURLConnection$HttpInputStream")).isFalse();
  }

  @Test
  void wantsTheApacheAndOkHttp3Classes() {
    assertThat(HookTargets.wanted("okhttp3/RealCall")).isTrue();
    assertThat(HookTargets.wanted("okhttp3/RealCall$AsyncCall")).isFalse();
    for (String name : HookTargets.APACHE5_CLASSIC_CLIENTS) {
      assertThat(HookTargets.wanted(name.replace('.', '/'))).as(name).isTrue();
    }
    for (String name : HookTargets.APACHE4_CLIENTS) {
      assertThat(HookTargets.wanted(name.replace('.', '/'))).as(name).isTrue();
    }
    assertThat(HookTargets.wanted(HookTargets.APACHE5_ASYNC_CLIENT.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted(HookTargets.OKHTTP3_REAL_CALL.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted("org/apache/hc/client5/http/impl/classic/CloseableHttpClient"))
        .isFalse();
    assertThat(HookTargets.wanted("org/apache/http/impl/client/CloseableHttpClient")).isFalse();
    assertThat(HookTargets.wanted("org/apache/commons/lang3/StringUtils")).isFalse();
    assertThat(HookTargets.wanted(HookTargets.REACTOR_NETTY_CLIENT_OPERATIONS.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted(HookTargets.REACTOR_NETTY_CHANNEL_OPERATIONS.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted("reactor/netty/http/client/HttpClient")).isFalse();
    assertThat(HookTargets.wanted(HookTargets.SPRING_STREAMING_REQUEST.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted(HookTargets.SPRING_REACTIVE_JDK_REQUEST.replace('.', '/'))).isTrue();
    assertThat(HookTargets.wanted("org/springframework/http/client/JdkClientHttpRequest")).isFalse();
    assertThat(HookTargets.wanted("org/springframework/web/client/RestClient")).isFalse();
  }

  @Test
  void everyHookedClassIsInAHookedLibrary() {
    String[] hooked = {
      "okhttp3/internal/connection/RealCall", "okhttp3/RealCall",
      "com/azure/core/http/netty/NettyAsyncHttpClient", "com/azure/core/http/policy/RetryPolicy",
      "reactor/netty/http/client/HttpClientOperations", "reactor/netty/channel/ChannelOperations",
      "org/apache/hc/client5/http/impl/classic/InternalHttpClient",
      "org/apache/http/impl/client/InternalHttpClient",
      "jdk/internal/net/http/HttpClientImpl", "sun/net/www/protocol/http/HttpURLConnection",
      "com/azure/security/keyvault/secrets/models/KeyVaultSecret"
    };
    for (String name : hooked) {
      assertThat(HookTargets.wanted(name)).as(name).isTrue();
      assertThat(HookTargets.inHookedLibrary(name)).as(name).isTrue();
    }
    assertThat(HookTargets.inHookedLibrary("okhttp3/OkHttpClient")).isTrue();
    assertThat(HookTargets.inHookedLibrary("com/acme/Main")).isFalse();
    assertThat(HookTargets.inHookedLibrary("java/lang/String")).isFalse();
    assertThat(HookTargets.inHookedLibrary("org/apache/commons/lang3/StringUtils")).isFalse();
  }
}
