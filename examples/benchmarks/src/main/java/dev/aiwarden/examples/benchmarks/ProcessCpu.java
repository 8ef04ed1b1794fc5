package dev.aiwarden.examples.benchmarks;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;

/**
 * CPU time (user + system, all threads) this process has used so far, read from {@code
 * /proc/self/stat} without loading the management classes (the start-up apps print it when their
 * main is done). CPU time suffers far less than wall time when other processes share the cores.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Milliseconds (10 ms resolution: Linux clock ticks of 1/100 s), or -1 when unknown. */
  static long millis() {
    try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
      String s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // After "pid (comm) ": state is field 3 of the file, so utime (14) and stime (15) are 11 and 12.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (Exception e) {
      return -1;
    }
  }

  /** How the line the suite reads from a start-up app's output begins. */
  static final String PREFIX = "CPU_MS ";

  /**
   * The line the suite reads from a start-up app's output: the app's CPU so far; printed as the last
   * thing its main does, so its arrival also marks "main done" ({@link StartupOutput}).
   */
  static void print() {
    System.out.println(PREFIX + millis());
  }
}
