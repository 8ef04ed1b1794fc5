package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic and verdicts, on made-up figures (no timing is measured here). */
class ReportTest {
  @TempDir Path dir;

  private final Suite suite = new Suite();

  private void put(String config, String metric, double... perRound) {
    List<Double> values = new ArrayList<>();
    for (double v : perRound) {
      values.add(v);
    }
    suite.results.computeIfAbsent(config, k -> new LinkedHashMap<>()).put(metric, values);
  }

  /** An in-process (JMH) figure: one value per measured iteration. */
  private void putMicro(String config, String metric, double... perIteration) {
    List<Double> values = new ArrayList<>();
    for (double v : perIteration) {
      values.add(v);
    }
    suite.micro.computeIfAbsent(config, k -> new LinkedHashMap<>()).put(metric, values);
  }

  private String write() throws Exception {
    suite.markStarted();
    Path out = dir.resolve("performance.md");
    new Report(suite).write(out);
    return Files.readString(out);
  }

  private static String row(String report, String figureStart) {
    for (String line : report.split("\n")) {
      if (line.startsWith("| ") && line.contains("| " + figureStart)) {
        return line;
      }
    }
    throw new AssertionError("no row " + figureStart + " in\n" + report);
  }

  /** The first row starting with {@code figureStart} after the row starting with {@code after}. */
  private static String rowAfter(String report, String after, String figureStart) {
    int from = report.indexOf("| " + after);
    assertThat(from).as("row " + after).isNotNegative();
    return row(report.substring(from + 1), figureStart);
  }

  @Test
  void addedIsTheMedianOfPerRoundDifferencesAndIsJudgedAgainstTheTarget() throws Exception {
    put(Suite.NONE, "stream.first.ms", 10, 10.1, 9.9);
    put(Suite.WARDEN, "stream.first.ms", 10.1, 10.25, 10.2); // +0.1, +0.15, +0.3 -> +0.15
    put(Suite.OTEL, "stream.first.ms", 13, 13.1, 12.9); // +3
    put(Suite.NONE, "okhttp.get.us", 100, 100, 100);
    put(Suite.WARDEN, "okhttp.get.us", 105, 104, 106);
    put(Suite.OTEL, "okhttp.get.us", 120, 120, 120);

    String report = write();

    String first = row(report, "500-chunk SSE stream, 1 ms between events: time to first chunk");
    assertThat(first).contains("| 10.0 ms (9.90–10.1) |", "+0.15 ms (+0.10…+0.30)", "+3.00 ms");
    assertThat(first).endsWith("| PASS |");
    assertThat(report).contains("1 PASS, 0 FAIL.");
  }

  /** Row (1): one JVM per configuration and round, windows in turn; each round's figures from PairedWindows. */
  private void putPaired(String loop, String config, double[] us, double[] added, double[] vsOtel) {
    put(config, loop + ".paired.us", us);
    if (added != null) {
      put(config, loop + ".paired.added.us", added);
    }
    if (vsOtel != null) {
      put(config, loop + ".paired.vs_otel.us", vsOtel);
    }
  }

  private static double[] d(double... v) {
    return v;
  }

  @Test
  void aPerCallTimeIsJudgedOnThePairedWindowsAddedFigureNotOnDifferencesBetweenRounds() throws Exception {
    // The rounds' window medians differ by 40 µs (the machine's load); within each round ai-warden's
    // windows are 2-4 µs slower than the no-agent windows beside them, OTel's 6-9 µs.
    putPaired("openai.chat", Suite.NONE, d(180, 220, 200), null, null);
    putPaired("openai.chat", Suite.WARDEN, d(230, 183, 203), d(3, 2, 4), d(-4, -5, -3));
    putPaired("openai.chat", Suite.OTEL, d(186, 229, 207), d(6, 9, 7), null);
    put(Suite.NONE, "openai.chat.us", 180, 220, 200); // the former method: context only
    put(Suite.WARDEN, "openai.chat.us", 230, 183, 203);
    put(Suite.NONE, "openai.chat.paired.cpu.us", 110, 112, 111);
    put(Suite.WARDEN, "openai.chat.paired.cpu.us", 115, 116, 118);

    String report = write();

    String judged = row(report, "openai-java chat, 2 KB prompt, TLS loopback: time per call, each window's median");
    assertThat(judged).contains("| 200 µs (180–220) | 203 µs (183–230) |", "| +3.00 µs (+2.00…+4.00) (1.015×) |",
        "| +7.00 µs (+6.00…+9.00) (1.035×) |", "≤ 30 µs added, and less than OTel adds");
    assertThat(judged).endsWith("| PASS; ai-warden − OTel -4.00 µs (-5.00…-3.00): resolved (all 3 rounds agree) |");
    assertThat(row(report, "openai-java chat: time per call, each JVM's loop"))
        .contains("+3.00 µs (-37.0…+50.0)", "the former method, context").endsWith("| — |");
    assertThat(row(report, "openai-java chat: CPU per call, whole client JVM, over the paired windows"))
        .contains("+5.00 µs (+4.00…+7.00)").endsWith("| — |");
    assertThat(report).contains("1 PASS, 0 FAIL.", "Time per AI call (1), judged in paired windows");
  }

  @Test
  void aPairedRowSaysInWordsWhenTheRoundsDoNotResolveAgainstOtel() throws Exception {
    putPaired("azure.chat", Suite.NONE, d(1400, 1380, 1420), null, null);
    putPaired("azure.chat", Suite.WARDEN, d(1405, 1383, 1426), d(5, 3, 6), d(1, -2, 2));
    putPaired("azure.chat", Suite.POLICY, d(1410, 1390, 1429), d(10, 10, 9), d(6, 5, 7));
    putPaired("azure.chat", Suite.OTEL, d(1404, 1384, 1424), d(4, 4, 4), null);

    String judged = row(write(), "azure-ai-openai chat, 2 KB prompt");

    // ai-warden +5 µs vs OTel +4 µs: FAIL on "less than OTel adds", but the rounds disagree on the sign.
    assertThat(judged).endsWith("| **FAIL**; ai-warden − OTel +1.00 µs (-2.00…+2.00): **not resolved** (the rounds"
        + " disagree on which adds more: whether it adds less than OTel is within this run's noise), full policy − OTel +6.00 µs (+5.00…+7.00): resolved (all 3 rounds agree) |");
  }

  @Test
  void aPairedRowOfOneRoundCannotTellTheSign() throws Exception {
    putPaired("openai.chat", Suite.NONE, d(200), null, null);
    putPaired("openai.chat", Suite.WARDEN, d(202), d(2), d(-1));
    putPaired("openai.chat", Suite.OTEL, d(203), d(3), null);
    assertThat(row(write(), "openai-java chat, 2 KB prompt"))
        .endsWith("| PASS; ai-warden − OTel -1.00 µs (one round: cannot tell whether that sign holds) |");
  }

  @Test
  void aPairedRowWithoutOtelIsJudgedOnTheLimitAlone() throws Exception {
    putPaired("openai.chat", Suite.NONE, d(200, 200), null, null);
    putPaired("openai.chat", Suite.WARDEN, d(240, 240), d(40, 40), null); // over 30 µs
    String report = write();
    assertThat(row(report, "openai-java chat, 2 KB prompt")).endsWith("| **FAIL** |");
    assertThat(report).contains("0 PASS, 1 FAIL.");
  }

  @Test
  void aNonAiCallIsJudgedInProcessAndTheWholeProcessRowIsOnlyContext() throws Exception {
    // Whole process: +5 µs, far over the 1 µs target, but within the noise between JVMs.
    put(Suite.NONE, "okhttp.get.us", 100, 100, 100);
    put(Suite.WARDEN, "okhttp.get.us", 105, 104, 106);
    put(Suite.NONE, "jdkhttp.get.alloc", 15000, 15000);
    put(Suite.WARDEN, "jdkhttp.get.alloc", 15200, 15100);
    putMicro(Suite.WARDEN, "micro.okhttp.ping.ns", 40, 45, 42);
    putMicro(Suite.WARDEN, "micro.okhttp.rest.ns", 900, 1200, 1100); // median 1100 ns: over 1 µs
    putMicro(Suite.WARDEN, "micro.jdkhttp.ping.alloc", 0.0001, 0.0002);
    putMicro(Suite.WARDEN, "micro.jdkhttp.rest.alloc", 56, 56.01); // under 64 B

    String report = write();

    assertThat(row(report, "non-AI GET through OkHttp: time"))
        .contains("+5.00 µs", "judged in process").endsWith("| — |");
    assertThat(row(report, "allocated per non-AI java.net.http GET"))
        .contains("+150 B", "judged in process").endsWith("| — |");
    String ping = row(report, "↳ *in process:* the OkHttp hook's work on a non-AI GET");
    assertThat(ping).contains("| — | 42.0 ns (40.0–45.0) |", "| +42.0 ns (+40.0…+45.0) |", "≤ 1 µs added")
        .doesNotContain("×").endsWith("| PASS |");
    assertThat(rowAfter(report, "↳ *in process:* the OkHttp hook's work", "↳ *in process:* the same, path ending in `s`"))
        .contains("1100 ns (900–1200)").endsWith("| **FAIL** |");
    assertThat(row(report, "↳ *in process:* allocated by the java.net.http hook")).contains("0.00 B")
        .endsWith("| PASS |");
    assertThat(rowAfter(report, "↳ *in process:* allocated by the java.net.http hook", "↳ *in process:* the same"))
        .contains("56.0 B").endsWith("| PASS |");
    assertThat(report).contains("3 PASS, 1 FAIL.", "Rows marked ↳ *in process* are JMH micro-benchmarks",
        "in-process micro-benchmarks: every measured iteration", "| micro.okhttp.rest.ns | ai-warden | 900, 1200, 1100 |");
  }

  @Test
  void theAgentsOwnWorkOnAnAiCallStandsBesideTheJudgedWholeProcessRows() throws Exception {
    putPaired("openai.chat", Suite.NONE, d(400, 400), null, null);
    putPaired("openai.chat", Suite.WARDEN, d(450, 450), d(50, 50), null); // +50 µs: over 30 µs
    putPaired("openai.chat", Suite.POLICY, d(500, 500), d(100, 100), null);
    put(Suite.NONE, "openai.chat.alloc", 78000, 78000);
    put(Suite.WARDEN, "openai.chat.alloc", 80000, 80000); // +2000 B: under 2 KB
    put(Suite.POLICY, "openai.chat.alloc", 90000, 90000);
    putMicro(Suite.WARDEN, "micro.okhttp.chat.ns", 30000, 32000);
    putMicro(Suite.POLICY, "micro.okhttp.chat.ns", 60000, 61000);
    putMicro(Suite.WARDEN, "micro.core.chat.alloc", 7000, 7000);

    String report = write();

    assertThat(row(report, "openai-java chat, 2 KB prompt")).endsWith("| **FAIL** |");
    assertThat(row(report, "↳ *in process:* the agent's own work on this call"))
        .contains("| 31.0 µs (30.0–32.0) | 60.5 µs (60.0–61.0) |", "of which, in the row above").endsWith("| — |");
    assertThat(row(report, "↳ *in process:* of which by Warden's core alone")).contains("7000 B").endsWith("| — |");
    assertThat(row(report, "allocated per openai-java chat call"))
        .endsWith("| PASS / full policy: **FAIL** |");
    // The in-process rows follow the whole-process row they belong to.
    List<String> lines = List.of(report.split("\n"));
    assertThat(lines.indexOf(row(report, "↳ *in process:* the agent's own work on this call")))
        .isEqualTo(lines.indexOf(row(report, "openai-java chat, 2 KB prompt")) + 1);
    assertThat(lines.indexOf(row(report, "↳ *in process:* of which by Warden's core alone")))
        .isEqualTo(lines.indexOf(row(report, "allocated per openai-java chat call")) + 1);
    assertThat(report).contains("0 PASS, 2 FAIL.");
  }

  @Test
  void moreThanOtelAddsFailsEvenUnderTheLimit() throws Exception {
    putPaired("azure.chat", Suite.NONE, d(2000, 2000), null, null);
    putPaired("azure.chat", Suite.WARDEN, d(2020, 2020), d(20, 20), d(10, 10));
    putPaired("azure.chat", Suite.OTEL, d(2010, 2010), d(10, 10), null);
    assertThat(row(write(), "azure-ai-openai chat")).contains("| **FAIL**; ai-warden − OTel +10.0 µs");
  }

  @Test
  void startUpMustStayUnderAFifthOfOtel() throws Exception {
    put(Suite.NONE, "startup.sdk.main.ms", 500, 510, 490);
    put(Suite.WARDEN, "startup.sdk.main.ms", 600, 610, 590); // +100
    put(Suite.OTEL, "startup.sdk.main.ms", 5500, 5510, 5490); // +5000
    put(Suite.NONE, "startup.many.main.ms", 500, 500, 500);
    put(Suite.WARDEN, "startup.many.main.ms", 640, 640, 640); // +140, under 150 ms
    put(Suite.OTEL, "startup.many.main.ms", 1000, 1000, 1000); // +500: a fifth is 100
    String report = write();
    assertThat(row(report, "start-up to main done: small app")).endsWith("| PASS |");
    assertThat(row(report, "start-up to main done: the same app")).endsWith("| **FAIL** |");
  }

  @Test
  void startUpIsJudgedAtMainDoneAndTimeToExitIsContext() throws Exception {
    put(Suite.NONE, "startup.sdk.main.ms", 500, 500, 500);
    put(Suite.WARDEN, "startup.sdk.main.ms", 600, 600, 600); // +100: passes
    put(Suite.NONE, "startup.sdk.ms", 520, 520, 520);
    put(Suite.WARDEN, "startup.sdk.ms", 900, 900, 900); // +380 to exit: shown, not judged
    String report = write();
    assertThat(row(report, "start-up to main done: small app")).endsWith("| PASS |");
    assertThat(row(report, "start-up to exit: small SDK app")).contains("+380").endsWith("| — |");
    assertThat(report).contains("1 PASS, 0 FAIL.");
  }

  @Test
  void largeBodiesAreJudgedInBodyCopiesAndThroughputAsARatio() throws Exception {
    put(Suite.NONE, "large.request.bytes", 10_000_000);
    put(Suite.NONE, "large.request.alloc", 50e6, 50e6);
    put(Suite.WARDEN, "large.request.alloc", 70e6, 70e6); // two copies of the body
    put(Suite.NONE, "concurrency.calls_per_s", 1000, 1000);
    put(Suite.WARDEN, "concurrency.calls_per_s", 960, 940); // 95 %, whole JVMs: shown, not judged
    put(Suite.WARDEN, "concurrency.paired.ratio", 0.96, 0.95, 0.94); // median of the rounds' medians: 0.95
    String report = write();
    assertThat(row(report, "10 MB request: allocated")).contains("2.00 body copies").endsWith("| **FAIL** |");
    assertThat(row(report, "64 threads of openai-java chats")).contains("0.95 × (0.94–0.96)").endsWith("| PASS |");
    assertThat(row(report, "64 threads: calls/s")).contains("(0.950×)").endsWith("| — |");
  }

  @Test
  void pairedThroughputBelowTheTargetFailsWithoutANoAgentColumn() throws Exception {
    put(Suite.NONE, "concurrency.server.cpu.us", 50, 52);
    put(Suite.WARDEN, "concurrency.paired.ratio", 0.93, 0.96, 0.94);
    String report = write();
    assertThat(row(report, "64 threads of openai-java chats")).contains("| — |").endsWith("| **FAIL** |");
    assertThat(row(report, "64 threads: CPU per call of the local server")).contains("51.0 µs");
  }

  @Test
  void aRoundsMetricsFromTwoJvmsLandInTheSameRoundAndTheirLoggedCallsAddUp() {
    suite.results.put(Suite.WARDEN, new LinkedHashMap<>());
    suite.record(Suite.WARDEN, 0, Map.of("openai.chat.paired.us", 300.0, "agent.logged_calls", 10.0));
    suite.record(Suite.WARDEN, 0, Map.of("concurrency.paired.ratio", 0.9, "agent.logged_calls", 5.0));
    suite.record(Suite.WARDEN, 1, Map.of("concurrency.paired.ratio", 1.0));
    Map<String, List<Double>> m = suite.results.get(Suite.WARDEN);
    assertThat(m.get("agent.logged_calls")).containsExactly(15.0, Double.NaN);
    assertThat(m.get("openai.chat.paired.us")).containsExactly(300.0, Double.NaN);
    assertThat(m.get("concurrency.paired.ratio")).containsExactly(0.9, 1.0);
  }

  @Test
  void oneInspectionCopyPlusTheCallsOwnAllocationPasses() throws Exception {
    put(Suite.NONE, "large.request.bytes", 10_000_000);
    put(Suite.NONE, "large.request.alloc", 50e6, 50e6);
    put(Suite.WARDEN, "large.request.alloc", 60.01e6, 60.01e6); // one copy + 10 KB per-call work
    String report = write();
    assertThat(row(report, "10 MB request: allocated")).contains("1.00 body copies").endsWith("| PASS |");
  }

  @Test
  void oneCopyPlusMoreThanTheSlackFails() throws Exception {
    put(Suite.NONE, "large.request.bytes", 10_000_000);
    put(Suite.NONE, "large.request.alloc", 50e6, 50e6);
    put(Suite.WARDEN, "large.request.alloc", 60.2e6, 60.2e6); // one copy + 200 KB
    String report = write();
    assertThat(row(report, "10 MB request: allocated")).contains("1.02 body copies").endsWith("| **FAIL** |");
  }

  @Test
  void aFullPolicyColumnAppearsWhenThatConfigurationRanAndBothMustPass() throws Exception {
    putPaired("openai.chat", Suite.NONE, d(1000, 1000), null, null);
    putPaired("openai.chat", Suite.WARDEN, d(1010, 1010), d(10, 10), null);
    putPaired("openai.chat", Suite.POLICY, d(1040, 1040), d(40, 40), null);
    String report = write();
    assertThat(report).contains("| ai-warden, full policy |");
    assertThat(row(report, "openai-java chat, 2 KB prompt")).endsWith("| PASS / full policy: **FAIL** |");
    assertThat(report).contains("0 PASS, 1 FAIL.");
  }

  @Test
  void aRunWithoutSomeConfigurationsStillWritesItsRows() throws Exception {
    Map<String, List<Double>> none = new LinkedHashMap<>();
    suite.results.put(Suite.NONE, none);
    put(Suite.NONE, "mem.rss.mb", 200, 210);
    put(Suite.WARDEN, "mem.rss.mb", 215, 230);
    String report = write();
    assertThat(report).doesNotContain("OpenTelemetry agent |");
    assertThat(row(report, "RSS after warm-up")).contains("+17.5 MB").endsWith("| PASS |");
  }

  @Test
  void theShrunkRssIsReportedBesideTheTargetRowWithoutAVerdict() throws Exception {
    put(Suite.NONE, "mem.rss.mb", 250, 260);
    put(Suite.WARDEN, "mem.rss.mb", 270, 280);
    put(Suite.NONE, "mem.rss.shrunk.mb", 200, 210);
    put(Suite.WARDEN, "mem.rss.shrunk.mb", 205, 215);
    String report = write();
    assertThat(row(report, "RSS after warm-up |")).contains("+20.0 MB").endsWith("| PASS |");
    assertThat(row(report, "RSS after warm-up, heap shrunk")).contains("+5.00 MB").endsWith("| — |");
    assertThat(report).contains("`MaxHeapFreeRatio=10`");
  }
}
