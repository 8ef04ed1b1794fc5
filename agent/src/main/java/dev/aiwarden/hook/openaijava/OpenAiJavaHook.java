package dev.aiwarden.hook.openaijava;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.THIS;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * openai-java (4.x; 4.101 and 4.49 tracked): {@code com.openai.core.http.RetryingHttpClient
 * .execute(HttpRequest, RequestOptions)}, the SDK's outermost HTTP client on a synchronous call.
 * It records nothing (the OkHttp hook underneath records the call, one span per attempt as
 * before): it only finds an AI call's caller there, 12 frames nearer to the application than
 * OkHttp's hook, and keeps it on the thread for that hook ({@link OpenAiJavaAdapter}). Where the
 * method is missing or has other argument types (another major version) nothing is woven; the
 * asynchronous {@code executeAsync} is left alone (OkHttp's {@code enqueue} finds its caller).
 */
public final class OpenAiJavaHook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.openaijava.OpenAiJavaAdapter";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          ADAPTER,
          "dev.aiwarden.hook.openaijava.OpenAiJavaAdapter$Target",
          "dev.aiwarden.hook.openaijava.OpenAiJavaAdapter$Known");

  @Override
  public String name() {
    return "openai-java";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.OPENAI_JAVA_RETRYING_CLIENT)
        .adapters(injector, ADAPTERS)
        .advice(
            InlineAdvice.on("execute", 2, "com.openai.core.http.HttpRequest", "com.openai.core.RequestOptions")
                .enter(ADAPTER, "enterExecute", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", THIS, 0)
                .exit(ADAPTER, "exitExecute", "(Ljava/lang/Object;)V", ENTER)
                .thrown(ADAPTER, "exitExecute", "(Ljava/lang/Object;)V", ENTER));
  }
}
