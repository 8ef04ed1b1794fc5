package dev.aiwarden.hook.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * OkHttp 4.x (4.12 tracked; what {@code openai-java} and Spring AI 2 use). Hooks {@code RealCall}:
 * {@code getResponseWithInterceptorChain} runs once per call for both {@code execute()} and
 * {@code enqueue()} (on the dispatcher thread), after the application's request is final and
 * before any interceptor or connection; {@code enqueue} is hooked only to remember the caller.
 */
public final class OkHttp4Hook implements Hook {
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.okhttp.OkHttp4Adapter",
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
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.OKHTTP4_REAL_CALL))
        .transform(
            injector.advising(ADAPTERS)
                .advice(
                    ChainAdvice.class,
                    named("getResponseWithInterceptorChain$okhttp").and(takesArguments(0)))
                .advice(EnqueueAdvice.class, named("enqueue")));
  }

  /** Around the whole interceptor chain: the request before it leaves, the response after. */
  public static final class ChainAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(@Advice.This Object call) {
      return OkHttp4Adapter.onRequest(call);
    }

    // Only JDK types in advice signatures: Byte Buddy reads them from the agent's class loader,
    // which sees OkHttp only when both happen to be on the class path (not in a child loader).
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) handle;
      } else if (handle != null) {
        response = OkHttp4Adapter.onResponse(handle, response, thrown);
      }
    }
  }

  /** Remembers the application frame of an asynchronous call before it changes threads. */
  public static final class EnqueueAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object call) {
      OkHttp4Adapter.onEnqueue(call);
    }
  }
}
