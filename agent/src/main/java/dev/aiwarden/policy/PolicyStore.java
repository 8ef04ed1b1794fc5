package dev.aiwarden.policy;

import dev.aiwarden.core.AiCall;
import dev.aiwarden.core.TestFaults;
import dev.aiwarden.telemetry.AgentLog;
import dev.aiwarden.telemetry.audit.AuditChain;
import dev.aiwarden.telemetry.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The policy in force, read from the policy file and re-read when it changes.
 *
 * <ul>
 *   <li>At start-up a missing or invalid file is an error: the error is logged ({@code
 *       FILE:LINE:COLUMN: what is wrong}) and every AI call is denied with {@code policy.invalid}
 *       until the file is fixed.
 *   <li>A daemon thread re-reads the file every {@value #POLL_MILLIS} ms and compares its bytes with
 *       the last read (so an edit within the same file-time tick, or a replace by rename, is seen):
 *       a change is in force within a second.
 *   <li>A broken edit is logged and the last good policy stays in force; until the file is good
 *       again, every call's span carries an event {@code aiwarden.policy.reload_failed} with the
 *       error (see {@link Decision#policyError()}).
 *   <li>Limits and the content-filter breaker keep their counts across reloads.
 * </ul>
 */
public final class PolicyStore implements PolicyEngine {
  static final long POLL_MILLIS = 500;

  private final Path file;
  private final PolicyState state;
  private volatile Policy policy;
  private volatile String reloadError;
  private byte[] lastBytes; // guarded by this
  private volatile Thread watcher;
  private AuditLog audit; // set once by open(); null without audit.file
  private boolean auditRequired; // set once by open(): audit.required=true

  PolicyStore(Path file, LongSupplier nanoTime, Supplier<String> hostName) {
    this.file = file;
    this.state = new PolicyState(nanoTime, hostName);
  }

  /** Loads {@code file} (logging an error when it is unusable) and starts watching it. */
  public static PolicyStore open(Path file) {
    return open(file, null);
  }

  /** As {@link #open(Path)}, recording every load, reload and refused edit in the audit log. */
  public static PolicyStore open(Path file, AuditLog audit) {
    return open(file, audit, false);
  }

  /**
   * As {@link #open(Path, AuditLog)}; with {@code auditRequired} (the setting {@code
   * audit.required=true}) every AI call is denied with {@code audit.unavailable} (in monitor mode:
   * marked {@code would_deny}) while the audit file cannot be written.
   */
  public static PolicyStore open(Path file, AuditLog audit, boolean auditRequired) {
    // The host name keys.bind checks comes from settings as they were at start-up: application code
    // that later sets otel.resource.attributes cannot move this process to another host's binding.
    Properties startup = new Properties();
    String resourceAttributes = System.getProperty("otel.resource.attributes");
    if (resourceAttributes != null) {
      startup.setProperty("otel.resource.attributes", resourceAttributes);
    }
    Map<String, String> env = System.getenv();
    PolicyStore store = new PolicyStore(file, System::nanoTime, new StartupHostName(startup, env));
    store.audit = audit;
    store.auditRequired = auditRequired && audit != null;
    store.loadInitial();
    store.startWatching();
    return store;
  }

  /** {@link HostName#resolve(Properties, Map)} over the settings of start-up. */
  private static final class StartupHostName implements Supplier<String> {
    private final Properties properties;
    private final Map<String, String> env;

    StartupHostName(Properties properties, Map<String, String> env) {
      this.properties = properties;
      this.env = env;
    }

    @Override
    public String get() {
      return HostName.resolve(properties, env);
    }
  }

  synchronized void loadInitial() {
    lastBytes = readBytes();
    try {
      policy = lastBytes == null
          ? PolicyFile.read(file) // reports the missing file
          : PolicyFile.parse(file.toString(), lastBytes);
      audited("loaded", null);
    } catch (PolicyException e) {
      policy = Policy.invalid(e.getMessage());
      log().error("policy refused: " + e.getMessage()
          + "; every AI call is denied (policy.invalid) until the file is fixed");
      audited("refused", e.getMessage());
    }
  }

  /** A policy_change record: the file, the SHA-256 of its bytes, what happened. */
  private void audited(String outcome, String detail) {
    if (audit != null) {
      String sha = lastBytes == null ? null : AuditChain.hash(new String(lastBytes, StandardCharsets.UTF_8));
      audit.recordPolicyChange(file.toString(), sha, outcome, detail);
    }
  }

  /** Re-reads the file when its content changed; true when it did. */
  synchronized boolean checkNow() {
    byte[] bytes = readBytes();
    if (Arrays.equals(bytes, lastBytes)) {
      return false;
    }
    lastBytes = bytes;
    try {
      Policy fresh = bytes == null ? PolicyFile.read(file) : PolicyFile.parse(file.toString(), bytes);
      boolean wasInvalid = policy.isInvalid();
      policy = fresh;
      reloadError = null;
      log().info("policy " + (wasInvalid ? "loaded" : "reloaded") + " from " + file + " (mode "
          + fresh.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
      audited("reloaded", null);
    } catch (PolicyException e) {
      if (policy.isInvalid()) {
        policy = Policy.invalid(e.getMessage());
        log().error("policy refused: " + e.getMessage()
            + "; every AI call is still denied (policy.invalid) until the file is fixed");
        audited("refused", e.getMessage());
      } else {
        reloadError = e.getMessage();
        log().error("policy edit refused: " + e.getMessage() + "; the last good policy stays in force");
        audited("edit_refused", e.getMessage());
      }
    }
    return true;
  }

  private byte[] readBytes() {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void startWatching() {
    Thread t = new Thread(this::watch, "ai-warden-policy-watcher");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    watcher = t;
    t.start();
  }

  private void watch() {
    try {
      // Look the host name up here, off the application's threads (keys.bind needs it).
      state.hostName();
    } catch (Throwable t) {
      AgentLog.errorOnce("policy.hostname", "ai-warden could not look up this host's name", t);
    }
    while (true) {
      try {
        Thread.sleep(POLL_MILLIS);
        checkNow();
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        AgentLog.errorOnce("policy.watch", "ai-warden could not re-read the policy file", t);
      }
    }
  }

  @Override
  public Decision decide(AiCall call) {
    TestFaults.at(TestFaults.POLICY);
    Policy p = policy;
    Decision d;
    if (auditRequired && !p.isInvalid() && !audit.writable()) {
      // Enforce: refused before any rule (counts towards no limit, as any denial); monitor: the
      // rules still run and count, and an allowed call is marked would_deny.
      d = p.mode() == Policy.Mode.ENFORCE ? null : p.decide(call, state);
      if (d == null || d.outcome() == Decision.Outcome.ALLOW) {
        d = auditUnavailable(p);
      }
    } else {
      d = p.decide(call, state);
    }
    String error = reloadError;
    return error == null ? d : d.withPolicyError(error);
  }

  private Decision auditUnavailable(Policy p) {
    return new Decision(
        p.mode() == Policy.Mode.ENFORCE ? Decision.Outcome.DENY : Decision.Outcome.WOULD_DENY,
        RuleId.AUDIT_UNAVAILABLE.id(),
        "the audit file cannot be written and audit.required=true, so AI calls are refused until"
            + " it can",
        p.capture,
        null);
  }

  @Override
  public boolean needsPromptText() {
    return policy.needsPromptText();
  }

  @Override
  public boolean needsPromptString() {
    return policy.needsPromptString();
  }

  @Override
  public void onCompleted(AiCall call) {
    policy.onCompleted(call, state);
  }

  /** The compiled policy in force (for tests). */
  Policy current() {
    return policy;
  }

  /** The refused edit's error while the last good policy is in force, else null. */
  String reloadError() {
    return reloadError;
  }

  static Logger log() {
    return AgentLog.get(PolicyStore.class);
  }
}
