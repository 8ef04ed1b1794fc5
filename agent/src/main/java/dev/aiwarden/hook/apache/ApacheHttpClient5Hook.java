package dev.aiwarden.hook.apache;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

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
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(namedOneOf(HookTargets.APACHE5_CLASSIC_CLIENTS))
        .transform(
            injector.advising(ADAPTERS)
                .advice(ClassicAdvice.class, named("doExecute").and(takesArguments(3))))
        .type(named(HookTargets.APACHE5_ASYNC_CLIENT))
        .transform(
            injector.advising(ADAPTERS)
                .advice(
                    AsyncAdvice.class,
                    named("execute")
                        .and(takesArguments(3))
                        .and(
                            takesArgument(
                                0,
                                named(
                                    "org.apache.hc.client5.http.async.methods.SimpleHttpRequest"))))
                .advice(
                    ProducerAdvice.class,
                    named("execute")
                        .and(
                            takesArguments(5)
                                .and(takesArgument(0, named(ASYNC_REQUEST_PRODUCER)))
                                .or(
                                    takesArguments(6)
                                        .and(takesArgument(1, named(ASYNC_REQUEST_PRODUCER)))))));
  }

  /** Around {@code doExecute}: the request before it leaves, the response after. */
  public static final class ClassicAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(@Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
      return ApacheHttpClient5Adapter.onRequest(target, request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return Object response,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) handle;
      } else if (handle != null) {
        ApacheHttpClient5Adapter.onResponse(handle, response, thrown);
      }
    }
  }

  /** Swaps in an observing callback; a denied call returns a failed future, no I/O. */
  public static final class AsyncAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Future.class)
    public static Object enter(
        @Advice.Argument(0) Object request,
        @Advice.Argument(value = 2, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object callback) {
      Object r = ApacheAsyncClient5Adapter.onExecute(request, callback);
      if (r instanceof ApacheAsyncClient5Adapter.ObservingCallback) {
        callback = r;
        dev.aiwarden.bootstrap.Warden.enterHandled(); // the general execute below stays out
      }
      return r;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object entered,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future,
        @Advice.Thrown Throwable thrown) {
      if (entered instanceof Future) {
        future = entered;
      } else if (entered instanceof ApacheAsyncClient5Adapter.ObservingCallback) {
        dev.aiwarden.bootstrap.Warden.exitHandled();
        if (thrown != null) {
          // execute threw (a client not started): the callback will never be told; end the call.
          ((ApacheAsyncClient5Adapter.ObservingCallback) entered).abandon(thrown);
        }
      }
    }
  }

  /**
   * {@code execute([target,] producer, consumer, pushHandlerFactory, context, callback)}: both
   * forms, told apart by their argument count.
   */
  public static final class ProducerAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Future.class)
    public static Object enter(
        @Advice.AllArguments(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object[] args) {
      Object r = ApacheAsyncProducer5Adapter.onExecute(args);
      if (r instanceof ApacheAsyncProducer5Adapter.ObservingConsumer) {
        args = ApacheAsyncProducer5Adapter.withConsumer(args, r);
      }
      return r;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object entered,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future,
        @Advice.Thrown Throwable thrown) {
      if (entered instanceof Future) {
        future = entered;
      } else if (thrown != null) {
        ApacheAsyncProducer5Adapter.abandon(entered, thrown);
      }
    }
  }
}
