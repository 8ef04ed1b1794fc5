package dev.aiwarden.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Start-up cost of the agent: time from launching {@code java} to the process exiting, for an
 * application that never calls an AI endpoint and for one that loads both SDKs (so the hooks are
 * installed), each measured without and with {@code -javaagent:ai-warden-agent.jar} in the same
 * run, alternating, median of N with min..max. Prints the added milliseconds and the ratio.
 *
 * <p>Usage: {@code StartupBenchmark AGENT_JAR CLASSPATH [RUNS]}; {@code startup.sh} does it all.
 */
public final class StartupBenchmark {
  public static void main(String[] args) throws Exception {
    String agent = args[0];
    String classpath = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 11;
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    System.out.printf("start-up, %d runs each, %s, %d cores%n", runs, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-44s %10s %16s %10s %8s%n", "application", "median ms", "min..max ms", "added ms", "ratio");
    for (String app : new String[] {HelloApp.class.getName(), SdkStartupApp.class.getName()}) {
      long[] without = new long[runs];
      long[] with = new long[runs];
      measure(java, null, classpath, app); // warm the file cache
      measure(java, agent, classpath, app);
      for (int i = 0; i < runs; i++) {
        without[i] = measure(java, null, classpath, app);
        with[i] = measure(java, agent, classpath, app);
      }
      print(app + " (no agent)", without, -1);
      print(app + " (ai-warden)", with, median(without));
    }
  }

  private static long measure(String java, String agent, String classpath, String app)
      throws Exception {
    List<String> cmd = new ArrayList<>(Arrays.asList(java, "-cp", classpath));
    if (agent != null) {
      cmd.add(1, "-javaagent:" + agent);
    }
    cmd.add(app);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("failed: " + cmd);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static void print(String label, long[] values, long baseline) {
    long[] v = values.clone();
    Arrays.sort(v);
    long med = v[v.length / 2];
    String added = baseline < 0 ? "" : String.valueOf(med - baseline);
    String ratio = baseline < 0 ? "" : String.format("%.2f", (double) med / baseline);
    System.out.printf("%-44s %10d %16s %10s %8s%n",
        label.replace("dev.aiwarden.benchmarks.", ""), med, v[0] + ".." + v[v.length - 1], added, ratio);
  }

  private StartupBenchmark() {}
}
