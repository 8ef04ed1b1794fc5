package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults around the agent, end to end (openai-java in a child JVM against the local server): the
 * trace backend down, stalled or slow; the audit file on a full disk, unwritable from the start or
 * from the middle of the run; the policy file deleted, truncated or garbled mid-run, or invalid at
 * start-up. Each time the documented behaviour, and the application's calls complete. The figures
 * (calls per second, time from the application's last statement to the JVM's exit) are printed as
 * {@code FIGURE} lines and written to {@code target/fault-figures.txt} for docs/reliability.md; they
 * are no pass/fail criterion except as a bound against hangs.
 */
class FaultsIT {
  private static final int CALLS = 40;
  /** Against hangs only: the documented exit bound is 5 s (spans) + 2 s (audit). */
  private static final long EXIT_BOUND_MILLIS = 20_000;

  private static TestServer server;
  private static final List<String> figures = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    Path out = Paths.get("target/fault-figures.txt");
    Files.write(out, figures, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void figure(String line) {
    System.out.println("FIGURE " + line);
    figures.add(line);
  }

  // --- The trace backend ------------------------------------------------------------------------

  @Test
  void aTraceBackendThatIsDownStalledOrSlowNeverHoldsTheApplicationBack() throws Exception {
    FaultApps.Timed baseline =
        FaultApps.timed(FaultApps.app(server).args("chats:" + CALLS, "end"));

    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    FaultApps.Timed down;
    try (OtlpReceiver metrics = new OtlpReceiver()) {
      down =
          FaultApps.timed(
              FaultApps.metricsTo(otlpTraces(FaultApps.app(server), "http://127.0.0.1:" + deadPort), metrics)
                  .env("OTEL_JAVA_EXPORTER_OTLP_RETRY_DISABLED", "true")
                  .args("chats:" + CALLS, "sleep:1500", "end"));
      long dropped = FaultApps.counter(metrics, "aiwarden.spans.dropped", "error.type", "export_failed");
      assertThat(dropped).as(down.run.toString()).isEqualTo(CALLS); // every span, exactly
      figure("backend=down(retry off) dropped=" + dropped);
    }
    FaultApps.Timed downRetrying =
        FaultApps.timed(
            otlpTraces(FaultApps.app(server), "http://127.0.0.1:" + deadPort)
                .args("chats:" + CALLS, "end"));

    FaultApps.Timed stalled;
    try (StalledReceiver stall = new StalledReceiver()) {
      stalled =
          FaultApps.timed(
              otlpTraces(FaultApps.app(server), "http://127.0.0.1:" + stall.port())
                  .args("chats:" + CALLS, "end"));
      assertThat(stall.accepted()).as("the exporter did reach the stalled backend").isPositive();
    }

    FaultApps.Timed slow;
    try (SlowReceiver receiver = new SlowReceiver(3_000)) {
      slow =
          FaultApps.timed(
              otlpTraces(FaultApps.app(server), receiver.endpoint()).args("chats:" + CALLS, "end"));
      assertThat(receiver.requests()).as("the slow backend received exports").isPositive();
    }

    for (FaultApps.Timed t : List.of(baseline, down, downRetrying, stalled, slow)) {
      ChildJvm.Result run = t.run;
      assertThat(run.exitCode).as(run.toString()).isZero();
      FaultApps.Chats chats = FaultApps.chats(run, 0);
      assertThat(chats.ok).as(run.toString()).isEqualTo(CALLS);
      assertThat(run.spans).as("traces.file does not depend on the backend").hasSize(CALLS);
      assertThat(t.exitMillis).as("JVM exit after the last statement\n" + run).isLessThan(EXIT_BOUND_MILLIS);
      Leaks.assertNoSecret(run, server.openAiKey);
    }
    assertThat(down.run.stderr).containsOnlyOnce("ai-warden dropped");
    assertThat(stalled.run.stderr).contains("could not export every span within 5000 ms at exit");

    row("no exporter", baseline);
    row("OTLP endpoint down (refused), retries off", down);
    row("OTLP endpoint down (refused), default retries", downRetrying);
    row("OTLP endpoint stalled (accepts, never answers)", stalled);
    row("OTLP endpoint answers after 3 s", slow);
  }

  private static void row(String name, FaultApps.Timed t) {
    FaultApps.Chats c = FaultApps.chats(t.run, 0);
    figure(String.format(
        "backend | %s | %d calls in %d ms (%.0f calls/s) | exit %d ms after the last statement | run %d ms",
        name, c.n, c.millis, c.perSecond(), t.exitMillis, t.run.millis));
  }

  private static ChildJvm otlpTraces(ChildJvm child, String endpoint) {
    return child
        .env("OTEL_TRACES_EXPORTER", "otlp")
        .env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint + "/v1/traces")
        .env("OTEL_BSP_SCHEDULE_DELAY", "100");
  }

  /** Accepts connections and never reads or answers (a hung Collector). */
  static final class StalledReceiver implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    StalledReceiver() throws IOException {
      acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(socket.accept());
                  }
                } catch (IOException closed) {
                  // closed by the test
                }
              },
              "stalled-receiver");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int accepted() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /** An OTLP/HTTP receiver that answers every export after a delay (an overloaded Collector). */
  static final class SlowReceiver implements AutoCloseable {
    private final HttpServer http;
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    SlowReceiver(long delayMillis) throws IOException {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/",
          ex -> {
            ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            ex.close();
          });
      http.setExecutor(Executors.newCachedThreadPool());
      http.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  // --- The audit file ---------------------------------------------------------------------------

  @Test
  void aFullDiskFailsOpenByDefaultAndClosedWithAuditRequired() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-faults");
    Path policy = dir.resolve("policy.yaml");
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  allow: [\"gpt-4o*\"]\n");
    ChildJvm.Result open;
    long lost;
    try (OtlpReceiver metrics = new OtlpReceiver()) {
      open =
          FaultApps.metricsTo(FaultApps.app(server), metrics)
              .agentArgs("policy=" + policy + ",audit.file=/dev/full")
              .args("chats:20", "sleep:1000")
              .run();
      lost = FaultApps.counter(metrics, "aiwarden.audit.dropped", "error.type", "write_failed");
      assertThat(FaultApps.points(metrics, "aiwarden.internal.errors", "stage"))
          .as("a full disk is not an agent bug").isEmpty();
    }
    assertThat(open.exitCode).as(open.toString()).isZero();
    assertThat(FaultApps.chats(open, 0).ok).isEqualTo(20);
    assertThat(open.spans).hasSize(20);
    assertThat(lost).as(open.toString()).isEqualTo(21); // the policy load + 20 calls
    assertThat(open.stderr).containsOnlyOnce("cannot write the audit file /dev/full (java.io.IOException: No space left on device)");

    ChildJvm.Result required =
        FaultApps.app(server)
            .agentArgs("policy=" + policy + ",audit.file=/dev/full,audit.required=true")
            .args("chats:5", "get")
            .run();
    assertThat(required.exitCode).as(required.toString()).isZero();
    FaultApps.Chats denied = FaultApps.chats(required, 0);
    assertThat(denied.denied).as(required.toString()).isEqualTo(5);
    assertThat(denied.rule).isEqualTo("audit.unavailable");
    assertThat(required.results()).contains("RESULT get status=404"); // non-AI traffic untouched
    assertThat(required.spans).hasSize(5);
    assertThat(required.spans.get(0).attr("aiwarden.policy.rule")).isEqualTo("audit.unavailable");
    Leaks.assertNoSecret(open, server.openAiKey);
    Leaks.assertNoSecret(required, server.openAiKey);
  }

  @Test
  void anAuditFileThatStopsGrowingMidRunLosesCountedRecordsAndKeepsItsChain() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-faults");
    Path audit = dir.resolve("audit.jsonl");
    // A file size limit (RLIMIT_FSIZE) on the child: writes past 48 KB fail (EFBIG, as a full disk
    // fails with ENOSPC) until the test lifts the limit. HotSpot ignores SIGXFSZ, so the JVM lives.
    Path wrapper = dir.resolve("java-with-fsize-limit.sh");
    FaultApps.replace(wrapper, "#!/bin/sh\nexec prlimit --fsize=49152:unlimited -- "
        + Paths.get(System.getProperty("java.home"), "bin", "java") + " \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    Path lifted = dir.resolve("lifted");
    ChildJvm.Running child =
        FaultApps.app(server)
            .java(wrapper.toString())
            // The limit is per file: the traces go to /dev/null (no limit) rather than a file.
            .agentArgs("audit.file=" + audit + ",log.level=warn,traces.file=/dev/null")
            .args("chats:120", "wait-for:" + lifted, "chats:10")
            .start();
    child.awaitResults(1);
    Process lift = new ProcessBuilder("prlimit", "--pid", String.valueOf(child.process.pid()),
        "--fsize=unlimited:unlimited").inheritIO().start();
    assertThat(lift.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(lift.exitValue()).isZero();
    Files.createFile(lifted);
    ChildJvm.Result run = child.await();

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(FaultApps.chats(run, 0).ok).isEqualTo(120);
    assertThat(FaultApps.chats(run, 1).ok).isEqualTo(10);
    assertThat(run.stderr).containsOnlyOnce("cannot write the audit file " + audit + " (java.io.IOException: File too large)");

    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    assertThat(Files.size(audit)).isGreaterThan(49152);
    long lostSaid = 0;
    for (String l : lines) {
      int at = l.indexOf("\"records_dropped_before\":");
      if (at >= 0) {
        lostSaid += Long.parseLong(l.substring(at + 25).replaceAll("[^0-9].*", ""));
      }
    }
    assertThat(lines.size() + lostSaid).as("every call recorded or counted as lost").isEqualTo(130);
    assertThat(lostSaid).isPositive();
    ChildJvm.Result verify =
        ChildJvm.of("dev.aiwarden.cli.Cli").withoutAgent().classpath(ChildJvm.agentJar().toString())
            .args("verify-audit", audit.toString()).run();
    assertThat(verify.exitCode).as(verify.toString()).isZero();
    assertThat(verify.stdout).contains("intact, " + lines.size() + " records");
    assertThat(Files.readString(audit)).doesNotContain(server.openAiKey);
    figure("audit | file size limit hit mid-run | " + lostSaid + " of 130 records lost, said by records_dropped_before; chain intact");
  }

  // --- The policy file --------------------------------------------------------------------------

  @Test
  void aPolicyFileDeletedTruncatedOrGarbledMidRunKeepsTheLastGoodPolicyUntilRestored() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-faults");
    Path policy = dir.resolve("policy.yaml");
    Path audit = dir.resolve("audit.jsonl");
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"gpt-3*\"]\n");
    Path[] marks = {dir.resolve("m1"), dir.resolve("m2"), dir.resolve("m3"), dir.resolve("m4")};
    ChildJvm.Running child =
        FaultApps.app(server)
            .agentArgs("policy=" + policy + ",audit.file=" + audit)
            .args("chat", "wait-for:" + marks[0], "chat", "wait-for:" + marks[1], "chat",
                "wait-for:" + marks[2], "chat", "wait-for:" + marks[3], "chat", "get")
            .start();
    child.awaitResults(1);
    Files.delete(policy); // deleted
    step(marks[0]);
    child.awaitResults(2);
    FaultApps.replace(policy, ""); // truncated to nothing
    step(marks[1]);
    child.awaitResults(3);
    FaultApps.replace(policy, "\u0000\u00ffPK\u0003\u0004 garbage {[ version"); // garbage
    step(marks[2]);
    child.awaitResults(4);
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"gpt-4o*\"]\n"); // restored (stricter)
    step(marks[3]);
    ChildJvm.Result run = child.await();

    assertThat(run.exitCode).as(run.toString()).isZero();
    List<String> r = run.results();
    for (int i = 0; i < 4; i++) {
      assertThat(r.get(i)).as(run.toString()).startsWith("RESULT chat id=");
    }
    assertThat(r.get(4)).startsWith("RESULT chat error=ai-warden: blocked by model.not_allowed: ");
    assertThat(r.get(5)).isEqualTo("RESULT get status=404");
    assertThat(run.stderr).contains("the policy file does not exist; the last good policy stays in force");
    assertThat(run.stderr).contains("the policy file is empty");
    assertThat(run.stderr).contains("[ai-warden] INFO policy reloaded from " + policy);
    assertThat(run.spans).hasSize(5);
    for (int i = 1; i < 4; i++) {
      assertThat(run.spans.get(i).events).as("span " + i).containsKey("aiwarden.policy.reload_failed");
    }
    assertThat(run.spans.get(4).events).isEmpty();
    String auditText = Files.readString(audit);
    assertThat(FaultApps.occurrences(auditText, "\"outcome\":\"edit_refused\"")).isEqualTo(3);
    assertThat(FaultApps.occurrences(auditText, "\"outcome\":\"reloaded\"")).isEqualTo(1);
    assertThat(auditText).doesNotContain(server.openAiKey);
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  @Test
  void aPolicySwappedForAnInvalidOneBeforeStartUpDeniesEveryAiCallAndNoOtherTraffic() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-faults");
    Path policy = dir.resolve("policy.yaml");
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  allow: [gpt-4o\n"); // swapped: broken YAML
    int before = server.server.requestCount();
    ChildJvm.Result run =
        FaultApps.app(server).agentArgs("policy=" + policy).args("chats:10", "get").run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    FaultApps.Chats c = FaultApps.chats(run, 0);
    assertThat(c.denied).as(run.toString()).isEqualTo(10);
    assertThat(c.rule).isEqualTo("policy.invalid");
    assertThat(run.results()).contains("RESULT get status=404");
    assertThat(server.server.requestCount() - before).as("only the non-AI request left").isEqualTo(1);
    assertThat(run.stderr).containsOnlyOnce("[ai-warden] ERROR policy refused: " + policy + ":");
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private static void step(Path mark) throws Exception {
    Thread.sleep(2_000); // the agent promises a change is seen within 2 s
    Files.createFile(mark);
  }
}
