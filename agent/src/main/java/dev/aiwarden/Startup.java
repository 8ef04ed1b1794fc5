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
import dev.aiwarden.telemetry.ErrEncoding;
import dev.aiwarden.telemetry.audit.AuditLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What the agent does at start-up, once the bootstrap classes are defined (this class refers to
 * them, so it must not even be loaded before: see {@link AiWardenAgent}).
 */
final class Startup {
  private Startup() {}

  static void run(String args, Instrumentation inst, boolean attachedLate) throws Exception {
    long t0 = System.nanoTime();
    if (!attachedLate) {
      ErrEncoding.atStartup(); // System.err as the JVM set it up: see the log writer
    }
    AgentConfig config = AgentConfig.fromJvm(args);
    Telemetry.configure(config);
    steps = "debug".equals(AgentLog.level()) ? new StringBuilder() : null;
    mark("config", t0);

    // No policy file: record everything, block nothing. A file given but missing or invalid:
    // PolicyStore logs why and denies every AI call (policy.invalid) until it is fixed.
    String auditFile = config.get(AgentConfig.AUDIT_FILE);
    AuditLog audit = auditFile == null ? null : AuditLog.open(Paths.get(auditFile));
    boolean auditRequired = "true".equalsIgnoreCase(config.get(AgentConfig.AUDIT_REQUIRED, "false"));
    String policyFile = config.get(AgentConfig.POLICY);
    Supplier<PolicyEngine> policy =
        policyFile == null
            ? new FixedPolicy(MonitorOnlyPolicy.INSTANCE)
            : PolicyLoad.start(Paths.get(policyFile), audit, auditRequired);
    if (auditRequired && (audit == null || policyFile == null)) {
      AgentLog.get(Startup.class).warn("audit.required=true has no effect without both "
          + AgentConfig.AUDIT_FILE + " and " + AgentConfig.POLICY);
    }
    String fault = TestFaults.configure(config.get(AgentConfig.TEST_FAIL));
    if (fault != null) {
      AgentLog.get(Startup.class).warn("test hook test.fail=" + fault + " is set: ai-warden throws"
          + " on purpose in every AI call's " + fault + " stage (never set it in production)");
    }
    Warden.install(new WardenCore(policy, new Calls(), audit));
    Warden.seal();
    mark("policy", t0);

    // Load the name filter before the transformer exists: it must not see its own class load.
    HookTargets.wanted("");
    LiteralKeys.warmUp();
    mark("literals", t0);
    KeySources.rememberStartupProperties();
    SecretReads.install(new KeyVaultListener()); // keyvault:VAULT/SECRET key sources
    mark("sources", t0);
    if (!"false".equalsIgnoreCase(config.get(AgentConfig.PROVENANCE_FILES, "true").trim())) {
      FileOpenTransformer.install(inst); // file:PATH key sources
    }
    mark("files", t0);
    inst.addTransformer(new LazyTransformer(new HookBuilder(inst), new WarmUp()), true);
    if (attachedLate) {
      retransformAlreadyLoaded(inst);
    }
    mark("done", t0);
  }

  /**
   * log.level=debug: the time since premain began at the end of each start-up step, logged in one
   * line at the end (logging's own start would otherwise be counted in the first step).
   */
  private static StringBuilder steps;

  private static void mark(String step, long t0) {
    if (steps != null) {
      long micros = (System.nanoTime() - t0) / 1000;
      steps.append(steps.length() == 0 ? "" : ", ").append(step).append(' ').append(micros);
      if ("done".equals(step)) {
        AgentLog.get(Startup.class).debug("start-up steps (us since premain began): {}", steps);
        steps = null;
      }
    }
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

  /**
   * The policy file, read and compiled on a thread of its own (YAML and pattern compilation cost
   * tens of milliseconds, which premain would add to the application's start). The first AI call
   * waits for it, or loads it itself if the thread has not started: no call is ever decided
   * without the policy. Not a daemon thread, so that a refused file is reported even by an
   * application that ends at once.
   */
  private static final class PolicyLoad implements Supplier<PolicyEngine>, Callable<PolicyEngine> {
    private final Path file;
    private final AuditLog audit;
    private final boolean auditRequired;
    private final FutureTask<PolicyEngine> task = new FutureTask<>(this);
    private volatile PolicyEngine ready;

    private PolicyLoad(Path file, AuditLog audit, boolean auditRequired) {
      this.file = file;
      this.audit = audit;
      this.auditRequired = auditRequired;
    }

    static PolicyLoad start(Path file, AuditLog audit, boolean auditRequired) {
      PolicyLoad load = new PolicyLoad(file, audit, auditRequired);
      try {
        Thread thread = new Thread(load.task, "ai-warden-policy-init");
        thread.start();
      } catch (Throwable cannotStart) {
        load.task.run();
      }
      return load;
    }

    @Override
    public PolicyEngine call() {
      PolicyStore store = PolicyStore.open(file, audit, auditRequired);
      if (auditRequired && audit != null) {
        // audit.required=true: wait (at most 2 s) for the load's audit record, so that an audit
        // file that cannot be written is known before the first AI call (which waits for this).
        audit.flush(2_000);
      }
      return store;
    }

    @Override
    public PolicyEngine get() {
      PolicyEngine p = ready;
      return p != null ? p : await();
    }

    private PolicyEngine await() {
      task.run(); // no-op once started
      boolean interrupted = false;
      try {
        while (true) {
          try {
            PolicyEngine p = task.get();
            ready = p;
            return p;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } catch (ExecutionException e) {
        // A bug, not a bad file (PolicyStore reports those and denies): fail open, as premain would.
        AgentLog.errorOnce("policy-load", "ai-warden could not load its policy", e.getCause());
        ready = MonitorOnlyPolicy.INSTANCE;
        return MonitorOnlyPolicy.INSTANCE;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
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

  /** Builds the hook weaver (InlineWeaver) when the first hooked class loads. */
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
