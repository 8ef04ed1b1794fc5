package dev.aiwarden.hook;

import java.lang.instrument.ClassFileTransformer;
import java.util.function.Supplier;

/** Builds the transformer with every hook's advice. */
public final class HookInstaller {
  private HookInstaller() {}

  /**
   * The raw transformer: the {@link LazyTransformer} calls it for the classes it lets through.
   * Built (and warmed up) ahead of need on the daemon thread of the {@link LazyTransformer}. The
   * hooks' inline advice is woven with ASM alone; Byte Buddy is loaded only when a class of a hook
   * still written as Byte Buddy advice loads.
   */
  public static ClassFileTransformer build(AdapterInjector injector) {
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    for (Hook hook : Hooks.all()) {
      hook.inline(builder, injector);
    }
    InlineWeaver weaver = builder.build(new ByteBuddyHooks(injector));
    InlineWeaver.warmUp();
    return weaver;
  }

  /** The Byte Buddy {@link Weaver} of the hooks not converted to inline advice. */
  private static final class ByteBuddyHooks implements Supplier<ClassFileTransformer> {
    private final AdapterInjector injector;

    ByteBuddyHooks(AdapterInjector injector) {
      this.injector = injector;
    }

    @Override
    public ClassFileTransformer get() {
      Weaver.Builder builder = new Weaver.Builder();
      for (Hook hook : Hooks.all()) {
        builder = hook.extend(builder, injector);
      }
      return builder.build();
    }
  }
}
