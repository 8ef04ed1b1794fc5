package dev.aiwarden;

import dev.aiwarden.bootstrap.SecretReads;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.TestFaults;
import dev.aiwarden.core.WardenCore;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.HookInstaller;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.LazyTransformer;
import dev.aiwarden.hook.jdkio.FileOpenTransformer;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.provenance.KeySources;
import dev.aiwarden.provenance.KeyVaultOrigins;
import dev.aiwarden.provenance.LiteralKeys;
import dev.aiwarden.policy.PolicyStore;
import dev.aiwarden.telemetry.AgentLog;
import dev.aiwarden.telemetry.Telemetry;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.audit.AuditLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What the agent does at start-up, once the bootstrap classes are defined (this class refers to
 * them, so it must not even be loaded before: see {@link AiWardenAgent}).
 */
final class Startup {
  private Startup() {}

  static void run(String args, Instrumentation inst, boolean attachedLate) throws Exception {
    AgentConfig config = AgentConfig.fromJvm(args);
    Telemetry.configure(config);

    // No policy file: record everything, block nothing. A file given but missing or invalid:
    // PolicyStore logs why and denies every AI call (policy.invalid) until it is fixed.
    String auditFile = config.get(AgentConfig.AUDIT_FILE);
    AuditLog audit = auditFile == null ? null : AuditLog.open(Paths.get(auditFile));
    boolean auditRequired = "true".equalsIgnoreCase(config.get(AgentConfig.AUDIT_REQUIRED, "false"));
    String policyFile = config.get(AgentConfig.POLICY);
    PolicyEngine policy =
        policyFile == null
            ? MonitorOnlyPolicy.INSTANCE
            : PolicyStore.open(Paths.get(policyFile), audit, auditRequired);
    if (auditRequired) {
      requireAudit(audit, policyFile);
    }
    String fault = TestFaults.configure(config.get(AgentConfig.TEST_FAIL));
    if (fault != null) {
      AgentLog.get(Startup.class).warn("test hook test.fail=" + fault + " is set: ai-warden throws"
          + " on purpose in every AI call's " + fault + " stage (never set it in production)");
    }
    Warden.install(new WardenCore(new FixedPolicy(policy), new Calls(), audit));
    Warden.seal();

    // Load the name filter before the transformer exists: it must not see its own class load.
    HookTargets.wanted("");
    LiteralKeys.warmUp();
    KeySources.rememberStartupProperties();
    SecretReads.install(new KeyVaultListener()); // keyvault:VAULT/SECRET key sources
    if (!"false".equalsIgnoreCase(config.get(AgentConfig.PROVENANCE_FILES, "true").trim())) {
      FileOpenTransformer.install(inst); // file:PATH key sources
    }
    inst.addTransformer(new LazyTransformer(new HookBuilder(inst), new WarmUp()), true);
    if (attachedLate) {
      retransformAlreadyLoaded(inst);
    }
  }

  /**
   * {@code audit.required=true}: waits (at most 2 s) for the policy load's audit record, so that a
   * file that cannot be written is known before the first AI call; warns when the setting cannot
   * act.
   */
  private static void requireAudit(AuditLog audit, String policyFile) {
    if (audit == null || policyFile == null) {
      AgentLog.get(Startup.class).warn("audit.required=true has no effect without both "
          + AgentConfig.AUDIT_FILE + " and " + AgentConfig.POLICY);
      return;
    }
    audit.flush(2_000);
  }

  // Small named classes rather than lambdas: the first lambda of a JVM costs milliseconds of
  // start-up (java.lang.invoke bootstrap), which an application without lambdas never pays.

  private static final class FixedPolicy implements Supplier<PolicyEngine> {
    private final PolicyEngine policy;

    FixedPolicy(PolicyEngine policy) {
      this.policy = policy;
    }

    @Override
    public PolicyEngine get() {
      return policy;
    }
  }

  private static final class Calls implements Supplier<CallTelemetry> {
    @Override
    public CallTelemetry get() {
      return Telemetry.calls();
    }
  }

  private static final class KeyVaultListener implements BiConsumer<Object, String> {
    @Override
    public void accept(Object secret, String value) {
      KeyVaultOrigins.onSecretRead(secret, value);
    }
  }

  private static final class WarmUp implements Runnable {
    @Override
    public void run() {
      Telemetry.warmUp();
    }
  }

  /** Builds the Byte Buddy transformer when the first hooked class loads. */
  private static final class HookBuilder implements Supplier<ClassFileTransformer> {
    private final Instrumentation inst;

    HookBuilder(Instrumentation inst) {
      this.inst = inst;
    }

    @Override
    public ClassFileTransformer get() {
      try {
        return HookInstaller.build(new AdapterInjector(inst));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot inject adapters", e);
      }
    }
  }

  /** Attached to a running JVM: hook the client classes that are already loaded. */
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
