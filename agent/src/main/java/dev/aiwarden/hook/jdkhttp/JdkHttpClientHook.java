package dev.aiwarden.hook.jdkhttp;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THROWN;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * The JDK's {@code java.net.http.HttpClient} (Java 11+; checked on 17 and 25), used by LangChain4j
 * and by Spring's {@code RestClient}. Hooks {@code jdk.internal.net.http.HttpClientImpl}, the class
 * behind {@code HttpClient.newHttpClient()} and {@code HttpClient.newBuilder().build()} (through
 * {@code HttpClientFacade}): its private {@code sendAsync(request, handler, pushHandler, executor)}
 * is where {@code send} and both public {@code sendAsync} meet, still on the application's thread
 * (so the caller frame is found even for asynchronous calls). The response body handler is wrapped
 * to see the bytes as they pass. {@code send} is hooked only to rethrow a denial as itself.
 *
 * <p>{@code java.net.http} lives in the platform class loader; the adapters are injected there and
 * the module is given a read edge to them.
 */
public final class JdkHttpClientHook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.jdkhttp.JdkHttpClientAdapter";
  private static final String OBJECT_OBJECT = "(Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String HANDLE_THROWN =
      "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;";
  private static final int ACC_PUBLIC = 0x0001;
  private static final int ACC_PRIVATE = 0x0002;
  private static final List<String> ADAPTERS =
      Arrays.asList(
          ADAPTER,
          "dev.aiwarden.hook.jdkhttp.RequestBodies",
          "dev.aiwarden.hook.jdkhttp.RequestBodies$Collector",
          "dev.aiwarden.hook.jdkhttp.TeeBodyHandler",
          "dev.aiwarden.hook.jdkhttp.TeeBodySubscriber",
          "dev.aiwarden.hook.jdkhttp.TeeBodySubscriber$Subscription");

  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.JDK_HTTP_CLIENT_IMPL)
        .adapters(injector, ADAPTERS)
        .module("java.net.http")
        .advice(
            // Where every request starts, on the caller's thread: the body handler is wrapped; a
            // denied call returns a future failed with the denial.
            InlineAdvice.on("sendAsync", 4)
                .access(ACC_PRIVATE)
                .enter(ADAPTER, "onRequest", OBJECT_OBJECT, 0)
                .argument(
                    1,
                    ADAPTER,
                    "wrapHandler",
                    "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
                    ENTER,
                    1)
                .skipOnDenial(ADAPTER, "deniedFuture", OBJECT_OBJECT)
                .exit(ADAPTER, "exitSendAsync", "(Ljava/lang/Object;Ljava/lang/Object;)V", ENTER, RETURN)
                .thrown(ADAPTER, "sendAsyncThrown", HANDLE_THROWN, ENTER, THROWN),
            // send rethrows a denial wrapped in a new IOException: unwrap it.
            InlineAdvice.on("send", 2)
                .access(ACC_PUBLIC)
                .thrown(
                    ADAPTER,
                    "unwrapDenial",
                    "(Ljava/lang/Throwable;)Ljava/lang/Throwable;",
                    THROWN));
  }
}
