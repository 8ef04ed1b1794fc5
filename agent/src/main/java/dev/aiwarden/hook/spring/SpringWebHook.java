package dev.aiwarden.hook.spring;

import static dev.aiwarden.hook.InlineAdvice.THIS;
import static dev.aiwarden.hook.InlineAdvice.field;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

/**
 * Spring's HTTP client abstraction (spring-web 6.1 to 6.2; 6.2.18 tracked), over another hooked
 * client. It records nothing itself: the inner client's hook makes the one span and applies the
 * policy. It only hands that hook the request body, which Spring gives the inner client as a
 * one-shot stream the inner hook must not read: {@code
 * AbstractStreamingClientHttpRequest.executeInternal(HttpHeaders)} ({@code RestClient}/{@code
 * RestTemplate} on the JDK, Apache HC5, Reactor or Jetty request factory; the body is still in
 * memory or repeatable there) and the reactive {@code JdkClientHttpRequest.writeWith} ({@code
 * WebClient} on its JDK connector). See {@link SpringWebAdapter}.
 */
public final class SpringWebHook implements Hook {
  private static final String ADAPTER = "dev.aiwarden.hook.spring.SpringWebAdapter";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          ADAPTER,
          "dev.aiwarden.hook.spring.SpringWebAdapter$Bounded",
          "dev.aiwarden.hook.spring.SpringWebAdapter$Reactive");

  @Override
  public String name() {
    return "spring-web";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.SPRING_STREAMING_REQUEST)
        .adapters(injector, ADAPTERS)
        .advice(
            // Around the blocking execution: offer the body, withdraw the offer afterwards.
            InlineAdvice.on("executeInternal", 1)
                .fields("body", "bodyStream")
                .enter(
                    ADAPTER,
                    "onExecute",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V",
                    THIS,
                    field(0),
                    field(1))
                .exit(ADAPTER, "afterExecute", "()V")
                .thrown(ADAPTER, "afterExecute", "()V"));
    builder
        .named(HookTargets.SPRING_REACTIVE_JDK_REQUEST)
        .adapters(injector, ADAPTERS)
        .advice(
            // The reactive request's body, before the JDK client is given it.
            InlineAdvice.on("writeWith", 1)
                .enter(ADAPTER, "onWriteWith", "(Ljava/lang/Object;Ljava/lang/Object;)V", THIS, 0));
  }
}
