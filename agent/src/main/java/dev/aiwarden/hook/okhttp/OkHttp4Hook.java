package dev.aiwarden.hook.okhttp;

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
 * OkHttp 4.x (4.12 tracked; what {@code openai-java} and Spring AI 2 use). Hooks {@code RealCall}:
 * {@code getResponseWithInterceptorChain} runs once per call for both {@code execute()} and
 * {@code enqueue()} (on the dispatcher thread), after the application's request is final and
 * before any interceptor or connection; {@code enqueue} is hooked only to remember the caller.
 */
public final class OkHttp4Hook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.okhttp.OkHttp4Adapter";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          ADAPTER,
          "dev.aiwarden.hook.okhttp.OkHttp4Adapter$ArraySink",
          "dev.aiwarden.hook.okhttp.OkHttp4Adapter$ArraySink$Out",
          "dev.aiwarden.hook.okhttp.OkHttp4Adapter$ArrayOut",
          "dev.aiwarden.hook.okhttp.OkHttp4TappedBody",
          "dev.aiwarden.hook.okhttp.OkHttp4TappedBody$TapSource",
          "dev.aiwarden.hook.okhttp.OkHttp4TappedBody$TapStream",
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream");

  @Override
  public String name() {
    return "okhttp-4";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.OKHTTP4_REAL_CALL)
        .adapters(injector, ADAPTERS)
        .advice(chain("getResponseWithInterceptorChain$okhttp"), enqueue());
  }

  /**
   * Around the whole interceptor chain: the request before it leaves (a denial is thrown there),
   * the response (or the failure) after.
   */
  static InlineAdvice chain(String method) {
    return InlineAdvice.on(method, 0)
        .enter(ADAPTER, "enterChain", "(Ljava/lang/Object;)Ljava/lang/Object;", THIS)
        .exit(
            ADAPTER,
            "exitChain",
            // Typed as the method returns (3.x and 4.x alike): no checkcast in the hot method.
            "(Ljava/lang/Object;Lokhttp3/Response;)Lokhttp3/Response;",
            ENTER,
            RETURN)
        .thrown(
            ADAPTER,
            "chainThrown",
            "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;",
            ENTER,
            THROWN);
  }

  /** Remembers the application frame of an asynchronous call before it changes threads. */
  static InlineAdvice enqueue() {
    return InlineAdvice.on("enqueue", -1).enter(ADAPTER, "onEnqueue", "(Ljava/lang/Object;)V", THIS);
  }
}
