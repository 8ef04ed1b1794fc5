package dev.aiwarden.hook.openaijava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.RetryingHttpClient;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.hook.Allocations;
import dev.aiwarden.hook.InlineWeaver;
import dev.aiwarden.hook.QuietCore;
import dev.aiwarden.hook.TestCores;
import dev.aiwarden.hook.VerifyingLoader;
import dev.aiwarden.hook.okhttp.OkHttp4Adapter;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The caller of a synchronous openai-java AI call, found at {@code RetryingHttpClient.execute} and
 * used by the OkHttp hook for the same request only (same thread, host, port and path, while
 * {@code execute} runs; retries included), and only for a delegate chain of openai-java's own
 * clients down to its OkHttp client (whose frames the caller walk skips, so both places find the
 * same frame). Real openai-java 4.101 clients, as {@code ClientOptions} builds them; OkHttp's hook
 * stands in an application interceptor, which runs inside the chain the hook surrounds.
 */
class OpenAiJavaCallerTest {
  private static final String BASE = "https://api.openai.com/v1";
  private static final String CHAT_URL = BASE + "/chat/completions";
  private static final Object CALLER = "the caller the core found";
  private static final Object HANDLE = "call-1";

  private final WardenHooks core = TestCores.mock();

  @BeforeEach
  void install() throws Exception {
    Warden.install(core);
    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(true);
    when(core.isAiCall(anyString(), anyInt(), anyString(), anyInt(), anyInt())).thenReturn(true);
    when(core.captureCaller()).thenReturn(CALLER);
    when(core.requestStarting(any(), any(), any(), any(), anyInt(), anyInt(), anyInt(), any(), any(), any()))
        .thenReturn(HANDLE);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  /** openai-java's own chain (retrying, logging, workload identity, closing) over its OkHttp client. */
  private static HttpClient sdkClient(Interceptor okHttpHook) {
    okhttp3.OkHttpClient ok = new okhttp3.OkHttpClient.Builder().addInterceptor(okHttpHook).build();
    return ClientOptions.builder()
        .httpClient(new com.openai.client.okhttp.OkHttpClient(ok))
        .apiKey("sk-test-not-a-real-key")
        .baseUrl(BASE)
        .maxRetries(1)
        .build()
        .httpClient();
  }

  private static HttpClient sdkClient() {
    return sdkClient(chain -> answer(chain.request(), 200));
  }

  private static HttpRequest request(String... segments) {
    return HttpRequest.builder().method(HttpMethod.POST).baseUrl(BASE).addPathSegments(segments).build();
  }

  private static okhttp3.Call okHttpCall(String url) {
    return new okhttp3.OkHttpClient().newCall(new Request.Builder().url(url).build());
  }

  private static Response answer(Request request, int status) {
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(status)
        .message(status == 200 ? "OK" : "Server Error")
        .header("retry-after-ms", "1")
        .body(ResponseBody.create("{}", MediaType.get("application/json")))
        .build();
  }

  @Test
  void theOkHttpHookTakesTheCallerFoundAtExecuteForTheSameRequestAndItsRetries() throws Exception {
    HttpClient client = sdkClient();
    assertThat(client).isInstanceOf(RetryingHttpClient.class);
    Object token = OpenAiJavaAdapter.enterExecute(client, request("chat", "completions"));
    assertThat(token).isNotNull();
    // Each attempt is one OkHttp call to the same URL.
    assertThat(OkHttp4Adapter.onRequest(okHttpCall(CHAT_URL))).isSameAs(HANDLE);
    assertThat(OkHttp4Adapter.onRequest(okHttpCall(CHAT_URL + "?attempt=2"))).isSameAs(HANDLE);
    verify(core, times(2))
        .requestStarting(any(), any(), any(), any(), anyInt(), anyInt(), anyInt(), any(), any(), same(CALLER));

    // Another request on the same thread meanwhile (another path, host or port) walks for itself.
    OkHttp4Adapter.onRequest(okHttpCall(BASE + "/embeddings"));
    OkHttp4Adapter.onRequest(okHttpCall("https://other.example.com/v1/chat/completions"));
    OkHttp4Adapter.onRequest(okHttpCall("https://api.openai.com:8443/v1/chat/completions"));
    verify(core, times(3))
        .requestStarting(any(), any(), any(), any(), anyInt(), anyInt(), anyInt(), any(), any(), isNull());

    OpenAiJavaAdapter.exitExecute(token);
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length()))
        .as("gone when execute returns")
        .isNull();
    OkHttp4Adapter.onRequest(okHttpCall(CHAT_URL));
    verify(core, times(4))
        .requestStarting(any(), any(), any(), any(), anyInt(), anyInt(), anyInt(), any(), any(), isNull());
    verify(core, times(1)).captureCaller();
  }

  @Test
  void theWovenExecuteKeepsTheCallerForItsOkHttpAttemptsAndPutsItBackAfter() throws Exception {
    List<Object> handles = new ArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    HttpClient sdk =
        sdkClient(
            chain -> {
              handles.add(OkHttp4Adapter.onRequest(chain.call())); // what OkHttp's woven chain does
              return answer(chain.request(), attempts.incrementAndGet() == 1 ? 500 : 200);
            });
    HttpClient woven = woven((RetryingHttpClient) sdk);
    try (HttpResponse response = woven.execute(request("chat", "completions"), RequestOptions.none())) {
      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(attempts).hasValue(2); // the 500 was retried
    assertThat(handles).containsExactly(HANDLE, HANDLE);
    verify(core, times(1)).captureCaller();
    verify(core, times(2))
        .requestStarting(any(), eq("POST"), eq(CHAT_URL), eq("api.openai.com"), eq(443), anyInt(), anyInt(),
            any(), any(), same(CALLER));
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isNull();

    // A failing execute puts it back too.
    HttpClient failing =
        woven((RetryingHttpClient) sdkClient(chain -> {
          throw new java.io.IOException("refused");
        }));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> failing.execute(request("chat", "completions"), RequestOptions.none()))
        .hasRootCauseMessage("refused");
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isNull();
  }

  @Test
  void aChainWithAClientOfTheApplicationsLeavesTheCallerToOkHttpsWalk() throws Exception {
    HttpClient applications = new ApplicationsClient(sdkClient());
    HttpClient retrying = RetryingHttpClient.builder().httpClient(applications).build();
    assertThat(OpenAiJavaAdapter.enterExecute(retrying, request("chat", "completions"))).isNull();
    verify(core, never()).captureCaller();
    OkHttp4Adapter.onRequest(okHttpCall(CHAT_URL));
    verify(core).requestStarting(any(), any(), any(), any(), anyInt(), anyInt(), anyInt(), any(), any(), isNull());

    assertThat(OpenAiJavaAdapter.ownFrames(retrying)).isFalse();
    assertThat(OpenAiJavaAdapter.ownFrames(sdkClient())).isTrue();
    // Each client's chain is told once, at debug level, by class names: why its calls walk or not.
    ArgumentCaptor<String> notes = ArgumentCaptor.forClass(String.class);
    verify(core, times(2)).hookDebug(notes.capture());
    assertThat(notes.getAllValues().get(0))
        .startsWith("openai-java: AI calls' caller walked for at OkHttp")
        .endsWith("com.openai.core.http.RetryingHttpClient -> " + ApplicationsClient.class.getName());
    assertThat(notes.getAllValues().get(1))
        .startsWith("openai-java: AI calls' caller found at RetryingHttpClient.execute for client chain"
            + " com.openai.core.http.RetryingHttpClient -> ")
        .endsWith(" -> com.openai.client.okhttp.OkHttpClient")
        .doesNotContain("sk-test");
    // openai-java's own retrying client straight over its OkHttp client is own too.
    assertThat(OpenAiJavaAdapter.ownChain(RetryingHttpClient.builder()
            .httpClient(new com.openai.client.okhttp.OkHttpClient(new okhttp3.OkHttpClient())).build()))
        .isTrue();
    // A chain that does not end in openai-java's OkHttp client (no HttpClient field to follow).
    assertThat(OpenAiJavaAdapter.ownChain(request("x"))).isFalse();
    assertThat(OpenAiJavaAdapter.ownChain(null)).isFalse();
  }

  @Test
  void nonAiRequestsCallsWithoutAnApplicationFrameAndOddRequestsKeepNothing() {
    HttpClient client = sdkClient();
    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(false);
    assertThat(OpenAiJavaAdapter.enterExecute(client, request("models"))).isNull();
    verify(core, never()).captureCaller();

    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(true);
    when(core.captureCaller()).thenReturn(null);
    assertThat(OpenAiJavaAdapter.enterExecute(client, request("chat", "completions"))).isNull();
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isNull();

    // Fail open: not a client or a request.
    assertThat(OpenAiJavaAdapter.enterExecute("not a client", "not a request")).isNull();
    assertThat(OpenAiJavaAdapter.enterExecute(client, null)).isNull();
    OpenAiJavaAdapter.exitExecute(null);
  }

  @Test
  void anExecuteInsideAnotherPutsTheOuterCallerBackWhenItEnds() {
    HttpClient client = sdkClient();
    Object outerToken = OpenAiJavaAdapter.enterExecute(client, request("chat", "completions"));
    when(core.captureCaller()).thenReturn("the inner caller");
    Object innerToken = OpenAiJavaAdapter.enterExecute(client, request("embeddings"));
    String embeddings = BASE + "/embeddings";
    assertThat(Warden.keptCaller("api.openai.com", 443, embeddings, 22, embeddings.length()))
        .isEqualTo("the inner caller");
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isNull();
    OpenAiJavaAdapter.exitExecute(innerToken);
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isSameAs(CALLER);
    OpenAiJavaAdapter.exitExecute(outerToken);
    assertThat(Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length())).isNull();
  }

  @Test
  void targetsAreHostPortAndPathAsOkHttpSeesThem() {
    OpenAiJavaAdapter.Target t = target("https://API.openai.com/v1", "chat", "completions");
    assertThat(t.host).isEqualTo("api.openai.com");
    assertThat(t.port).isEqualTo(443);
    assertThat(t.path).isEqualTo("/v1/chat/completions");
    t = target("http://127.0.0.1:8089/", "chat", "completions");
    assertThat(t.host).isEqualTo("127.0.0.1");
    assertThat(t.port).isEqualTo(8089);
    assertThat(t.path).isEqualTo("/chat/completions");
    t = target("http://[::1]:9000/openai", "deployments", "gpt-4o", "chat", "completions");
    assertThat(t.host).isEqualTo("::1");
    assertThat(t.port).isEqualTo(9000);
    assertThat(t.path).isEqualTo("/openai/deployments/gpt-4o/chat/completions");
    t = target("http://user@host.example", "embeddings");
    assertThat(t.host).isEqualTo("host.example");
    assertThat(t.port).isEqualTo(80);
    assertThat(t.path).isEqualTo("/embeddings");
    // What encoding or OkHttp's path rules would change, or an odd base URL: nothing kept.
    assertThat(target(BASE, "files", "file abc").path).isNull();
    assertThat(target(BASE, "files", "..").path).isNull();
    assertThat(target("ftp://api.openai.com/v1", "chat").path).isNull();
    assertThat(target(BASE + "?x=1", "chat").path).isNull();
    assertThat(target("https://api.openai.com:notaport/v1", "chat").path).isNull();
    // Repeated requests find the same target: no strings made per call.
    HttpRequest chat = request("chat", "completions");
    assertThat(OpenAiJavaAdapter.target(chat)).isSameAs(OpenAiJavaAdapter.target(request("chat", "completions")));
  }

  @Test
  void aRepeatedCallKeepsAndTakesTheCallerWithoutAllocating() throws Exception {
    Warden.install(new QuietCore(true) {
      @Override
      public Object captureCaller() {
        return CALLER;
      }
    });
    HttpClient client = sdkClient();
    HttpRequest chat = request("chat", "completions");
    long bytes =
        Allocations.perRun(
            2000,
            () -> {
              Object token = OpenAiJavaAdapter.enterExecute(client, chat);
              if (Warden.keptCaller("api.openai.com", 443, CHAT_URL, 22, CHAT_URL.length()) != CALLER) {
                throw new AssertionError("the caller was not kept");
              }
              OpenAiJavaAdapter.exitExecute(token);
            });
    assertThat(bytes).isLessThan(16);
  }

  private static OpenAiJavaAdapter.Target target(String base, String... segments) {
    return OpenAiJavaAdapter.Target.of(base, List.of(segments));
  }

  /**
   * A copy of {@code sdk} (same delegate, sleeper, clock, retries) whose class is openai-java's
   * {@code RetryingHttpClient} as {@link OpenAiJavaHook} weaves it, defined in a loader of its own.
   */
  private static HttpClient woven(RetryingHttpClient sdk) throws Exception {
    String name = "com/openai/core/http/RetryingHttpClient";
    byte[] original;
    try (InputStream in = RetryingHttpClient.class.getResourceAsStream("/" + name + ".class")) {
      original = in.readAllBytes();
    }
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    new OpenAiJavaHook().inline(builder, null);
    byte[] wovenBytes = builder.build().transform(OpenAiJavaCallerTest.class.getClassLoader(), name, null, null,
        original);
    assertThat(wovenBytes).as("execute(HttpRequest, RequestOptions) is woven").isNotNull();
    Class<?> type = VerifyingLoader.define(name.replace('/', '.'), wovenBytes);
    Constructor<?> make = null;
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (c.getParameterCount() == 5) {
        make = c;
      }
    }
    make.setAccessible(true);
    Object[] args = new Object[5];
    String[] fields = {"httpClient", "sleeper", "clock", "maxRetries", "idempotencyHeader"};
    for (int i = 0; i < fields.length; i++) {
      Field f = RetryingHttpClient.class.getDeclaredField(fields[i]);
      f.setAccessible(true);
      args[i] = f.get(sdk);
    }
    return (HttpClient) make.newInstance(args);
  }

  /** An {@code HttpClient} of the application's, in the chain: its frame could be the caller. */
  static final class ApplicationsClient implements HttpClient {
    private final HttpClient next;

    ApplicationsClient(HttpClient next) {
      this.next = next;
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
      return next.execute(request, options);
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
      return next.executeAsync(request, options);
    }

    @Override
    public void close() {
      next.close();
    }
  }
}
