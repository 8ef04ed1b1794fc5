package dev.aiwarden.hook.azurecore;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THIS;
import static dev.aiwarden.hook.InlineAdvice.THROWN;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * azure-core's HTTP layer (1.55 tracked; what {@code azure-ai-openai} and every Azure SDK use).
 * Hooks {@code send(HttpRequest, Context)} and {@code sendSync(HttpRequest, Context)} of the
 * {@code com.azure.core.http.HttpClient} implementations shipped under {@code com.azure.core}
 * (Netty by default, OkHttp, the JDK client). azure-core is the outermost hook: while it handles
 * an AI call it marks the thread ({@code Warden.enterHandled}), so the OkHttp (and java.net.http)
 * hooks underneath leave that call to it: one AI call, one span. This is below the retry and
 * credential policies: the request carries its key, and each attempt is one exchange.
 *
 * <p>{@code HttpPipeline.sendSync} finds a synchronous AI call's caller (a shorter stack walk
 * than from the client), for the client's {@code sendSync} to use.
 *
 * <p>Also teaches {@code RetryPolicy} never to retry a policy denial (it retries every other
 * exception, which would turn one blocked call into several seconds of back-off).
 */
public final class AzureCoreHook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.azurecore.AzureCoreAdapter";
  private static final String HTTP_REQUEST = "com.azure.core.http.HttpRequest";
  private static final String OBJECT_OBJECT = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          ADAPTER,
          "dev.aiwarden.hook.azurecore.Relay", // before its subclasses: defining one loads it
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter$HandledMono",
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter$HandledSubscriber",
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter$ObservingSubscriber",
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter$StartingMono",
          "dev.aiwarden.hook.azurecore.ObservedHttpResponse",
          "dev.aiwarden.hook.azurecore.ObservedHttpResponse$OwnBinaryData",
          "dev.aiwarden.hook.azurecore.ObservedHttpResponse$TappedFlux",
          "dev.aiwarden.hook.azurecore.ObservedHttpResponse$TapSubscriber",
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream");

  @Override
  public String name() {
    return "azure-core";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    // Names first: the super type walk reads every super type's class file, and must not run for
    // the other hooks' classes (or RetryPolicy).
    builder
        .prefixSuffix(HookTargets.AZURE_CORE_PREFIX, "HttpClient")
        .concreteSubtypeOf("com.azure.core.http.HttpClient")
        .adapters(injector, ADAPTERS)
        .advice(
            // Wraps the response Mono: the call starts on subscription, ends with the body.
            InlineAdvice.on("send", 2, HTTP_REQUEST).exit(ADAPTER, "wrapSend", OBJECT_OBJECT, 0, RETURN),
            // sendSync(HttpRequest, Context), where a client declares its own (OkHttp and JDK
            // clients call their library's blocking API; Netty's calls send(...).block(), which
            // then sees the thread marked and leaves the call to this advice). A denial is thrown
            // as the UncheckedIOException the adapter made; the client never runs.
            InlineAdvice.on("sendSync", 2, HTTP_REQUEST)
                .enter(ADAPTER, "enterSendSync", "(Ljava/lang/Object;)Ljava/lang/Object;", 0)
                .exit(ADAPTER, "exitSendSync", OBJECT_OBJECT, ENTER, RETURN)
                .thrown(
                    ADAPTER,
                    "sendSyncThrown",
                    "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;",
                    ENTER,
                    THROWN));
    // HttpPipeline.sendSync(HttpRequest, Context): an AI request's caller, found nearer to it
    // than from the client's sendSync (see AzureCoreAdapter.enterPipeline).
    builder
        .named(HookTargets.AZURE_CORE_PIPELINE)
        .adapters(injector, ADAPTERS)
        .advice(
            InlineAdvice.on("sendSync", 2, HTTP_REQUEST)
                .enter(ADAPTER, "enterPipeline", OBJECT_OBJECT, THIS, 0)
                .exit(ADAPTER, "exitPipeline", "(Ljava/lang/Object;)V", ENTER)
                .thrown(ADAPTER, "exitPipeline", "(Ljava/lang/Object;)V", ENTER));
    // RetryPolicy.shouldRetryException(strategy, throwable, tryCount, suppressed).
    builder
        .named(HookTargets.AZURE_CORE_RETRY_POLICY)
        .adapters(injector, ADAPTERS)
        .advice(
            InlineAdvice.on("shouldRetryException", 4)
                .exit(ADAPTER, "retry", "(Ljava/lang/Object;Z)Z", 1, RETURN));
  }
}
