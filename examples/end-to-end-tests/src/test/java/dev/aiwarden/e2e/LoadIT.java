package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 200 threads making AI calls for a bounded time through the JDK client, on loopback, with the
 * agent and a request limit: the run ends (no deadlock: a thread dump otherwise), every call has
 * exactly one span (or the agent's {@code aiwarden.spans.dropped} says exactly how many it
 * dropped), the limit lets exactly its number of calls of the shared key through, and the heap
 * after GC ends where it started. The figures are printed, never asserted on.
 */
class LoadIT {
  private static final int SECONDS = Integer.getInteger("aiwarden.load.seconds", 20);
  private static final int THREADS = 200;
  /** Every 5th thread calls through openai-java (OkHttp hook), the others the JDK client. */
  private static final int OPENAI_EVERY = 5;
  /**
   * The policy's requests per minute, per key. The shared key goes over it within each thread's
   * first five calls; a thread's own key only on a machine fast enough for 600 calls per thread in
   * 20 s (the child says exactly how many own-key calls that makes over the limit).
   */
  private static final int LIMIT = 300;
  private static final long HEAP_GROWTH_LIMIT_KB = 64 * 1024;

  @Test
  void twoHundredThreadsForABoundedTime() throws Exception {
    String shared = TestServer.newOpenAiKey();
    List<String> own = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      own.add(TestServer.newOpenAiKey());
    }
    List<String> all = new ArrayList<>(own);
    all.add(shared);
    String marker = TestServer.random("abcdefghijklmnopqrstuvwxyz", 16);
    Path inputs = Files.createDirectories(Paths.get("target/load-inputs").toAbsolutePath());
    Path keys = inputs.resolve("thread-keys.txt");
    Files.write(keys, own);
    Path policy = inputs.resolve("policy.yaml");
    Files.writeString(policy, "version: 1\nmode: enforce\nlimits:\n  requests_per_minute: " + LIMIT + "\n");

    try (TestServer server = new TestServer(all.toArray(new String[0]));
        OtlpReceiver metrics = new OtlpReceiver()) {
      ChildJvm.Running running =
          ChildJvm.of("dev.aiwarden.e2e.LoadMain")
              .classpath(ChildJvm.childClasspath() + java.io.File.pathSeparator + ExampleClasspath.testClasses())
              .against(server)
              .agentArgs("policy=" + policy)
              .jvmArg("-Xmx256m")
              .env("LOAD_URL", server.http("api.openai.com") + "/v1/chat/completions")
              .env("OPENAI_BASE_URL", server.http("api.openai.com") + "/v1")
              .env("LOAD_MARKER", marker)
              .env("LOAD_LIMIT", Integer.toString(LIMIT))
              .env("SHARED_KEY", shared)
              .env("THREAD_KEYS_FILE", keys.toString())
              .env("OTEL_METRICS_EXPORTER", "otlp")
              .env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metrics.endpoint() + "/v1/metrics")
              .args(Integer.toString(SECONDS), Integer.toString(THREADS), Integer.toString(OPENAI_EVERY))
              .start();
      if (!running.process.waitFor(SECONDS + 100, TimeUnit.SECONDS)) {
        Path dump = running.dir.resolve("thread-dump.txt");
        Process jstack = new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "jstack").toString(),
                Long.toString(running.process.pid()))
            .redirectOutput(dump.toFile()).redirectErrorStream(true).start();
        jstack.waitFor(30, TimeUnit.SECONDS);
        running.process.destroyForcibly();
        throw new AssertionError("the load run did not finish: deadlock? thread dump:\n" + Files.readString(dump));
      }
      ChildJvm.Result run = running.await();
      assertThat(run.exitCode).as(run.toString()).isZero();
      Map<String, Long> f = figures(run);
      long calls = f.get("calls");
      long sharedCalls = f.get("shared_ok") + f.get("shared_denied");
      long dropped = sum(metrics.metricsByName().get("aiwarden.spans.dropped"));
      Map<String, Long> decisions = decisions(metrics.metricsByName().get("aiwarden.policy.decisions"));
      long viaOkHttp = run.spans.stream().filter(s -> "okhttp".equals(s.attr("aiwarden.client"))).count();

      System.out.printf(
          "LoadIT: %d threads, %d s: %d calls (%.0f calls/s; %d through openai-java), shared key %d "
              + "(allowed %d, denied %d), spans %d (okhttp %d), dropped %d, heap after GC %d -> %d KB, "
              + "RSS %d -> %d KB (max %d KB)%n",
          THREADS, SECONDS, calls, calls * 1000.0 / f.get("millis"), f.get("openai_java_calls"), sharedCalls,
          f.get("shared_ok"), f.get("shared_denied"), run.spans.size(), viaOkHttp, dropped,
          f.get("heap_start_kb"), f.get("heap_end_kb"),
          f.get("rss_start_kb"), f.get("rss_end_kb"), f.get("rss_max_kb"));

      assertThat(f.get("other")).as(run.toString()).isZero();
      assertThat(sharedCalls).as("the shared key must be used more often than its limit").isGreaterThan(LIMIT);
      // Exact rate-limit counts under contention.
      assertThat(f.get("shared_ok")).isEqualTo(LIMIT);
      assertThat(f.get("own_denied")).isEqualTo(f.get("own_expected_denied"));
      // The server saw exactly the allowed calls.
      long allowed = f.get("shared_ok") + f.get("own_ok");
      assertThat((long) server.server.requestCount()).isEqualTo(allowed);
      // The agent counted every decision (metrics are not sampled or dropped).
      assertThat(decisions.get("allow")).isEqualTo(allowed);
      assertThat(decisions.get("deny limit.requests")).isEqualTo(f.get("shared_denied") + f.get("own_denied"));
      // No lost and no duplicated span: exactly one per call, minus what the agent says it dropped.
      assertThat((long) run.spans.size()).isEqualTo(calls - dropped);
      assertThat(run.spans.stream().map(s -> s.spanId).collect(Collectors.toSet())).hasSize(run.spans.size());
      List<Object> hashes = run.spans.stream().map(s -> s.attr("aiwarden.prompt.sha256")).collect(Collectors.toList());
      assertThat(hashes).doesNotContainNull();
      assertThat(new java.util.HashSet<>(hashes)).as("every prompt is unique").hasSize(hashes.size());
      if (dropped == 0) {
        assertThat(viaOkHttp).as("one span per openai-java call").isEqualTo(f.get("openai_java_calls"));
        String fp = Keys.fingerprint(shared);
        assertThat(run.spans.stream()
                .filter(s -> fp.equals(s.attr("aiwarden.key.fingerprint")))
                .filter(s -> "allow".equals(s.attr("aiwarden.policy.decision"))).count())
            .isEqualTo(LIMIT);
      }
      // Bounded memory: the heap after GC ends about where it started.
      assertThat(f.get("heap_end_kb") - f.get("heap_start_kb")).isLessThan(HEAP_GROWTH_LIMIT_KB);
      Leaks.assertNoSecret(run, shared, "Bearer " + shared, own.get(0), own.get(THREADS - 1), marker);
    }
  }

  private static Map<String, Long> figures(ChildJvm.Result run) {
    Map<String, Long> f = new HashMap<>();
    for (String line : run.stdout.split("\n")) {
      if (line.startsWith("LOAD ") && line.contains("=") && !line.startsWith("LOAD error")) {
        String[] kv = line.substring(5).trim().split("=", 2);
        if (kv[1].matches("-?[0-9]+")) {
          f.put(kv[0], Long.parseLong(kv[1]));
        }
      }
    }
    assertThat(f).as(run.toString()).containsKeys("calls", "millis", "shared_ok", "heap_end_kb");
    return f;
  }

  /** A counter's total over all its points (0 when it was never exported). */
  private static long sum(Metric m) {
    if (m == null) {
      return 0;
    }
    long total = 0;
    for (NumberDataPoint p : m.getSum().getDataPointsList()) {
      total += p.getAsInt();
    }
    return total;
  }

  /** {@code aiwarden.policy.decisions} by "decision" or "decision rule". */
  private static Map<String, Long> decisions(Metric m) {
    Map<String, Long> byDecision = new HashMap<>();
    assertThat(m).as("aiwarden.policy.decisions exported").isNotNull();
    for (NumberDataPoint p : m.getSum().getDataPointsList()) {
      Map<String, Object> a = OtlpReceiver.attributes(p.getAttributesList());
      Object rule = a.get("aiwarden.policy.rule");
      byDecision.merge(a.get("aiwarden.policy.decision") + (rule == null ? "" : " " + rule), p.getAsInt(), Long::sum);
    }
    return byDecision;
  }
}
