package dev.aiwarden.hook.okhttp;

import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineWeaver;
import java.util.List;

/**
 * OkHttp 3.x (3.14.9 tracked). The same call flow as 4.x, under other names: {@code
 * okhttp3.RealCall} (4.x moved it to {@code okhttp3.internal.connection}) and a plain {@code
 * getResponseWithInterceptorChain()} (4.x's Kotlin name ends in {@code $okhttp}). The request and
 * response API the adapter uses is the same in both, so the 4.x advice and adapter serve here.
 * Only one OkHttp can live in a class loader, so the two hooks never meet on one class.
 */
public final class OkHttp3Hook implements Hook {
  private final OkHttp4Hook shared = new OkHttp4Hook();

  @Override
  public String name() {
    return "okhttp-3";
  }

  @Override
  public List<String> adapterClasses() {
    return shared.adapterClasses();
  }

  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.OKHTTP3_REAL_CALL)
        .adapters(injector, shared.adapterClasses())
        .advice(OkHttp4Hook.chain("getResponseWithInterceptorChain"), OkHttp4Hook.enqueue());
  }
}
