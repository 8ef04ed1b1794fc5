package dev.aiwarden.hook.reactornetty;

import static dev.aiwarden.hook.InlineAdvice.THIS;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Arrays;
import java.util.List;

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
  private static final String ADAPTER = "dev.aiwarden.hook.reactornetty.ReactorNettyAdapter";
  private static final String TWO_OBJECTS = "(Ljava/lang/Object;Ljava/lang/Object;)V";
  private static final String ON_END = "(Ljava/lang/Object;Ljava/lang/Throwable;)V";
  private static final List<String> ADAPTERS =
      Arrays.asList(
          "dev.aiwarden.hook.ObservedBody",
          "dev.aiwarden.hook.TapInputStream",
          ADAPTER,
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
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.REACTOR_NETTY_CLIENT_OPERATIONS)
        .adapters(injector, ADAPTERS)
        .advice(
            // The request, body included, about to become one message: the policy decides here.
            InlineAdvice.on("newFullBodyMessage", 1)
                .enter(ADAPTER, "enterFullBody", TWO_OBJECTS, THIS, 0),
            // A streamed request body: the call starts without it.
            InlineAdvice.on("send", 1, "org.reactivestreams.Publisher")
                .enter(ADAPTER, "enterStreamedSend", TWO_OBJECTS, THIS, 0),
            // Each inbound message, seen before Reactor Netty hands it on (and may release it).
            InlineAdvice.on("onInboundNext", 2).enter(ADAPTER, "onInbound", TWO_OBJECTS, THIS, 1),
            // The inbound side closed or was cancelled before the last chunk.
            InlineAdvice.on("onInboundClose", 0)
                .enter(ADAPTER, "onClosed", "(Ljava/lang/Object;)V", THIS),
            InlineAdvice.on("onInboundCancel", 0)
                .enter(ADAPTER, "onClosed", "(Ljava/lang/Object;)V", THIS),
            // The exchange failed.
            InlineAdvice.on("onOutboundError", 1).enter(ADAPTER, "onEnd", ON_END, THIS, 0));
    builder
        .named(HookTargets.REACTOR_NETTY_CHANNEL_OPERATIONS)
        .adapters(injector, ADAPTERS)
        .advice(InlineAdvice.on("onInboundError", 1).enter(ADAPTER, "onEnd", ON_END, THIS, 0));
  }
}
