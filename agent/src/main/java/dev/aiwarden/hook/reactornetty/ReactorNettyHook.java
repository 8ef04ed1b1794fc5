package dev.aiwarden.hook.reactornetty;

import static net.bytebuddy.matcher.ElementMatchers.named;
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

/**
 * Reactor Netty's HTTP client (1.0.x; 1.0.48 tracked): what Spring's {@code WebClient} uses by
 * default, and azure-core's default client. Hooks {@code HttpClientOperations}, one instance per
 * request attempt: {@code newFullBodyMessage} (the request, body included, about to be written),
 * {@code send(Publisher)} (a streamed body), {@code onInboundNext} (the response as it arrives),
 * {@code onInboundClose}/{@code onInboundCancel}/{@code onOutboundError} and {@code
 * ChannelOperations.onInboundError} (early ends). When azure-core (or another outer hook) already
 * has the call, its subscription carries {@code Warden.HANDLED_CONTEXT_KEY} and this hook stays out.
 */
public final class ReactorNettyHook implements Hook {
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream",
          "dev.aiwarden.hook.reactornetty.ReactorNettyAdapter",
          "dev.aiwarden.hook.reactornetty.ReactorNettyAdapter$Exchange");

  @Override
  public String name() {
    return "reactor-netty";
  }

  @Override
  public List<String> adapterClasses() {
    return ADAPTERS;
  }

  @Override
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.REACTOR_NETTY_CLIENT_OPERATIONS))
        .transform(
            injector.advising(ADAPTERS)
                .advice(FullBodyAdvice.class, named("newFullBodyMessage").and(takesArguments(1)))
                .advice(
                    SendAdvice.class,
                    named("send")
                        .and(takesArguments(1))
                        .and(takesArgument(0, named("org.reactivestreams.Publisher"))))
                .advice(InboundAdvice.class, named("onInboundNext").and(takesArguments(2)))
                .advice(
                    EndAdvice.class,
                    named("onInboundClose")
                        .or(named("onInboundCancel"))
                        .and(takesArguments(0)))
                .advice(ErrorAdvice.class, named("onOutboundError").and(takesArguments(1))))
        .type(named(HookTargets.REACTOR_NETTY_CHANNEL_OPERATIONS))
        .transform(
            injector.advising(ADAPTERS)
                .advice(ErrorAdvice.class, named("onInboundError").and(takesArguments(1))));
  }

  /** The request, body included, about to become one message: the policy decides here. */
  public static final class FullBodyAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(@Advice.This Object ops, @Advice.Argument(0) Object body) {
      return ReactorNettyAdapter.onFullBody(ops, body);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object denied, @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (denied instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) denied;
      }
    }
  }

  /** A streamed request body: the call starts without it. */
  public static final class SendAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = PolicyDeniedException.class)
    public static Object enter(@Advice.This Object ops, @Advice.Argument(0) Object source) {
      return ReactorNettyAdapter.onStreamedSend(ops, source);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(
        @Advice.Enter Object denied, @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (denied instanceof PolicyDeniedException) {
        thrown = (PolicyDeniedException) denied;
      }
    }
  }

  /** Each inbound message, seen before Reactor Netty hands it on (and may release it). */
  public static final class InboundAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object ops, @Advice.Argument(1) Object msg) {
      ReactorNettyAdapter.onInbound(ops, msg);
    }
  }

  /** The inbound side closed or was cancelled before the last chunk. */
  public static final class EndAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object ops) {
      ReactorNettyAdapter.onEnd(ops, null);
    }
  }

  /** The exchange failed. */
  public static final class ErrorAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object ops, @Advice.Argument(0) Throwable error) {
      ReactorNettyAdapter.onEnd(ops, error);
    }
  }
}
