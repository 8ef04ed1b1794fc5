package dev.aiwarden.examples.benchmarks;

import com.openai.aiwardenbench.CallerFrames;
import com.openai.aiwardenbench.CoreRequest;
import com.openai.aiwardenbench.SdkFrames;
import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import com.openai.core.ClientOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.hook.okhttp.OkHttp4Adapter;
import dev.aiwarden.hook.openaijava.OpenAiJavaAdapter;
import dev.aiwarden.provenance.CallerLocator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent's whole work on one allowed openai-java chat call (2 KB prompt), measured in process
 * with no agent: the request openai-java really sends (captured from the local server: headers
 * with the {@code Authorization} key, body bytes) and the local server's real response, handed
 * to the agent's code, with the default policy and with the suite's full policy.
 *
 * <ul>
 *   <li>{@link #okHttpChat}: what the hooks do for that call: OpenAiJavaHook's advice at {@code
 *       RetryingHttpClient.execute} (the caller found there, {@link SdkFrames#OPENAI_JAVA_RETRYING}
 *       frames above the application, and kept for the thread; put back after), and OkHttp4Hook's
 *       around the chain: the adapter's request side (URL checks, header flattening, the
 *       request-body copy, the kept caller taken) and core, then the response side (reading the
 *       body for inspection) and core;
 *   <li>{@link #coreChat}: Warden's core alone, the caller's walk from {@code
 *       RetryingHttpClient.execute}'s depth + {@code requestStarting} + {@code responseReceived}
 *       (classification, parsing, key fingerprint and source, policy, log line).
 * </ul>
 *
 * Both run under stand-in SDK frames ({@link SdkFrames}), so the caller search walks as far as in a
 * real call; the request side under {@link SdkFrames#OPENAI_JAVA}, as deep as OkHttp's hook. The
 * log line is written to {@code /dev/null} ({@link InstalledCore#quietStandardError}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class AiCallBench {
  /**
   * {@code default}, {@code full}, or {@code spans}: the default policy with spans recorded and
   * written as OTLP/JSON ({@code traces.file} set, to {@code /dev/null}): what a service with an
   * exporter pays, the exporter's thread included (the suite's ai-warden runs set no exporter, so
   * they record no span).
   */
  @Param({"default", "full", "spans"})
  public String policy;

  private static final String DENIED = "the chat call was denied while measuring (the full policy's"
      + " limits.requests_per_minute is a million: more calls than that in a minute?)";

  private ChatTraffic traffic;
  private Call call;
  private Response response;
  private CoreRequest coreRequest;
  private String[] responseHeaders;
  private PrintStream stderr;
  /** openai-java's own client chain, as {@code ClientOptions} builds it (never sends here). */
  private HttpClient retrying;
  /** The chat request as openai-java hands it to that chain. */
  private HttpRequest sdkRequest;

  /** The key of the calls (its fingerprint is one the full policy allows). */
  private String openAiKey;

  @Setup
  public void setUp() throws Exception {
    // The suite passes its key (the full policy allows its fingerprint; its source is then
    // env:OPENAI_API_KEY, as in the whole-process runs); run alone, a key of our own in a property.
    String key = System.getenv("OPENAI_API_KEY");
    if (key == null || key.isEmpty()) {
      key = "sk-proj-" + new java.math.BigInteger(240, new SecureRandom()).toString(36);
      System.setProperty("bench.openai.key", key);
    }
    traffic = ChatTraffic.forBenchmark(key);
    if (policy.equals("spans")) {
      System.setProperty("aiwarden.traces.file", "/dev/null");
    }
    openAiKey = key;
    InstalledCore.install(InstalledCore.policy(policy, key));
    if (policy.equals("spans")) {
      InstalledCore.awaitSpans();
    }
    stderr = InstalledCore.quietStandardError();

    Request request = traffic.request();
    call = new OkHttpClient().newCall(request);
    response = traffic.response(request);
    coreRequest = new CoreRequest("okhttp", ChatTraffic.URL, "api.openai.com", 443, "/v1/chat/completions",
        traffic.flatRequestHeaders(), traffic.requestBody);
    responseHeaders = traffic.flatResponseHeaders();
    retrying = ClientOptions.builder().httpClient(new com.openai.client.okhttp.OkHttpClient(new OkHttpClient()))
        .apiKey(key).baseUrl("https://api.openai.com/v1").build().httpClient();
    sdkRequest = HttpRequest.builder().method(HttpMethod.POST).baseUrl("https://api.openai.com/v1")
        .addPathSegments("chat", "completions").build();
    // One call each way before measuring: each must be an allowed AI call whose caller was found at
    // RetryingHttpClient.execute, or this measures the wrong thing.
    Object token = SdkFrames.call(SdkFrames.OPENAI_JAVA_RETRYING, OpenAiJavaAdapter::enterExecute, retrying, sdkRequest);
    int framesWalked = CallerLocator.lastWalkFrames();
    OpenAiJavaAdapter.exitExecute(token);
    if (token == null) {
      throw new IllegalStateException("the openai-java hook did not find the caller at RetryingHttpClient.execute");
    }
    if (!(SdkFrames.call(SdkFrames.OPENAI_JAVA, coreRequest, null) instanceof AiCall)
        || !(OkHttp4Adapter.onRequest(call) instanceof AiCall)) {
      throw new IllegalStateException("the benchmark's chat call is not an allowed AI call (policy " + policy + ")");
    }
    SdkFrames.call(SdkFrames.OPENAI_JAVA, coreRequest, null);
    int framesWalkedBefore = CallerLocator.lastWalkFrames();
    System.out.println("caller walk: " + framesWalked + " frames from RetryingHttpClient.execute ("
        + framesWalkedBefore + " from OkHttp's hook)");
  }

  /**
   * With the full policy, a fresh policy store before each iteration: at over 100 000 calls a
   * second the agent's own work passes the full policy's {@code limits.requests_per_minute} (a
   * million, the most the validator allows) within one fork, and the limit would start denying the
   * measured calls. A new store's limits start empty; everything else about the policy is the same.
   */
  @Setup(Level.Iteration)
  public void freshLimits() throws Exception {
    if (policy.equals("full")) {
      InstalledCore.install(InstalledCore.policy(policy, openAiKey));
    }
  }

  @TearDown
  public void tearDown() {
    System.setErr(stderr);
  }

  /**
   * What OkHttp4Hook weaves around {@code RealCall.getResponseWithInterceptorChain}, on an
   * openai-java chat: {@code enterChain} (= {@code onRequest}, a denial thrown) and {@code
   * exitChain}: adapter and core, request and response.
   */
  @Benchmark
  public Object okHttpChat() {
    // RetryingHttpClient.execute's advice finds the caller, as deep down as in the SDK's call;
    // OkHttp's hook (deeper still) then takes it. Its exit advice ends that.
    Object token = SdkFrames.call(SdkFrames.OPENAI_JAVA_RETRYING, OpenAiJavaAdapter::enterExecute, retrying, sdkRequest);
    Object handle;
    try {
      handle = SdkFrames.call(SdkFrames.OPENAI_JAVA, OkHttp4Adapter::onRequest, call);
    } finally {
      OpenAiJavaAdapter.exitExecute(token);
    }
    Response result = response;
    if (handle instanceof PolicyDeniedException) {
      throw new IllegalStateException(DENIED, (PolicyDeniedException) handle);
    } else if (handle != null) {
      result = OkHttp4Adapter.exitChain(handle, result);
    }
    return result;
  }

  /**
   * Warden's core alone on the same call: the caller's walk from where openai-java's hook looks,
   * requestStarting (given that caller) + responseReceived.
   */
  @Benchmark
  public Object coreChat() {
    coreRequest.caller(SdkFrames.call(SdkFrames.OPENAI_JAVA_RETRYING, CallerFrames::capture, null));
    Object handle = SdkFrames.call(SdkFrames.OPENAI_JAVA, coreRequest, null);
    if (handle instanceof PolicyDeniedException) {
      throw new IllegalStateException(DENIED, (PolicyDeniedException) handle);
    }
    Warden.responseReceived(handle, traffic.status, responseHeaders, traffic.responseBody);
    return handle;
  }
}
