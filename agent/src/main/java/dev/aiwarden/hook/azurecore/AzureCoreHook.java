package dev.aiwarden.hook.azurecore;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
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
 * azure-core's HTTP layer (1.55 tracked; what {@code azure-ai-openai} and every Azure SDK use).
 * Hooks {@code send(HttpRequest, Context)} and {@code sendSync(HttpRequest, Context)} of the
 * {@code com.azure.core.http.HttpClient} implementations shipped under {@code com.azure.core}
 * (Netty by default, OkHttp, the JDK client). azure-core is the outermost hook: while it handles
 * an AI call it marks the thread ({@code Warden.enterHandled}), so the OkHttp (and java.net.http)
 * hooks underneath leave that call to it: one AI call, one span. This is below the retry and
 * credential policies: the request carries its key, and each attempt is one exchange.
 *
 * <p>Also teaches {@code RetryPolicy} never to retry a policy denial (it retries every other
 * exception, which would turn one blocked call into several seconds of back-off).
 */
public final class AzureCoreHook implements Hook {
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter",
          "dev.aiwarden.hook.azurecore.AzureCoreAdapter$HandledMono",
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
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(
            // Names first: the super type walk reads every super type's class file, and must not
            // run for the other hooks' classes (or RetryPolicy).
            nameStartsWith(HookTargets.AZURE_CORE_PREFIX.replace('/', '.'))
                .and(nameEndsWith("HttpClient"))
                .and(not(isInterface()))
                .and(not(isAbstract()))
                .and(hasSuperType(named("com.azure.core.http.HttpClient"))))
        .transform(
            injector.advising(ADAPTERS)
                .advice(
                    SendAdvice.class,
                    named("send")
                        .and(takesArguments(2))
                        .and(takesArgument(0, named("com.azure.core.http.HttpRequest"))))
                .advice(
                    SendSyncAdvice.class,
                    named("sendSync")
                        .and(takesArguments(2))
                        .and(takesArgument(0, named("com.azure.core.http.HttpRequest")))))
        .type(named(HookTargets.AZURE_CORE_RETRY_POLICY))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(
                    Weaver.advice(NoRetryOfDenialAdvice.class)
                        .on(named("shouldRetryException").and(takesArguments(4)))));
  }

  /** Wraps the response {@code Mono}: the call starts on subscription, ends with the body. */
  public static final class SendAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.Argument(0) Object request,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object mono) {
      mono = AzureCoreAdapter.wrapSend(request, mono);
    }
  }

  /**
   * {@code sendSync(HttpRequest, Context)}, where a client declares its own (OkHttp and JDK
   * clients call their library's blocking API; Netty's calls {@code send(...).block()}, which
   * then sees the thread marked and leaves the call to this advice). A denial is thrown as the
   * {@code UncheckedIOException} the adapter made; the client never runs.
   */
  public static final class SendSyncAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = RuntimeException.class)
    public static Object enter(@Advice.Argument(0) Object request) {
      return AzureCoreAdapter.onSendSync(request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof RuntimeException) {
        thrown = (RuntimeException) handle;
      } else if (handle != null) {
        response = AzureCoreAdapter.onSyncResponse(handle, response, thrown);
      }
    }
  }

  /** {@code RetryPolicy.shouldRetryException(strategy, throwable, tryCount, suppressed)}. */
  public static final class NoRetryOfDenialAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.Argument(1) Throwable throwable, @Advice.Return(readOnly = false) boolean retry) {
      if (PolicyDeniedException.isDenial(throwable)) {
        retry = false;
      }
    }
  }
}
