package dev.aiwarden.hook.spring;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

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
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.spring.SpringWebAdapter",
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
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.SPRING_STREAMING_REQUEST))
        .transform(
            injector.advising(ADAPTERS)
                .advice(ExecuteAdvice.class, named("executeInternal").and(takesArguments(1))))
        .type(named(HookTargets.SPRING_REACTIVE_JDK_REQUEST))
        .transform(
            injector.advising(ADAPTERS)
                .advice(WriteWithAdvice.class, named("writeWith").and(takesArguments(1))));
  }

  /** Around the blocking execution: offer the body, withdraw the offer afterwards. */
  public static final class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object request,
        @Advice.FieldValue(value = "body", typing = Assigner.Typing.DYNAMIC) Object body,
        @Advice.FieldValue(value = "bodyStream", typing = Assigner.Typing.DYNAMIC)
            Object bodyStream) {
      SpringWebAdapter.onExecute(request, body, bodyStream);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit() {
      SpringWebAdapter.afterExecute();
    }
  }

  /** The reactive request's body, before the JDK client is given it. */
  public static final class WriteWithAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object request, @Advice.Argument(0) Object body) {
      SpringWebAdapter.onWriteWith(request, body);
    }
  }
}
