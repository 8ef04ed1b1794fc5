package dev.aiwarden.examples.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code docs/performance.md} from a {@link Suite} run: one table row per figure, PASS/FAIL. */
final class Report {
  /** Allocation a large-body call may add beyond its one inspection copy (see BODY_COPIES). */
  static final double PER_CALL_SLACK_BYTES = 64 * 1024;

  /** How a figure is judged. */
  enum Kind {
    /** Reported, no target. */
    INFO,
    /** ai-warden may add at most {@code limit} (and less than OTel adds, when {@code belowOtel}). */
    ADDED_AT_MOST,
    /** Like ADDED_AT_MOST, and at most a fifth of what OTel adds. */
    STARTUP,
    /** ai-warden / no agent at least {@code limit}. */
    RATIO_AT_LEAST,
    /**
     * The value is itself a ratio to no agent, measured in pairs within each round (no no-agent
     * column); its median at least {@code limit}.
     */
    PAIRED_RATIO_AT_LEAST,
    /** ai-warden's added allocation per call, in bodies of the call's size, at most {@code limit}. */
    BODY_COPIES
  }

  /** One row of the table. */
  static final class Row {
    final String group;
    final String figure;
    final String metric;
    final String unit;
    final Kind kind;
    final double limit;
    final boolean belowOtel;
    final String target;
    /**
     * A JMH micro-benchmark of the agent's code without an agent ({@link Suite#micro}): its value is
     * itself what the agent adds; no baseline JVM.
     */
    final boolean inProcess;
    /** Measured value times this is shown in {@link #unit} (in-process times are measured in ns). */
    final double display;
    /**
     * Measured in paired windows ({@link PairedWindows#perCall}): the metric holding each round's
     * added figure (a median of per-window differences), used instead of differences of per-round
     * values; {@code null} otherwise.
     */
    final String pairedAdded;
    /** With {@link #pairedAdded}: each round's ai-warden (or full policy) minus OTel, per window. */
    final String pairedVsOtel;

    Row(String group, String figure, String metric, String unit, Kind kind, double limit, boolean belowOtel,
        String target) {
      this(group, figure, metric, unit, kind, limit, belowOtel, target, false, 1, null, null);
    }

    private Row(String group, String figure, String metric, String unit, Kind kind, double limit, boolean belowOtel,
        String target, boolean inProcess, double display, String pairedAdded, String pairedVsOtel) {
      this.group = group;
      this.figure = figure;
      this.metric = metric;
      this.unit = unit;
      this.kind = kind;
      this.limit = limit;
      this.belowOtel = belowOtel;
      this.target = target;
      this.inProcess = inProcess;
      this.display = display;
      this.pairedAdded = pairedAdded;
      this.pairedVsOtel = pairedVsOtel;
    }

    /**
     * A per-call row measured in paired windows: {@code metric} is {@code <loop>.paired.us}, its
     * added figure {@code <loop>.paired.added.us}, its comparison with OTel {@code <loop>.paired.vs_otel.us}.
     */
    static Row paired(String group, String figure, String metric, String unit, Kind kind, double limit,
        boolean belowOtel, String target) {
      String base = metric.substring(0, metric.length() - ".us".length());
      return new Row(group, figure, metric, unit, kind, limit, belowOtel, target, false, 1, base + ".added.us",
          base + ".vs_otel.us");
    }

    /**
     * An in-process row; {@code limit} in the measured unit (ns, B), {@code unit} and {@code display}
     * how it is shown.
     */
    static Row inProcess(String group, String figure, String metric, String unit, double display, Kind kind,
        double limit, String target) {
      return new Row(group, "↳ *in process:* " + figure, metric, unit, kind, limit, false, target, true, display,
          null, null);
    }
  }

  private static final String OF_WHICH = "— (of which, in the row above)";

  private static final String PER_CALL_CONTEXT = "— (the former method, context: judged in paired windows,"
      + " first row of the loop)";

  private static final String NON_AI_TIME_CONTEXT = "≤ 1 µs added: judged in process (next rows); between"
      + " JVMs this figure moves by tens of µs from run to run";
  private static final String STARTUP_EXIT_CONTEXT = "— (context: the issue's figure is time to main done, row above;"
      + " exit also waits for a policy still loading on its own thread and for shutdown hooks)";
  private static final String NON_AI_ALLOC_TARGET = "≤ 64 B added (our reading: nothing)";
  private static final String NON_AI_ALLOC_CONTEXT = NON_AI_ALLOC_TARGET + ": judged in process (next rows);"
      + " between JVMs this figure moves by hundreds of bytes";

  /** The whole-JVM CPU rows that get {@link #THREAD_GROUP_TARGET} rows by thread group after them (before ROWS: used to build it). */
  static final List<String> BY_THREAD_GROUP =
      List.of("openai.chat.paired.cpu.us", "azure.chat.paired.cpu.us", "concurrency.cpu.us");

  static final String THREAD_GROUP_TARGET = "— (context: CPU per call by thread group, 10 ms ticks per thread)";

  static final List<Row> ROWS = withThreadGroups(List.of(
      Row.paired("1", "openai-java chat, 2 KB prompt, TLS loopback: time per call, each window's median (one"
          + " thread) / the no-agent window beside it", "openai.chat.paired.us", "µs", Kind.ADDED_AT_MOST, 30, true,
          "≤ 30 µs added, and less than OTel adds"),
      Row.inProcess("1", "the agent's own work on this call: OkHttp hook (request-body copy, response read) + core",
          "micro.okhttp.chat.ns", "µs", 1e-3, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("1", "of which Warden's core alone (requestStarting + responseReceived)", "micro.core.chat.ns",
          "µs", 1e-3, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("1", "the same hook + core with spans recorded (the runs above record none: no exporter is set),"
          + " written as OTLP/JSON to `traces.file` = /dev/null: exporter included", "micro.okhttp.chat.spans.ns",
          "µs", 1e-3, Kind.INFO, 0, "— (context)"),
      new Row("1", "openai-java chat: time per call, each JVM's loop, JVMs measured one after the other",
          "openai.chat.us", "µs", Kind.INFO, 0, false, PER_CALL_CONTEXT),
      new Row("1", "openai-java chat: CPU per call, whole client JVM, over the paired windows", "openai.chat.paired.cpu.us",
          "µs", Kind.INFO, 0, false, "— (less sensitive to load)"),
      Row.paired("1", "azure-ai-openai chat, 2 KB prompt, TLS loopback: time per call, each window's median (one"
          + " thread) / the no-agent window beside it", "azure.chat.paired.us", "µs", Kind.ADDED_AT_MOST, 30, true,
          "≤ 30 µs added, and less than OTel adds"),
      Row.inProcess("1", "the agent's own work on this call: azure-core hook (Netty's sendSync and send, response"
          + " observed, body read) + core", "micro.azurecore.chat.ns", "µs", 1e-3, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("1", "of which Warden's core alone (requestStarting + responseReceived)", "micro.core.azurechat.ns",
          "µs", 1e-3, Kind.INFO, 0, OF_WHICH),
      new Row("1", "azure-ai-openai chat: time per call, each JVM's loop, JVMs measured one after the other",
          "azure.chat.us", "µs", Kind.INFO, 0, false, PER_CALL_CONTEXT),
      new Row("1", "azure-ai-openai chat: CPU per call, whole client JVM, over the paired windows",
          "azure.chat.paired.cpu.us", "µs", Kind.INFO, 0, false, "— (less sensitive to load)"),
      new Row("2", "non-AI GET through OkHttp: time per call", "okhttp.get.us", "µs",
          Kind.INFO, 0, false, NON_AI_TIME_CONTEXT),
      Row.inProcess("2", "the OkHttp hook's work on a non-AI GET (`/ping`, as above)", "micro.okhttp.ping.ns", "ns", 1,
          Kind.ADDED_AT_MOST, 1000, "≤ 1 µs added"),
      Row.inProcess("2", "the same, path ending in `s` (`/api/v2/orders`: the endpoint classifier reads it)",
          "micro.okhttp.rest.ns", "ns", 1, Kind.ADDED_AT_MOST, 1000, "≤ 1 µs added"),
      new Row("2", "non-AI GET through OkHttp: CPU per call, whole client JVM", "okhttp.get.cpu.us", "µs",
          Kind.INFO, 0, false, "—"),
      new Row("2", "non-AI GET through java.net.http.HttpClient: time per call", "jdkhttp.get.us", "µs",
          Kind.INFO, 0, false, NON_AI_TIME_CONTEXT),
      Row.inProcess("2", "the java.net.http hook's work on a non-AI GET (`/ping`, as above)", "micro.jdkhttp.ping.ns",
          "ns", 1, Kind.ADDED_AT_MOST, 1000, "≤ 1 µs added"),
      Row.inProcess("2", "the same, path ending in `s` (`/api/v2/orders`: the endpoint classifier reads it)",
          "micro.jdkhttp.rest.ns", "ns", 1, Kind.ADDED_AT_MOST, 1000, "≤ 1 µs added"),
      new Row("2", "non-AI GET through java.net.http: CPU per call, whole client JVM", "jdkhttp.get.cpu.us", "µs",
          Kind.INFO, 0, false, "—"),
      new Row("3", "start-up to main done: hello world (no SDK)", "startup.hello.main.ms", "ms",
          Kind.INFO, 0, false, "—"),
      new Row("3", "start-up to exit: hello world (no SDK)", "startup.hello.ms", "ms",
          Kind.INFO, 0, false, STARTUP_EXIT_CONTEXT),
      new Row("3", "start-up to main done: small app building both SDK clients", "startup.sdk.main.ms", "ms",
          Kind.STARTUP, 150, false, "≤ 150 ms added, ≤ ⅕ of what OTel adds"),
      new Row("3", "start-up to exit: small SDK app", "startup.sdk.ms", "ms",
          Kind.INFO, 0, false, STARTUP_EXIT_CONTEXT),
      new Row("3", "start-up CPU (user+sys) at main done: small SDK app", "startup.sdk.cpu.ms", "ms",
          Kind.INFO, 0, false, "— (less sensitive to load)"),
      new Row("3", "start-up to main done: the same app with 2000 more classes (literals)", "startup.many.main.ms",
          "ms", Kind.STARTUP, 150, false, "≤ 150 ms added, ≤ ⅕ of what OTel adds (our reading)"),
      new Row("3", "start-up to exit: 2000-class app", "startup.many.ms", "ms",
          Kind.INFO, 0, false, STARTUP_EXIT_CONTEXT),
      new Row("3", "start-up CPU (user+sys) at main done: 2000-class app", "startup.many.cpu.ms", "ms",
          Kind.INFO, 0, false, "— (less sensitive to load)"),
      new Row("4", "RSS after warm-up", "mem.rss.mb", "MB", Kind.ADDED_AT_MOST, 25, false, "≤ 25 MB added"),
      new Row("4", "RSS after warm-up, heap shrunk to its live data (MaxHeapFreeRatio=10, full GC)",
          "mem.rss.shrunk.mb", "MB", Kind.INFO, 0, false, "— (the row above without G1's young-generation sizing)"),
      new Row("4", "heap used after warm-up and GC", "mem.heap.mb", "MB", Kind.INFO, 0, false, "—"),
      new Row("4", "non-heap used (classes, JIT code) after warm-up", "mem.nonheap.mb", "MB", Kind.INFO, 0, false,
          "—"),
      new Row("4", "allocated per openai-java chat call (all threads)", "openai.chat.alloc", "B",
          Kind.ADDED_AT_MOST, 2048, false, "≤ 2 KB added"),
      Row.inProcess("4", "allocated by the agent's own work on this call: OkHttp hook + core", "micro.okhttp.chat.alloc",
          "B", 1, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("4", "of which by Warden's core alone", "micro.core.chat.alloc", "B", 1, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("4", "the same hook + core with spans recorded and written (`traces.file` = /dev/null),"
          + " exporter included", "micro.okhttp.chat.spans.alloc", "B", 1, Kind.INFO, 0, "— (context)"),
      new Row("4", "allocated per azure-ai-openai chat call (all threads)", "azure.chat.alloc", "B",
          Kind.ADDED_AT_MOST, 2048, false, "≤ 2 KB added"),
      Row.inProcess("4", "allocated by the agent's own work on this call: azure-core hook + core",
          "micro.azurecore.chat.alloc", "B", 1, Kind.INFO, 0, OF_WHICH),
      Row.inProcess("4", "of which by Warden's core alone", "micro.core.azurechat.alloc", "B", 1, Kind.INFO, 0,
          OF_WHICH),
      new Row("4", "allocated per non-AI OkHttp GET", "okhttp.get.alloc", "B", Kind.INFO, 0, false,
          NON_AI_ALLOC_CONTEXT),
      Row.inProcess("4", "allocated by the OkHttp hook on a non-AI GET (`/ping`)", "micro.okhttp.ping.alloc", "B", 1,
          Kind.ADDED_AT_MOST, 64, NON_AI_ALLOC_TARGET),
      Row.inProcess("4", "the same, `/api/v2/orders`", "micro.okhttp.rest.alloc", "B", 1, Kind.ADDED_AT_MOST, 64,
          NON_AI_ALLOC_TARGET),
      new Row("4", "allocated per non-AI java.net.http GET", "jdkhttp.get.alloc", "B", Kind.INFO, 0, false,
          NON_AI_ALLOC_CONTEXT),
      Row.inProcess("4", "allocated by the java.net.http hook on a non-AI GET (`/ping`)", "micro.jdkhttp.ping.alloc",
          "B", 1, Kind.ADDED_AT_MOST, 64, NON_AI_ALLOC_TARGET),
      Row.inProcess("4", "the same, `/api/v2/orders`", "micro.jdkhttp.rest.alloc", "B", 1, Kind.ADDED_AT_MOST, 64,
          NON_AI_ALLOC_TARGET),
      new Row("5", "10 MB request (base64 image in a chat): time per call", "large.request.ms", "ms",
          Kind.INFO, 0, false, "—"),
      new Row("5", "10 MB request: allocated per call", "large.request.alloc", "MB",
          Kind.BODY_COPIES, 1, false, "≤ 1 body copy added (one bounded inspection buffer, + 64 KB per-call slack)"),
      new Row("5", "10 MB request: peak heap during a call", "large.request.peak.mb", "MB", Kind.INFO, 0, false, "—"),
      new Row("5", "10 MB response (chat, many choices): time per call", "large.response.ms", "ms",
          Kind.INFO, 0, false, "—"),
      new Row("5", "10 MB response: allocated per call", "large.response.alloc", "MB",
          Kind.BODY_COPIES, 1, false, "≤ 1 body copy added (one bounded inspection buffer, + 64 KB per-call slack)"),
      new Row("5", "10 MB response: peak heap during a call", "large.response.peak.mb", "MB", Kind.INFO, 0, false,
          "—"),
      new Row("6", "500-chunk SSE stream, 1 ms between events: time to first chunk", "stream.first.ms", "ms",
          Kind.ADDED_AT_MOST, 1, false, "≤ 1 ms added"),
      new Row("6", "500-chunk SSE stream, 1 ms between events: total", "stream.total.ms", "ms",
          Kind.INFO, 0, false, "—"),
      new Row("6", "500-chunk SSE stream, no pause: total (per-chunk cost)", "stream.fast.total.ms", "ms",
          Kind.INFO, 0, false, "—"),
      new Row("7", "64 threads of openai-java chats: throughput, each 1 s window / the no-agent window beside it",
          "concurrency.paired.ratio", "×", Kind.PAIRED_RATIO_AT_LEAST, 0.95, false, "≥ 95 % of no agent"),
      new Row("7", "64 threads: calls/s over each JVM's windows", "concurrency.calls_per_s", "calls/s",
          Kind.INFO, 0, false, "— (judged in pairs, row above)"),
      new Row("7", "64 threads: CPU per call, whole client JVM", "concurrency.cpu.us", "µs",
          Kind.INFO, 0, false, "—"),
      new Row("7", "64 threads: CPU per call of the local server (same 2 cores)", "concurrency.server.cpu.us", "µs",
          Kind.INFO, 0, false, "—")));

  /**
   * {@code rows} with, after each row of {@link #BY_THREAD_GROUP}, one context row per {@link ThreadCpu}
   * group ({@code <prefix>.cpu.<group>.us}): where in the client JVM the CPU per call goes.
   */
  static List<Row> withThreadGroups(List<Row> rows) {
    List<Row> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(row);
      if (BY_THREAD_GROUP.contains(row.metric)) {
        String prefix = row.metric.substring(0, row.metric.length() - "cpu.us".length());
        for (Map.Entry<String, String> g : ThreadCpu.DESCRIPTIONS.entrySet()) {
          out.add(new Row(row.group, "↳ CPU per call by thread group: " + g.getValue(), prefix + "cpu." + g.getKey()
              + ".us", "µs", Kind.INFO, 0, false, THREAD_GROUP_TARGET));
        }
      }
    }
    return List.copyOf(out);
  }

  private final Suite suite;

  Report(Suite suite) {
    this.suite = suite;
  }

  void write(Path out) throws IOException {
    Map<String, Map<String, List<Double>>> r = suite.results;
    boolean hasPolicy = r.containsKey(Suite.POLICY);
    boolean hasOtel = r.containsKey(Suite.OTEL);
    StringBuilder b = new StringBuilder();
    b.append("# Performance: what ai-warden costs\n\n");
    if (suite.quick()) {
      b.append("> **Smoke run (`--quick`): tiny iteration counts, not the reference figures.** Run the full suite")
          .append(" on a quiet machine for numbers to quote.\n\n");
    }
    String loadAfter = Suite.loadAverage();
    if (loadLooksBusy(suite.loadBefore()) || loadLooksBusy(loadAfter)) {
      b.append("> **The machine was busy during this run** (load average ").append(suite.loadBefore())
          .append(" before, ").append(loadAfter).append(" after, on ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores): timings are noise-dominated. Allocation counts do not depend on load.\n\n");
    }
    b.append("Written by `examples/benchmarks/run.sh").append(suite.argv().isEmpty() ? "" : " ")
        .append(String.join(" ", suite.argv())).append("` on ")
        .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC).format(suite.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append(" UTC in ").append(Duration.between(suite.started(), Instant.now()).toSeconds()).append(" s.\n\n");
    machine(b, loadAfter);

    b.append("\n## Results\n\n");
    b.append("Each cell: median over ").append(suite.rounds()).append(" rounds (start-up: ")
        .append(suite.startupRuns()).append(" runs) of each JVM's median, with the spread (min–max) over rounds.")
        .append(" *Added* is the median of the per-round differences to the no-agent JVM of the same round,")
        .append(" with their spread, and the ratio of medians; for the per-call times of (1), measured in paired")
        .append(" windows, it is the median over rounds of each round's median difference between a window and the")
        .append(" no-agent window beside it (see *How it is measured*).");
    if (!suite.micro.isEmpty()) {
      b.append(" Rows marked ↳ *in process* are JMH micro-benchmarks of the agent's own code, run without an")
          .append(" agent: median (min–max) over every measured iteration")
          .append(suite.microSettings() == null ? "" : " (" + suite.microSettings() + ")")
          .append("; what they measure is all the agent adds there, so the value is also the *added* figure.");
    }
    b.append("\n\n");
    List<String> head = new ArrayList<>(List.of("#", "figure", "no agent", "ai-warden"));
    if (hasPolicy) {
      head.add("ai-warden, full policy");
    }
    if (hasOtel) {
      head.add("OpenTelemetry agent");
    }
    head.add("ai-warden added (ratio)");
    if (hasPolicy) {
      head.add("full policy added");
    }
    if (hasOtel) {
      head.add("OTel added (ratio)");
    }
    head.add("target");
    head.add("result");
    b.append("| ").append(String.join(" | ", head)).append(" |\n");
    b.append("|").append("---|".repeat(head.size())).append("\n");
    int pass = 0;
    int fail = 0;
    for (Row row : ROWS) {
      Map<String, Map<String, List<Double>>> source = row.inProcess ? suite.micro : suite.results;
      List<Double> none = values(source, Suite.NONE, row.metric);
      List<Double> warden = values(source, Suite.WARDEN, row.metric);
      if (row.inProcess || row.kind == Kind.PAIRED_RATIO_AT_LEAST ? warden.isEmpty() : none.isEmpty()) {
        continue;
      }
      List<Double> pol = values(source, Suite.POLICY, row.metric);
      List<Double> ot = values(source, Suite.OTEL, row.metric);
      double scale = row.inProcess ? row.display : row.unit.equals("MB") && row.metric.endsWith(".alloc") ? 1e-6 : 1;
      List<String> cells = new ArrayList<>(List.of(row.group, row.figure, cell(none, row.unit, scale),
          cell(warden, row.unit, scale)));
      if (hasPolicy) {
        cells.add(cell(pol, row.unit, scale));
      }
      if (hasOtel) {
        cells.add(cell(ot, row.unit, scale));
      }
      List<Double> wardenAdded = pairedAdded(source, Suite.WARDEN, row);
      List<Double> polAdded = pairedAdded(source, Suite.POLICY, row);
      List<Double> otAdded = pairedAdded(source, Suite.OTEL, row);
      cells.add(added(warden, none, wardenAdded, row, scale));
      if (hasPolicy) {
        cells.add(added(pol, none, polAdded, row, scale));
      }
      if (hasOtel) {
        cells.add(added(ot, none, otAdded, row, scale));
      }
      cells.add(row.target);
      String verdict = verdict(row, none, warden, pol, ot, wardenAdded, polAdded, otAdded);
      if (verdict.contains("FAIL")) {
        fail++;
      } else if (verdict.contains("PASS")) {
        pass++;
      }
      if (row.pairedVsOtel != null && row.belowOtel && hasOtel && !verdict.equals("n/a")) {
        verdict += resolution(source, row, hasPolicy);
      }
      cells.add(verdict);
      b.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    b.append("\n").append(pass).append(" PASS, ").append(fail).append(" FAIL.\n");

    b.append("\n## Notes\n\n");
    for (String note : suite.notes()) {
      b.append("- ").append(note).append('\n');
    }
    b.append("- Body sizes: 10 MB request = ").append(fmt(first(Suite.NONE, "large.request.bytes") / 1e6))
        .append(" MB on the wire; 10 MB response = ").append(fmt(suite.largeResponseBytes() / 1e6)).append(" MB.")
        .append(" *Body copies* = ai-warden's added allocation per call / body size.\n");
    b.append("- Checks: in every ai-warden run the agent logged one line per AI call it saw (")
        .append(fmt(sum(Suite.WARDEN, "agent.logged_calls"))).append(" lines in all default-policy runs);")
        .append(" no run printed either key.\n");
    b.append(METHOD);
    b.append("\n## Per-round values\n\n<details><summary>each JVM's median, per configuration and round</summary>\n\n");
    valuesTable(b, r);
    if (!suite.micro.isEmpty()) {
      b.append("\n<details><summary>in-process micro-benchmarks: every measured iteration (ns/op, B/op)</summary>\n\n");
      valuesTable(b, suite.micro);
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.write(out, b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static final String METHOD = String.join("\n",
      "",
      "## How it is measured",
      "",
      "- `examples/benchmarks/run.sh` (full, ~60 min on 2 cores) or `--quick` (~3–4 min, a smoke test).",
      "  Sources: `examples/benchmarks/src/main/java/dev/aiwarden/examples/benchmarks/` (`Suite` drives, `Worker` measures",
      "  whole processes, `HookPathBench`, `AiCallBench` and `AzureCallBench` are the in-process micro-benchmarks,",
      "  `Micro` runs them).",
      "- Two kinds of figure. *Whole process*: the same application in separate JVMs with and without an agent,",
      "  which is what a user sees, but a difference between two JVMs carries their own variation (JIT decisions,",
      "  code and heap layout, which threads the OS runs when): rounds of the same no-agent configuration differ",
      "  by tens of µs per non-AI HTTP call and by hundreds of bytes per call in allocation, far more than the",
      "  targets of ≤ 1 µs and ≤ 64 B added per non-AI call. *In process* (rows marked ↳): JMH 1.37 micro-benchmarks,",
      "  without an agent, of exactly the code the agent runs on a hooked client's path, in one JVM, where a few ns",
      "  and bytes are resolved. Targets that are smaller than the whole-process noise are judged in process (the",
      "  non-AI rows of (2) and (4)); there the whole-process rows remain as context. The targets on an AI call (1)",
      "  and (4) stay judged on the whole process; the in-process rows beside them say how much of that is the",
      "  agent's own work.",
      "- The project's local OpenAI/Azure server (`LocalAiServer`) runs in the driving JVM (also a fixed heap,",
      "  `-Xms1g -Xmx1g`, so that its GC pauses do not change as its heap grows): HTTPS on 127.0.0.1",
      "  under the real host names (`-Djdk.net.hosts.file`), certificate trusted by the workers. Non-AI calls go",
      "  to a JDK `HttpServer` answering `GET /ping` over plain HTTP.",
      "- Every configuration is its own forked JVM running the same `Worker` (same flags, `-Xmx1g`; not a fixed",
      "  heap: G1 would then keep all the young generation it had touched, and RSS would measure that): no agent;",
      "  `-javaagent:ai-warden-agent.jar` (default monitor-only policy, no exporter configured, its per-call log",
      "  line on; with no exporter and no `traces.file` ai-warden builds no spans and starts no OpenTelemetry",
      "  SDK, so these rows measure hooks, parsing, provenance, policy and the log line, not span recording:",
      "  the OpenTelemetry agent with its exporters off still records spans); ai-warden with `policy=` the full",
      "  policy (`examples/benchmarks/full-policy.yaml`, every rule",
      "  type, allowing these calls) when the agent has a policy engine; the OpenTelemetry Java agent 2.33.1",
      "  with `-Dotel.{traces,metrics,logs}.exporter=none`. Rounds rotate the order of configurations.",
      "- Per-call figures: a warm-up loop, then more calls until the JIT has settled (four 250 ms blocks in a",
      "  row in which the JIT compilers spent ≤ 2 % of the time compiling and that ended with no method being",
      "  compiled or queued for compiling (HotSpot's `Compiler.queue`), at most 20 s (64 threads: 60 s): `*.settle.calls` in the",
      "  per-round values; before, C2 was still compiling the SDKs' code in the measured loops, taking up to half",
      "  of a worker's CPU there, more in the JVMs with an agent), then N sequential calls each timed with",
      "  `System.nanoTime`: the JVM's median. Allocation: HotSpot's per-thread allocated-bytes counters summed over all threads across the",
      "  measured loop, divided by N (so SDK I/O threads count too), each thread's own difference (a thread that",
      "  ends during the loop is left out rather than subtracting all it ever allocated).",
      "- Time per AI call (1), judged in paired windows: the JVMs of one round, measured one after the other,",
      "  differed by ±15–30 µs per call (the load of the shared machine over minutes), while ai-warden and OTel",
      "  differ by a few µs, so \"less than OTel adds\" was decided by noise. Now each round's workers (one per configuration,",
      "  started one after the other) run their per-call loops as above (the loop's median, CPU and allocation",
      "  figures are still taken there) and then wait; when all have, they take turns on one thread: a 0.5 s window",
      "  of openai-java chats each (--quick: 0.25 s), the order rotating every cycle, then the same for",
      "  azure-ai-openai; 12 cycles (--quick 4) after 6 unmeasured cycles (--quick 1) that reopen connections and",
      "  let the JIT's recompiling after the JVM's idle wait end (with one unmeasured window, the compilers' CPU",
      "  in the windows came almost all from the first 4-6 cycles, more with an agent); then",
      "  each worker goes on with its other groups, one after the other. Per window the **median** time per call",
      "  (each call timed with `System.nanoTime`): a call during which another process took the core or a GC",
      "  paused lands as one outlier of milliseconds, which moves a window's mean by whichever window it fell in",
      "  and not its median (the means are kept too, `*.paired.mean.added.us` in the per-round values); GC and",
      "  allocation are judged in (4). *Added* per pair = the window's median minus that of the no-agent window of",
      "  the same cycle; each round's figure = the median over its cycles (`*.paired.added.us`); the judged figure",
      "  = the median over rounds, with their spread. The value columns: the median over windows of a JVM's",
      "  window medians. Beside the verdict, ai-warden − OTel: the same with the OTel window of the same cycle",
      "  (`*.paired.vs_otel.us`); the run resolves \"less than OTel adds\" only when every round has the same",
      "  sign, else the result says **not resolved**: the verdict's \"less than OTel\" part (which compares the",
      "  two judged *added* figures, as before) is then within the run's noise. CPU per call: the worker's",
      "  process CPU over its windows (10 ms ticks; thousands of calls in the sum) over their calls. The former",
      "  figure (each JVM's loop median, JVMs a minute apart) stays as context.",
      "- In-process figures: each benchmark and parameter in its own JMH fork (`-Xms1g -Xmx1g`, no agent), average",
      "  time per operation, and bytes allocated per operation from `-prof gc`; Warden's core is installed as",
      "  the agent installs it (`Warden.install(new WardenCore(policy, telemetry))`, settings of the JVM: no",
      "  exporter, so each AI call gets its log line and no span, as in the whole-process ai-warden runs).",
      "  Non-AI (`HookPathBench`): what each hook's advice does on entry and exit of the hooked method (OkHttp:",
      "  `RealCall.getResponseWithInterceptorChain`; `java.net.http`: `HttpClientImpl.sendAsync` and `send`), on",
      "  real OkHttp `Call`/`Request` and JDK `HttpRequest` objects, for `/ping` and for a REST path ending in `s`",
      "  (`/api/v2/orders`), which passes the hooks' one-character pre-filter and is read by the endpoint classifier.",
      "  AI (`AiCallBench`): the request openai-java 4.101 really sends for the 2 KB chat (headers with the",
      "  `Authorization` key, body bytes; captured from the local server at set-up, without the headers OkHttp adds",
      "  after the hook) and the local server's real response, handed to the openai-java and OkHttp hooks' adapters",
      "  and core (`okHttpChat`: the whole of what the agent does on that call: the caller found at openai-java's",
      "  `RetryingHttpClient.execute` and kept for the OkHttp hook, request-body copy and response read included) and",
      "  to the core alone (`coreChat`: the caller's walk from `RetryingHttpClient.execute`'s depth, `requestStarting`",
      "  + `responseReceived`), with the default and the full policy. They run under stand-in frames in a package the",
      "  caller search skips, as many as openai-java and OkHttp put between the application and each hook (4 to",
      "  `RetryingHttpClient.execute`, 12 to OkHttp's chain), so the stack walk goes as far as in a real call; the",
      "  log line goes to `/dev/null` through a stream like the JVM's `System.err`. Not included:",
      "  what inlining the advice into the client's own method does to how the JIT compiles that method (the",
      "  benchmarks call the same adapter methods from a plain method); the whole-process rows include it.",
      "  Azure (`AzureCallBench`): at set-up azure-ai-openai 1.0.0-beta.16 really makes the same chat call through",
      "  an azure-core `HttpClient` of the benchmark's that keeps the `HttpRequest` the SDK hands over (URL with",
      "  `api-version`, headers with the `api-key`, body), counts the frames between the application's",
      "  `getChatCompletions` and the client's `sendSync` (where the hook runs), and replays it to the local server",
      "  for its real answer. `azureChat`: what the azure-core hook does on azure-core's default Netty client,",
      "  whose `sendSync` is `send(...).block()`: the `sendSync` advice's request side and core, the `send` advice's",
      "  wrapper on the client's `Mono` (an in-memory response's: blocking on it is counted too, a few tens of bytes),",
      "  the observed response, the body read as `BinaryData` and the response closed; `coreChat`: the core alone.",
      "  Both under as many stand-in frames as that call really had. Not covered in process: the Reactor Netty",
      "  hook (it leaves a call azure-core has to azure-core) and azure's asynchronous client.",
      "- Memory: after the per-call loops, three `System.gc()`, then heap/non-heap used and `VmRSS`; then",
      "  `MinHeapFreeRatio=0`, `MaxHeapFreeRatio=10` (set at run time), three more `System.gc()` (G1 gives back",
      "  the heap its live data does not need) and `VmRSS` again: the shrunk row, without the tens of MB by which",
      "  the young generation G1 happened to touch differs between runs of one configuration.",
      "- Large bodies: a chat request carrying a base64 image data URL of ~10 MB; a chat response of 100000-word",
      "  choices, as many as make 10 MB. Peak heap: heap pools' peak usage reset before each call.",
      "- Streaming: openai-java `createStreaming`, `x-test-words: 500` (500 content chunks); paced by a second",
      "  server that pauses 1 ms between events (`streamChunkDelayMillis`), and unpaced.",
      "- Concurrency: 64 threads sharing one openai-java client whose pool keeps 64 idle connections (as a",
      "  service calling from 64 threads would set it), warmed up first (sequential calls, then every thread's",
      "  first call, a warm-up time and the same JIT settling), then calls completed per second. With the",
      "  client's default pool (5 idle connections) most calls opened a new TLS connection and the JIT never",
      "  settled (`concurrency.loop.jit.ms`). The compile time alone ended the settling too early there: a compile",
      "  counts only once it ends, and with 64 busy threads on 2 cores one C2 compile takes seconds, so blocks",
      "  looked quiet with a hundred methods still queued (`concurrency.settle.queued`: how many were left when",
      "  the loop began); `--noise` shows how far two no-agent JVMs differ. Throughput in paired windows: per",
      "  round one such JVM per configuration, started one after the other (each warms up and settles alone,",
      "  then parks its 64 threads), then they take turns, one 1 s window each (20 per configuration, --quick 8),",
      "  the order rotating every cycle; after each window the JVM parks its threads (the calls under way finish)",
      "  before the next JVM's window. One unmeasured window each first reopens connections. The judged figure is",
      "  the median over rounds of each round's median of per-window ratios (the configuration's calls/s in a",
      "  window over the no-agent window of the same cycle, next to it in time), so a change in the machine's",
      "  load over seconds hits both sides of a ratio alike. CPU per call: the client JVM's CPU from a window's",
      "  start until its threads parked over the calls finished by then; the server's: the suite JVM's CPU",
      "  (it runs the local server; the parked JVMs are idle) over the same span.",
      "- Start-up: whole processes, alternating, default JVM flags. *To main done* (the issue's figure, judged):",
      "  wall time from launching `java` until the last line the app's main prints (flushed, read from a pipe",
      "  as it arrives). *To exit* (context): until the process has exited, which also waits for non-daemon",
      "  threads still working (ai-warden reads and compiles a policy file on one, so that a refused file is",
      "  reported even by a short-lived program) and for shutdown hooks. Until 2026-11-23 the suite judged",
      "  time to exit. And the CPU time (user+sys, `/proc/self/stat`) the app has used when its main is done.",
      "  Then one untimed run per app and configuration with `-Xlog:class+load` gives the note *Classes loaded",
      "  by exit*: all classes, those not from the JDK's CDS archive (each read, parsed and verified) and",
      "  ai-warden's own (shaded libraries included); counts that, unlike timings, do not move with the load.",
      "  The do-nothing agent's class is only in its own jar, as a real agent's is: the JVM finds it after",
      "  every jar of the application's class path (it appends the agent jar last), opening each; on hello",
      "  world with the benchmarks' 62 jars that search is part of the floor (~40 ms), which an application",
      "  that uses its jars pays anyway.",
      "- CPU rows: the client JVM's process CPU time over the measured loop / N (the server runs in the suite's",
      "  JVM; the 64-thread group also shows the server's CPU per call, as it shares the same 2 cores).",
      "- CPU per call by thread group (rows marked ↳ under a CPU row): each thread's utime+stime from",
      "  `/proc/self/task/*/stat` around the same windows, grouped by the thread's Linux name (`comm`, see",
      "  `ThreadCpu`), summed over the measured windows, over their calls. Each thread's counter moves in 10 ms",
      "  ticks, so the sums hold thousands of calls and many windows; *threads that ended* is the process's CPU",
      "  not found in a live thread, so the groups add up to the whole JVM's CPU (up to the ticks' rounding).",
      "- Targets are issue 7's; where it is silent (many-classes start-up, non-AI allocation, what counts as one",
      "  inspection buffer) the row says \"our reading\". Timings on a loaded machine are noise; allocation is not.",
      "");

  /** Every value, one table row per metric and configuration, closing the open details block. */
  private static void valuesTable(StringBuilder b, Map<String, Map<String, List<Double>>> values) {
    b.append("| metric | configuration | values |\n|---|---|---|\n");
    for (Map.Entry<String, Map<String, List<Double>>> c : values.entrySet()) {
      for (Map.Entry<String, List<Double>> m : c.getValue().entrySet()) {
        List<String> v = new ArrayList<>();
        for (double d : m.getValue()) {
          v.add(fmt(d));
        }
        b.append("| ").append(m.getKey()).append(" | ").append(c.getKey()).append(" | ")
            .append(String.join(", ", v)).append(" |\n");
      }
    }
    b.append("\n</details>\n");
  }

  private static boolean loadLooksBusy(String load) {
    try {
      return Double.parseDouble(load.split(" ")[0]) > Runtime.getRuntime().availableProcessors() * 0.75;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void machine(StringBuilder b, String loadAfter) {
    b.append("## Machine\n\n");
    b.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores; memory ").append(memTotal()).append('\n');
    b.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append('\n');
    b.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (").append(suite.java()).append(")\n");
    b.append("- Load average (1/5/15 min): ").append(suite.loadBefore()).append(" before, ").append(loadAfter)
        .append(" after\n");
    b.append("- Settings: ").append(suite.rounds()).append(" rounds, scale ").append(fmt(suite.scale()))
        .append(" of the full iteration counts, ").append(suite.startupRuns()).append(" start-up runs per app");
    if (suite.microSettings() != null) {
      b.append("; micro-benchmarks: ").append(suite.microSettings());
    }
    b.append('\n');
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return fmt(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e6) + " GB";
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return "unknown";
  }

  // --- Figures --------------------------------------------------------------------------------

  private List<Double> values(String config, String metric) {
    return values(suite.results, config, metric);
  }

  private static List<Double> values(Map<String, Map<String, List<Double>>> source, String config, String metric) {
    Map<String, List<Double>> m = source.get(config);
    if (m == null || !m.containsKey(metric)) {
      return List.of();
    }
    return m.get(metric);
  }

  private double first(String config, String metric) {
    for (double d : values(config, metric)) {
      if (!Double.isNaN(d)) {
        return d;
      }
    }
    return Double.NaN;
  }

  private double sum(String config, String metric) {
    double s = 0;
    for (double d : values(config, metric)) {
      if (!Double.isNaN(d)) {
        s += d;
      }
    }
    return s;
  }

  /** Per-round differences {@code with[i] - without[i]} (rounds where both have a value). */
  static List<Double> diffs(List<Double> with, List<Double> without) {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < Math.min(with.size(), without.size()); i++) {
      if (!Double.isNaN(with.get(i)) && !Double.isNaN(without.get(i))) {
        d.add(with.get(i) - without.get(i));
      }
    }
    return d;
  }

  static double median(List<Double> values) {
    double[] v = clean(values);
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double[] clean(List<Double> values) {
    return values.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).toArray();
  }

  private static String cell(List<Double> values, String unit, double scale) {
    double[] v = clean(values);
    if (v.length == 0) {
      return "—";
    }
    Arrays.sort(v);
    String med = fmt(median(values) * scale);
    if (v.length == 1) {
      return med + " " + unit;
    }
    return med + " " + unit + " (" + fmt(v[0] * scale) + "–" + fmt(v[v.length - 1] * scale) + ")";
  }

  /** A paired row's per-round added figures of {@code config}, {@code null} for other rows. */
  private static List<Double> pairedAdded(Map<String, Map<String, List<Double>>> source, String config, Row row) {
    return row.pairedAdded == null ? null : values(source, config, row.pairedAdded);
  }

  /**
   * Beside a paired row's verdict: whether the run resolves "less than OTel adds", in words. Each
   * round's ai-warden - OTel (median over the cycles of each ai-warden window minus the OTel window
   * of the same cycle); resolved when every round has the same sign (of two or more rounds).
   */
  private String resolution(Map<String, Map<String, List<Double>>> source, Row row, boolean hasPolicy) {
    StringBuilder s = new StringBuilder();
    List<String> configs = hasPolicy ? List.of(Suite.WARDEN, Suite.POLICY) : List.of(Suite.WARDEN);
    for (String config : configs) {
      double[] v = clean(values(source, config, row.pairedVsOtel));
      if (v.length == 0) {
        continue;
      }
      Arrays.sort(v);
      s.append(s.length() == 0 ? "; " : ", ").append(config.equals(Suite.WARDEN) ? "ai-warden" : "full policy")
          .append(" − OTel ").append(signed(median(values(source, config, row.pairedVsOtel)))).append(' ')
          .append(row.unit);
      if (v.length < 2) {
        s.append(" (one round: cannot tell whether that sign holds)");
      } else {
        s.append(" (").append(signed(v[0])).append("…").append(signed(v[v.length - 1])).append(")");
        s.append(v[0] > 0 || v[v.length - 1] < 0
            ? ": resolved (all " + v.length + " rounds agree)"
            : ": **not resolved** (the rounds disagree on which adds more: whether it adds less than OTel is"
                + " within this run's noise)");
      }
    }
    return s.toString();
  }

  private String added(List<Double> with, List<Double> without, List<Double> pairedAdded, Row row, double scale) {
    if (row.kind == Kind.PAIRED_RATIO_AT_LEAST) {
      return cell(with, row.unit, scale);
    }
    List<Double> d = pairedAdded != null ? pairedAdded : row.inProcess ? with : diffs(with, without);
    if (d.isEmpty()) {
      return "—";
    }
    double[] v = clean(d);
    Arrays.sort(v);
    double med = median(d);
    StringBuilder s = new StringBuilder(signed(med * scale)).append(' ').append(row.unit);
    if (v.length > 1) {
      s.append(" (").append(signed(v[0] * scale)).append("…").append(signed(v[v.length - 1] * scale)).append(')');
    }
    if (row.kind == Kind.BODY_COPIES) {
      double body = bodyBytes(row);
      if (body > 0) {
        s.append(", ").append(fmt(med / body)).append(" body copies");
      }
    } else if (!row.inProcess) {
      double base = median(without);
      if (base != 0 && !Double.isNaN(base)) {
        s.append(" (").append(String.format(Locale.ROOT, "%.3f", median(with) / base)).append("×)");
      }
    }
    return s.toString();
  }

  private double bodyBytes(Row row) {
    if (row.metric.startsWith("large.request")) {
      return first(Suite.NONE, "large.request.bytes");
    }
    return suite.largeResponseBytes();
  }

  private String verdict(Row row, List<Double> none, List<Double> warden, List<Double> pol, List<Double> ot,
      List<Double> wardenAdded, List<Double> polAdded, List<Double> otAdded) {
    if (row.kind == Kind.INFO) {
      return "—";
    }
    String w = judge(row, none, warden, ot, wardenAdded, otAdded);
    if (pol.isEmpty()) {
      return w;
    }
    String p = judge(row, none, pol, ot, polAdded, otAdded);
    if (w.equals(p)) {
      return w;
    }
    return w + " / full policy: " + p;
  }

  /** {@code withAdded}, {@code otAdded}: a paired row's per-round added figures ({@code null}: other rows). */
  private String judge(Row row, List<Double> none, List<Double> with, List<Double> ot, List<Double> withAdded,
      List<Double> otAdded) {
    if (clean(with).length == 0) {
      return "n/a";
    }
    double added = withAdded != null ? median(withAdded) : row.inProcess ? median(with) : median(diffs(with, none));
    double otelAdded = otAdded != null ? median(otAdded) : ot.isEmpty() ? Double.NaN : median(diffs(ot, none));
    boolean ok;
    switch (row.kind) {
      case ADDED_AT_MOST:
        ok = added <= row.limit && (!row.belowOtel || Double.isNaN(otelAdded) || added < otelAdded);
        break;
      case STARTUP:
        ok = added <= row.limit && (Double.isNaN(otelAdded) || added <= otelAdded / 5);
        break;
      case RATIO_AT_LEAST:
        ok = median(with) / median(none) >= row.limit;
        break;
      case PAIRED_RATIO_AT_LEAST:
        ok = median(with) >= row.limit;
        break;
      case BODY_COPIES:
        double body = bodyBytes(row);
        // One bounded inspection buffer is allowed, plus what any call allocates anyway (the
        // per-call work of a small call, ~10 KB): without that slack, a result of exactly one
        // copy would read as a miss.
        ok = body > 0 && added <= row.limit * body + PER_CALL_SLACK_BYTES;
        break;
      default:
        return "—";
    }
    return ok ? "PASS" : "**FAIL**";
  }

  static String fmt(double d) {
    if (Double.isNaN(d)) {
      return "—";
    }
    double a = Math.abs(d);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", d);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", d);
    }
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static String signed(double d) {
    return (d >= 0 ? "+" : "") + fmt(d);
  }
}
