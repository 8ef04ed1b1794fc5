package dev.aiwarden.examples.benchmarks;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.hook.jdkhttp.JdkHttpClientAdapter;
import dev.aiwarden.hook.okhttp.OkHttp4Adapter;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What ai-warden adds to a non-AI request on each hooked client's path, measured in process with
 * no agent: the work of the hook's advice on entry and exit (which is all the agent adds there:
 * the advice is inlined into the client's method and hands off to these adapters), on real OkHttp
 * {@code Call}/{@code Request} objects and real JDK {@code HttpRequest} objects, with Warden's
 * core installed as the agent installs it (default policy). Paths: {@code /ping}, the suite's
 * non-AI endpoint, and {@code /api/v2/orders}, a REST path ending in {@code s}, which passes the
 * hooks' one-character pre-filter and is looked at by the endpoint classifier.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class HookPathBench {
  @Param({"/ping", "/api/v2/orders"})
  public String path;

  private Call okHttpCall;
  private HttpRequest jdkRequest;
  private final HttpResponse.BodyHandler<byte[]> handler = HttpResponse.BodyHandlers.ofByteArray();

  @Setup
  public void setUp() {
    InstalledCore.install(MonitorOnlyPolicy.INSTANCE);
    String url = "http://127.0.0.1:8080" + path;
    okHttpCall = new OkHttpClient().newCall(new Request.Builder().url(url).build());
    jdkRequest = HttpRequest.newBuilder(URI.create(url)).GET().build();
  }

  /**
   * What OkHttp4Hook weaves into {@code RealCall.getResponseWithInterceptorChain}: {@code
   * enterChain} before it, {@code exitChain} before it returns.
   */
  @Benchmark
  public Object okHttp() throws Exception {
    Object handle = OkHttp4Adapter.enterChain(okHttpCall);
    return OkHttp4Adapter.exitChain(handle, null);
  }

  /**
   * What JdkHttpClientHook weaves into {@code HttpClientImpl.sendAsync}: {@code onRequest} on entry,
   * {@code wrapHandler} replacing the body handler argument, then (no denial) {@code exitSendAsync}
   * before it returns.
   */
  @Benchmark
  public void jdkHttp(Blackhole bh) {
    Object handle = JdkHttpClientAdapter.onRequest(jdkRequest);
    Object wrapped = JdkHttpClientAdapter.wrapHandler(handle, handler);
    Object future = null;
    if (handle instanceof PolicyDeniedException) {
      future = JdkHttpClientAdapter.deniedFuture(handle);
    } else {
      JdkHttpClientAdapter.exitSendAsync(handle, future);
    }
    bh.consume(wrapped);
    bh.consume(future);
  }
}
