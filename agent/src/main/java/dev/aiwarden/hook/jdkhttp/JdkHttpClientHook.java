package dev.aiwarden.hook.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
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
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.jdkhttp.JdkHttpClientAdapter",
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
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.JDK_HTTP_CLIENT_IMPL))
        .transform(
            (b, type, loader, module, domain) ->
                injector.inject(loader, domain, ADAPTERS)
                        && injector.readAdapters("java.net.http", loader)
                    ? b.visit(
                            Weaver.advice(SendAsyncAdvice.class)
                                .on(named("sendAsync").and(isPrivate()).and(takesArguments(4))))
                        .visit(
                            Weaver.advice(SendAdvice.class)
                                .on(named("send").and(isPublic()).and(takesArguments(2))))
                    : b);
  }

  /** Where every request starts, on the caller's thread. */
  public static final class SendAsyncAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(
        @Advice.Argument(0) Object request,
        @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object handler) {
      Object handle = JdkHttpClientAdapter.onRequest(request);
      handler = JdkHttpClientAdapter.wrapHandler(handle, handler);
      return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future,
        @Advice.Thrown Throwable thrown) {
      if (handle instanceof PolicyDeniedException) {
        future = JdkHttpClientAdapter.deniedFuture(handle);
      } else if (handle != null) {
        JdkHttpClientAdapter.onSent(handle, future, thrown);
      }
    }
  }

  /** {@code send} rethrows a denial wrapped in a new {@code IOException}: unwrap it. */
  public static final class SendAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
      if (thrown != null) {
        thrown = JdkHttpClientAdapter.unwrapDenial(thrown);
      }
    }
  }
}
