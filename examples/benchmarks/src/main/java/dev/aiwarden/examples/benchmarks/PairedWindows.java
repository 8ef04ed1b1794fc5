package dev.aiwarden.examples.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One round of a figure measured in paired windows: one worker JVM per configuration, started one
 * after the other (each warms up and lets its JIT settle alone, then waits), then the JVMs call in
 * turn, one short window each, the order rotating every cycle. Each configuration's window is
 * compared with the no-agent window of the same cycle, right next to it in time: on a shared 2-core
 * machine the load of other processes changes over seconds, and comparing whole JVMs measured a
 * minute apart compared that load.
 *
 * <p>{@link #concurrency}: the 64-thread throughput (7); the round's figure is the median of the
 * per-window ratios ({@code concurrency.paired.ratio}). The suite's own CPU over each window (it
 * runs the local server; the workers are idle but the one calling) gives the server's CPU per call
 * ({@code concurrency.server.cpu.us}).
 *
 * <p>{@link #perCall}: the time per call of the one-thread chats (1), in the round's ordinary
 * workers: each runs its per-call loops (time, CPU and allocation, as before), then waits; after
 * the windows each goes on, one after the other, with its other groups. Per window the median time
 * per call; the round's figures ({@link #callFigures}) are medians over windows of per-window
 * differences.
 */
final class PairedWindows {
  /** Measured windows per configuration and round (--quick: fewer). */
  static final int WINDOWS = 20;
  static final int QUICK_WINDOWS = 8;
  /** How long one window lets a JVM's 64 threads call. */
  static final long WINDOW_MS = 1000;
  /**
   * Per-call windows (1) per loop, configuration and round, and their length (--quick: fewer,
   * shorter). 0.5 s is ~2700 openai-java or ~350 azure-ai-openai calls: enough for a steady median,
   * and short enough to keep the two windows of a pair close in time. 12 x 0.5 s x 2 loops x 4
   * configurations add ~50 s per round.
   */
  static final int CALL_WINDOWS = 12;
  static final int QUICK_CALL_WINDOWS = 4;
  /**
   * Unmeasured cycles of per-call windows (1) before the measured ones (--quick: fewer). The JVMs
   * waited, idle, while the others ran their loops; when they call again, connections reopen, a few
   * compiled methods deoptimise (TLS reads, okio) and C2 recompiles them and first compiles the
   * per-call methods whose counters only now cross its thresholds: with one unmeasured window, the
   * JIT compilers' CPU in the windows came almost all from the first 4-6 cycles (openai-java: 10-29
   * ticks of 10 ms per window, then 0-5), more in the JVMs with an agent (their per-call trees are
   * larger), so the windows measured that tail rather than the settled JVM (`--only openai,azure
   * --rounds 2 --no-otel --policy none`: the openai-java JIT row was 51 µs per call without an agent
   * and 91 with ai-warden; after 6 unmeasured cycles 12 and 7). 6 x 0.5 s x 2 loops x 4
   * configurations add ~24 s per round.
   */
  static final int CALL_WARM_CYCLES = 6;
  static final int QUICK_CALL_WARM_CYCLES = 1;
  static final long CALL_WINDOW_MS = 500;
  static final long QUICK_CALL_WINDOW_MS = 250;

  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final Suite suite;
  private final int round;

  PairedWindows(Suite suite, int round) {
    this.suite = suite;
    this.round = round;
  }

  /**
   * Row (1): the round's workers of the per-call groups ({@code args} with {@code percall.paired}),
   * paired on {@code loops} ({@code openai.chat}, {@code azure.chat}); config -> its metrics (the
   * worker's own, all groups, plus {@link #callFigures} per loop).
   */
  Map<String, Map<String, Double>> perCall(List<String> common, List<String> args, List<String> loops)
      throws Exception {
    List<String> order = Suite.rotated(suite.configNames(), round);
    String tag = "r" + (round + 1);
    Map<String, Jvm> jvms = new LinkedHashMap<>();
    try {
      start(jvms, order, tag, "%s ...", common, args);
      long ms = suite.quick() ? QUICK_CALL_WINDOW_MS : CALL_WINDOW_MS;
      // Every JVM idled while the others ran: unmeasured cycles, as the measured ones, reopen its
      // connections and let the JIT's recompiling after the pause end (CALL_WARM_CYCLES).
      int warm = suite.quick() ? QUICK_CALL_WARM_CYCLES : CALL_WARM_CYCLES;
      for (int i = 0; i < warm; i++) {
        for (String loop : loops) {
          for (String config : Suite.rotated(order, i)) {
            jvms.get(config).window("RUN " + loop + " " + ms);
          }
        }
      }
      for (Jvm jvm : jvms.values()) {
        jvm.send("MEASURE");
      }
      int windows = suite.quick() ? QUICK_CALL_WINDOWS : CALL_WINDOWS;
      System.out.printf("round %d/%d: %s, %d paired windows of %d ms ...%n", round + 1, suite.rounds(),
          String.join(", ", loops), windows, ms);
      Map<String, Map<String, List<long[]>>> byLoop = new LinkedHashMap<>();
      for (int i = 0; i < windows; i++) {
        for (String loop : loops) {
          for (String config : Suite.rotated(order, i)) {
            byLoop.computeIfAbsent(loop, k -> new LinkedHashMap<>())
                .computeIfAbsent(config, k -> new ArrayList<>())
                .add(jvms.get(config).window("RUN " + loop + " " + ms));
          }
        }
      }
      Map<String, Map<String, Double>> out = new LinkedHashMap<>();
      for (String config : order) {
        System.out.printf("round %d/%d: %s, the other groups ...%n", round + 1, suite.rounds(), config);
        Map<String, Double> m = jvms.get(config).end();
        for (Map.Entry<String, Map<String, List<long[]>>> e : byLoop.entrySet()) {
          m.putAll(callFigures(e.getKey(), config, e.getValue()));
        }
        out.put(config, m);
      }
      return out;
    } finally {
      for (Jvm jvm : jvms.values()) {
        jvm.process.destroyForcibly();
      }
    }
  }

  /**
   * Starts the round's JVMs into {@code jvms} one after the other, each once the one before is ready
   * (so each warms up alone); {@code what} is the progress line, {@code %s} the configuration.
   */
  private void start(Map<String, Jvm> jvms, List<String> order, String tag, String what, List<String> common,
      List<String> args) throws IOException {
    for (String config : order) {
      System.out.printf("round %d/%d: " + what + "%n", round + 1, suite.rounds(), config);
      Jvm jvm = new Jvm(tag, config, common, args);
      jvms.put(config, jvm);
      jvm.awaitReady();
    }
  }

  /**
   * One round's figures of a per-call loop for {@code config}, from every configuration's windows in
   * cycle order (fields as the worker prints them: calls, wall ns, median ns, process CPU ns, mean ns):
   * {@code <loop>.paired.us} the median over its windows of each window's median time per call;
   * {@code .paired.added.us} the median over cycles of (its window's median - the no-agent window's
   * median); {@code .paired.mean.added.us} the same with each window's mean; {@code .paired.vs_otel.us}
   * (agents other than OTel) the same against the OTel window; {@code .paired.cpu.us} the process CPU
   * of its windows over their calls.
   */
  static Map<String, Double> callFigures(String loop, String config, Map<String, List<long[]>> byConfig) {
    Map<String, Double> m = new LinkedHashMap<>();
    List<long[]> mine = byConfig.get(config);
    List<Double> medians = new ArrayList<>();
    long cpu = 0;
    long calls = 0;
    for (long[] w : mine) {
      medians.add(w[2] / 1e3);
      cpu += w[3];
      calls += w[0];
    }
    m.put(loop + ".paired.us", Report.median(medians));
    m.put(loop + ".paired.cpu.us", cpu / 1e3 / Math.max(1, calls));
    List<long[]> none = byConfig.get(Suite.NONE);
    if (!config.equals(Suite.NONE) && none != null) {
      m.put(loop + ".paired.added.us", medianDifference(mine, none, 2));
      m.put(loop + ".paired.mean.added.us", medianDifference(mine, none, 4));
    }
    List<long[]> otel = byConfig.get(Suite.OTEL);
    if (!config.equals(Suite.NONE) && !config.equals(Suite.OTEL) && otel != null) {
      m.put(loop + ".paired.vs_otel.us", medianDifference(mine, otel, 2));
    }
    return m;
  }

  /** The median over cycles of {@code a[i][field] - b[i][field]}, ns to µs. */
  private static double medianDifference(List<long[]> a, List<long[]> b, int field) {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      d.add((a.get(i)[field] - b.get(i)[field]) / 1e3);
    }
    return Report.median(d);
  }

  /** Row (7): runs the round; config -> its metrics (the worker's own, plus the paired ratio and the server's CPU). */
  Map<String, Map<String, Double>> concurrency(List<String> common, List<String> args) throws Exception {
    List<String> order = Suite.rotated(suite.configNames(), round);
    String tag = "r" + (round + 1) + "-concurrency";
    Map<String, Jvm> jvms = new LinkedHashMap<>();
    try {
      start(jvms, order, tag, "concurrency, %s warming up ...", common, args);
      // Every JVM's connections idled while the others warmed up: one unmeasured window each.
      for (Jvm jvm : jvms.values()) {
        jvm.window("RUN " + WINDOW_MS);
      }
      for (Jvm jvm : jvms.values()) {
        jvm.send("MEASURE");
      }
      int windows = suite.quick() ? QUICK_WINDOWS : WINDOWS;
      System.out.printf("round %d/%d: concurrency, %d paired windows of %d ms ...%n", round + 1, suite.rounds(),
          windows, WINDOW_MS);
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<String, long[]> server = new LinkedHashMap<>();
      for (int i = 0; i < windows; i++) {
        for (String config : Suite.rotated(order, i)) {
          long cpu0 = CPU.getProcessCpuTime();
          long[] w = jvms.get(config).window("RUN " + WINDOW_MS);
          long cpu1 = CPU.getProcessCpuTime();
          rates.computeIfAbsent(config, k -> new ArrayList<>()).add(w[0] / (w[1] / 1e9));
          long[] s = server.computeIfAbsent(config, k -> new long[2]);
          s[0] += cpu1 - cpu0;
          s[1] += w[2];
        }
      }
      Map<String, Map<String, Double>> out = new LinkedHashMap<>();
      List<Double> none = rates.get(Suite.NONE);
      for (String config : order) {
        Map<String, Double> m = jvms.get(config).end();
        List<Double> mine = rates.get(config);
        m.put("concurrency.window.calls_per_s", Report.median(mine));
        if (!config.equals(Suite.NONE) && none != null) {
          List<Double> ratios = new ArrayList<>();
          for (int i = 0; i < mine.size(); i++) {
            ratios.add(mine.get(i) / none.get(i));
          }
          m.put("concurrency.paired.ratio", Report.median(ratios));
        }
        long[] s = server.get(config);
        m.put("concurrency.server.cpu.us", s[0] / 1e3 / Math.max(1, s[1]));
        out.put(config, m);
      }
      return out;
    } finally {
      for (Jvm jvm : jvms.values()) {
        jvm.process.destroyForcibly();
      }
    }
  }

  /** A worker JVM in the paired-window protocol of {@code Worker#windows}. */
  private final class Jvm {
    final String tag;
    final String config;
    final Process process;
    final Path stdout;
    final Path stderr;
    final BufferedReader in;
    final Writer commands;
    final StringBuilder output = new StringBuilder();

    Jvm(String tag, String config, List<String> common, List<String> args) throws IOException {
      this.tag = tag;
      this.config = config;
      stdout = suite.work().resolve("runs/" + tag + "-" + config + ".out");
      stderr = suite.work().resolve("runs/" + tag + "-" + config + ".err");
      process = suite.workerProcess(tag, config, common, args).redirectError(stderr.toFile()).start();
      in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    void awaitReady() throws IOException {
      readUntil("READY");
    }

    /** One window: sends {@code command}, returns the numbers of the worker's {@code WINDOW} line. */
    long[] window(String command) throws IOException {
      send(command);
      String[] f = readUntil("WINDOW ").split(" ");
      long[] w = new long[f.length - 1];
      for (int i = 0; i < w.length; i++) {
        w[i] = Long.parseLong(f[i + 1]);
      }
      return w;
    }

    void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    Map<String, Double> end() throws Exception {
      send("END");
      commands.close();
      for (String line; (line = in.readLine()) != null; ) {
        output.append(line).append('\n');
      }
      // After the per-call windows a worker goes on with its other groups: as long as runWorker allows.
      if (!process.waitFor(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("worker " + tag + " " + config + " did not end; see " + stderr);
      }
      Files.writeString(stdout, output);
      return suite.workerMetrics(tag, config, process.exitValue(), output.toString(), stderr);
    }

    private String readUntil(String prefix) throws IOException {
      for (String line; (line = in.readLine()) != null; ) {
        output.append(line).append('\n');
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      Files.writeString(stdout, output);
      throw new IllegalStateException("worker " + tag + " " + config + " ended before " + prefix.trim() + "; see "
          + stderr + "\n" + Suite.tail(Files.readString(stderr), 3000));
    }
  }
}
