package dev.aiwarden.hook.apache;

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
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.APACHE4_CLIENTS)
        .adapters(injector, ADAPTERS)
        .advice(doExecute("dev.aiwarden.hook.apache.ApacheHttpClient4Adapter"));
  }

  /**
   * Around {@code doExecute(target, request, context)} of a classic client (4.x and 5.x): the
   * request before it leaves (a denial is thrown there), the response or failure after.
   */
  static InlineAdvice doExecute(String adapter) {
    return InlineAdvice.on("doExecute", 3)
        .enter(
            adapter,
            "enterRequest",
            "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            0,
            1)
        .exit(adapter, "exitResponse", "(Ljava/lang/Object;Ljava/lang/Object;)V", ENTER, RETURN)
        .thrown(
            adapter,
            "responseThrown",
            "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;",
            ENTER,
            THROWN);
  }
}
