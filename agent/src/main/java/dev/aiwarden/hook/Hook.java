package dev.aiwarden.hook;

import java.util.List;

/**
 * One client library ai-warden watches. A hook adds its advice to the classes it names in {@link
 * HookTargets} (the cheap name test every class load passes): as {@link InlineAdvice} for the
 * {@link InlineWeaver} (plain ASM), or, for a hook not converted yet, as Byte Buddy advice for the
 * {@link Weaver} (built only when such a hook's class loads). It also lists its adapter
 * classes: code compiled against the library that turns the library's request and response into
 * ai-warden's neutral exchange. Adapters are injected into the class loader that loaded the
 * library, and talk to the core only through {@link dev.aiwarden.bootstrap.Warden}.
 */
public interface Hook {

  /** Short name for logs, e.g. {@code okhttp-4}. */
  String name();

  /** Binary names of the adapter classes to inject next to the library. */
  List<String> adapterClasses();

  /** Adds this hook's inline advice (the classes it claims never reach Byte Buddy). */
  default void inline(InlineWeaver.Builder builder, AdapterInjector injector) {}

  /** Adds this hook's Byte Buddy type matcher and advice (hooks not converted to inline advice). */
  default Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder;
  }
}
