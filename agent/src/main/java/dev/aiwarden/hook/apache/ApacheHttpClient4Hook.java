package dev.aiwarden.hook.apache;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Apache HttpClient 4.x classic (4.3 to 4.5; 4.5.14 tracked). Hooks {@code doExecute(HttpHost,
 * HttpRequest, HttpContext)} of {@code InternalHttpClient}, {@code MinimalHttpClient} and the
 * deprecated {@code AbstractHttpClient} ({@code DefaultHttpClient}): every {@code execute}
 * overload ends there, once per call, around retries and redirects.
 */
public final class ApacheHttpClient4Hook implements Hook {
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream",
          "dev.aiwarden.hook.apache.ApacheHttpClient4Adapter",
          "dev.aiwarden.hook.apache.ApacheHttpClient4Adapter$ObservedEntity");

  @Override
  public String name() {
    return "apache-httpclient-4";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(namedOneOf(HookTargets.APACHE4_CLIENTS))
        .transform(
            injector.advising(ADAPTERS)
                .advice(ExecuteAdvice.class, named("doExecute").and(takesArguments(3))));
  }

  /** Around {@code doExecute}: the request before it leaves, the response after. */
  public static final class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(@Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
      return ApacheHttpClient4Adapter.onRequest(target, request);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return Object response,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (handle instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) handle;
      } else if (handle != null) {
        ApacheHttpClient4Adapter.onResponse(handle, response, thrown);
      }
    }
  }
}
