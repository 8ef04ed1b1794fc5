package dev.aiwarden.hook;

import java.lang.instrument.ClassFileTransformer;

/** Builds the transformer with every hook's advice. */
public final class HookInstaller {
  private HookInstaller() {}

  /**
   * The raw transformer: the {@link LazyTransformer} calls it for the classes it lets through.
   * Built (and warmed up) ahead of need on the daemon thread of the {@link LazyTransformer}.
   */
  public static ClassFileTransformer build(AdapterInjector injector) {
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    for (Hook hook : Hooks.all()) {
      hook.inline(builder, injector);
    }
    InlineWeaver weaver = builder.build();
    InlineWeaver.warmUp();
    return weaver;
  }
}
