package dev.aiwarden.examples.benchmarks;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many methods the JIT compilers are compiling or have queued right now, read from HotSpot's
 * {@code Compiler.queue} diagnostic command (the one {@code jcmd PID Compiler.queue} runs).
 *
 * <p>Why the settling of {@link Worker} asks it: {@code CompilationMXBean.getTotalCompilationTime}
 * grows only when a compile ends. With 64 busy threads on 2 cores a C2 compiler thread gets a
 * small share of a core, one compile of a big method takes seconds of wall time, and blocks of
 * calls passed while it ran look quiet: the settling ended with dozens of methods still queued,
 * and they were compiled in the measured loop (seconds of it, more in a JVM with more code to
 * compile, such as one with an agent). A loop counts as settled only when the queues are empty too.
 */
final class CompileQueue {
  private CompileQueue() {}

  /** Methods being compiled or queued now, or -1 when the JVM does not say (not HotSpot). */
  static int pending() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      Object out =
          server.invoke(
              new ObjectName("com.sun.management:type=DiagnosticCommand"),
              "compilerQueue",
              new Object[] {null},
              new String[] {String[].class.getName()});
      return count(String.valueOf(out));
    } catch (Exception | LinkageError e) {
      return -1;
    }
  }

  /**
   * The tasks listed in {@code Compiler.queue}'s output: one line per method, under "Current
   * compiles:" and under each compiler's "... compile queue:" (which says "Empty" when it is).
   */
  static int count(String output) {
    int tasks = 0;
    boolean inList = false;
    for (String raw : output.split("\n")) {
      String line = raw.trim();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("Current compiles:") || line.endsWith("compile queue:")) {
        inList = true;
      } else if (line.equals("Empty") || line.startsWith("----")) {
        // no task on this line
      } else if (inList) {
        tasks++;
      }
    }
    return tasks;
  }
}
