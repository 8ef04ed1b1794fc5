package dev.aiwarden.examples.benchmarks;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.WardenCore;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.policy.PolicyStore;
import dev.aiwarden.telemetry.ErrEncoding;
import dev.aiwarden.telemetry.Telemetry;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Warden's core, installed in a benchmark JVM the way the agent's start-up installs it ({@code
 * Warden.install(new WardenCore(policy, telemetry))}; settings from this JVM, so no exporter: each
 * AI call gets its log line and no span, as in the suite's ai-warden runs), but with no agent and
 * no hooks: the benchmarks call the hooks' adapters and the core themselves.
 */
final class InstalledCore {
  /** The filled-in full policy file the suite wrote (its keys' fingerprints); else made here. */
  static final String POLICY_FILE_PROPERTY = "bench.policy.file";

  private InstalledCore() {}

  static void install(PolicyEngine policy) {
    Telemetry.configure(AgentConfig.fromJvm(null));
    Warden.install(new WardenCore(() -> policy, Telemetry::calls));
  }

  /** Waits (at most 30 s) until telemetry records spans: its start-up runs on a thread of its own. */
  static void awaitSpans() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Telemetry.calls().recordsSpans()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("telemetry records no spans although traces.file is set");
      }
      Thread.sleep(10);
    }
  }

  /** The built-in monitor-only policy (no {@code policy} setting), or the suite's full policy. */
  static PolicyEngine policy(String which, String openAiKey) throws Exception {
    return policy(which, openAiKey, null);
  }

  /**
   * As {@link #policy(String, String)}; when made here (not the suite's file), the full policy
   * allows these keys' fingerprints (a null key: one no call sends).
   */
  static PolicyEngine policy(String which, String openAiKey, String azureKey) throws Exception {
    if (which.equals("default") || which.equals("spans")) {
      return MonitorOnlyPolicy.INSTANCE;
    }
    String file = System.getProperty(POLICY_FILE_PROPERTY);
    Path path;
    if (file != null) {
      path = Paths.get(file);
    } else {
      String yaml = Files.readString(Paths.get("examples/benchmarks/full-policy.yaml"))
          .replace("${OPENAI_KEY_FINGERPRINT}", openAiKey == null ? "sha256:0123456789abcdef" : Suite.fingerprint(openAiKey))
          .replace("${AZURE_KEY_FINGERPRINT}", azureKey == null ? "sha256:0123456789abcdef" : Suite.fingerprint(azureKey));
      path = Files.createTempFile("full-policy", ".yaml");
      path.toFile().deleteOnExit();
      Files.writeString(path, yaml);
    }
    return PolicyStore.open(path);
  }

  /**
   * The agent's log goes to {@code System.err}, which a service sends to a file: here a stream like
   * the JVM's own {@code System.err} (autoflush, small buffer) over {@code /dev/null}, so the log
   * line is formatted and written per call without flooding JMH's output. Returns the old stream.
   */
  static PrintStream quietStandardError() throws IOException {
    PrintStream old = System.err;
    System.setErr(new PrintStream(new java.io.BufferedOutputStream(new FileOutputStream("/dev/null"), 128), true,
        Charset.defaultCharset()));
    // As premain remembers the JVM's own stream (Java 11-17: its charset is known only for that one).
    ErrEncoding.atStartup();
    return old;
  }
}
