package dev.aiwarden;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.WardenCore;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.HookInstaller;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.LazyTransformer;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.policy.PolicyStore;
import dev.aiwarden.telemetry.AgentLog;
import dev.aiwarden.telemetry.Telemetry;
import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent does at start-up, once the bootstrap classes are defined (this class refers to
 * them, so it must not even be loaded before: see {@link AiWardenAgent}).
 */
final class Startup {
  private Startup() {}

  static void run(String args, Instrumentation inst) throws Exception {
    AgentConfig config = AgentConfig.fromJvm(args);
    Telemetry.configure(config);

    // No policy file: record everything, block nothing. A file given but missing or invalid:
    // PolicyStore logs why and denies every AI call (policy.invalid) until it is fixed.
    String policyFile = config.get(AgentConfig.POLICY);
    PolicyEngine policy =
        policyFile == null ? MonitorOnlyPolicy.INSTANCE : PolicyStore.open(Paths.get(policyFile));
    Warden.install(new WardenCore(() -> policy, Telemetry::calls));

    AdapterInjector injector = new AdapterInjector(inst);
    // Load the name filter before the transformer exists: it must not see its own class load.
    HookTargets.wanted("");
    inst.addTransformer(
        new LazyTransformer(() -> HookInstaller.build(injector), Telemetry::warmUp), true);
    retransformAlreadyLoaded(inst);
  }

  /** When attached to a running JVM, hook the client classes that are already loaded. */
  private static void retransformAlreadyLoaded(Instrumentation inst) {
    List<Class<?>> targets = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (HookTargets.wanted(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        targets.add(c);
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    try {
      inst.retransformClasses(targets.toArray(new Class<?>[0]));
    } catch (Throwable t) {
      AgentLog.errorOnce("retransform", "ai-warden could not hook already loaded classes", t);
    }
  }
}
