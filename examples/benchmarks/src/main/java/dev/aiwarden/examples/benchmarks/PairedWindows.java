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
 * One round of the 64-thread throughput figure (7), measured in paired windows: one worker JVM
 * per configuration, started one after the other (each warms up and lets its JIT settle alone,
 * then waits with its 64 threads stopped), then the JVMs call in turn, one short window each, the
 * order rotating every cycle. Each configuration's window is compared with the no-agent window of
 * the same cycle, right next to it in time: on a shared 2-core machine the load of other processes
 * changes over seconds, and comparing whole JVMs measured a minute apart compared that load. The
 * round's figure is the median of those per-window ratios ({@code concurrency.paired.ratio}). The
 * suite's own CPU over each window (it runs the local server; the workers are idle but the one
 * calling) gives the server's CPU per call ({@code concurrency.server.cpu.us}).
 */
final class PairedWindows {
  /** Measured windows per configuration and round (--quick: fewer). */
  static final int WINDOWS = 20;
  static final int QUICK_WINDOWS = 8;
  /** How long one window lets a JVM's 64 threads call. */
  static final long WINDOW_MS = 1000;

  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final Suite suite;
  private final int round;

  PairedWindows(Suite suite, int round) {
    this.suite = suite;
    this.round = round;
  }

  /** Runs the round; config -> its metrics (the worker's own, plus the paired ratio and the server's CPU). */
  Map<String, Map<String, Double>> run(List<String> common, List<String> args) throws Exception {
    List<String> order = Suite.rotated(suite.configNames(), round);
    String tag = "r" + (round + 1) + "-concurrency";
    Map<String, Jvm> jvms = new LinkedHashMap<>();
    try {
      for (String config : order) {
        System.out.printf("round %d/%d: concurrency, %s warming up ...%n", round + 1, suite.rounds(), config);
        Jvm jvm = new Jvm(tag, config, common, args);
        jvms.put(config, jvm);
        jvm.awaitReady();
      }
      // Every JVM's connections idled while the others warmed up: one unmeasured window each.
      for (Jvm jvm : jvms.values()) {
        jvm.window();
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
          long[] w = jvms.get(config).window();
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

    /** One window: {calls in it, its wall ns, calls until every thread had stopped}. */
    long[] window() throws IOException {
      send("RUN " + WINDOW_MS);
      String[] f = readUntil("WINDOW ").split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
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
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
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
