package dev.aiwarden.hook;

import java.util.List;

/**
 * One client library ai-warden watches. A hook adds its {@link InlineAdvice} to the classes it
 * names in {@link HookTargets} (the cheap name test every class load passes), for the {@link
 * InlineWeaver}. It also lists its adapter
 * classes: code compiled against the library that turns the library's request and response into
 * ai-warden's neutral exchange. Adapters are injected into the class loader that loaded the
 * library, and talk to the core only through {@link dev.aiwarden.bootstrap.Warden}.
 */
public interface Hook {

  /** Short name for logs, e.g. {@code okhttp-4}. */
  String name();

  /** Binary names of the adapter classes to inject next to the library. */
  List<String> adapterClasses();

  /** Adds this hook's classes and advice. */
  void inline(InlineWeaver.Builder builder, AdapterInjector injector);
}
