package dev.aiwarden.hook.apache;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.THROWN;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * Apache HttpClient 5 (5.0 to 5.5; 5.5 tracked). Classic: {@code doExecute(HttpHost,
 * ClassicHttpRequest, HttpContext)} of {@code InternalHttpClient} and {@code MinimalHttpClient},
 * which every {@code execute} overload (with or without a response handler) ends in; it runs once
 * per call, around the retries and redirects of the exec chain. Async: {@code
 * CloseableHttpAsyncClient.execute(SimpleHttpRequest, HttpContext, FutureCallback)}, which the
 * two-argument {@code execute(SimpleHttpRequest, FutureCallback)} calls; and the general {@code
 * execute(AsyncRequestProducer, AsyncResponseConsumer, HandlerFactory, HttpContext,
 * FutureCallback)} (with or without a leading {@code HttpHost}), where every other async overload
 * ends ({@link ApacheAsyncProducer5Adapter}). The {@code SimpleHttpRequest} form goes on into the
 * general one: it marks the thread ({@code Warden.enterHandled}) so the call is recorded once.
 */
public final class ApacheHttpClient5Hook implements Hook {
  private static final String ASYNC_REQUEST_PRODUCER =
      "org.apache.hc.core5.http.nio.AsyncRequestProducer";
  private static final String SIMPLE = "dev.aiwarden.hook.apache.ApacheAsyncClient5Adapter";
  private static final String PRODUCER = "dev.aiwarden.hook.apache.ApacheAsyncProducer5Adapter";
  private static final String FUTURE = "java.util.concurrent.Future";
  private static final String OO_O = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String O_O = "(Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String OT_T = "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream",
          "dev.aiwarden.hook.apache.ApacheHttpClient5Adapter",
          "dev.aiwarden.hook.apache.ApacheHttpClient5Adapter$Target",
          "dev.aiwarden.hook.apache.ApacheHttpClient5Adapter$ObservedEntity",
          "dev.aiwarden.hook.apache.ApacheAsyncClient5Adapter",
          "dev.aiwarden.hook.apache.ApacheAsyncClient5Adapter$ObservingCallback",
          "dev.aiwarden.hook.apache.ApacheAsyncProducer5Adapter",
          "dev.aiwarden.hook.apache.ApacheAsyncProducer5Adapter$Captured",
          "dev.aiwarden.hook.apache.ApacheAsyncProducer5Adapter$Collector",
          "dev.aiwarden.hook.apache.ApacheAsyncProducer5Adapter$ObservingConsumer");

  @Override
  public String name() {
    return "apache-httpclient-5";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.APACHE5_CLASSIC_CLIENTS)
        .adapters(injector, ADAPTERS)
        .advice(ApacheHttpClient4Hook.doExecute("dev.aiwarden.hook.apache.ApacheHttpClient5Adapter"));
    builder
        .named(HookTargets.APACHE5_ASYNC_CLIENT)
        .adapters(injector, ADAPTERS)
        .advice(
            // Swaps in an observing callback; a denied call returns a failed future, no I/O.
            InlineAdvice.on("execute", 3, "org.apache.hc.client5.http.async.methods.SimpleHttpRequest")
                .enter(SIMPLE, "enterSimple", OO_O, 0, 2)
                .argument(2, SIMPLE, "callbackFor", OO_O, ENTER, 2)
                .skipOn(FUTURE, SIMPLE, "deniedFuture", O_O)
                .exit(SIMPLE, "exitSimple", "(Ljava/lang/Object;)V", ENTER)
                .thrown(SIMPLE, "simpleThrown", OT_T, ENTER, THROWN),
            // execute([target,] producer, consumer, pushHandlerFactory, context, callback): both
            // forms, told apart by their argument count.
            InlineAdvice.on("execute", 5, ASYNC_REQUEST_PRODUCER)
                .enter(
                    PRODUCER,
                    "enterExecute",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
                    0,
                    1,
                    4)
                .argument(1, PRODUCER, "consumerFor", OO_O, ENTER, 1)
                .skipOn(FUTURE, SIMPLE, "deniedFuture", O_O)
                .thrown(PRODUCER, "executeThrown", OT_T, ENTER, THROWN),
            InlineAdvice.on("execute", 6, null, ASYNC_REQUEST_PRODUCER)
                .enter(
                    PRODUCER,
                    "enterExecute",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)"
                        + "Ljava/lang/Object;",
                    0,
                    1,
                    2,
                    5)
                .argument(2, PRODUCER, "consumerFor", OO_O, ENTER, 2)
                .skipOn(FUTURE, SIMPLE, "deniedFuture", O_O)
                .thrown(PRODUCER, "executeThrown", OT_T, ENTER, THROWN));
  }
}
