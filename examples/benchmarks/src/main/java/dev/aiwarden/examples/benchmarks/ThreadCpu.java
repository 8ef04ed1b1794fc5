package dev.aiwarden.examples.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process by thread group, read from Linux's {@code /proc/self/task/<tid>/stat}
 * (utime + stime of each thread, in clock ticks of 10 ms; {@code comm}, the thread's name as Linux
 * knows it, at most 15 characters, says which group). A {@link Snapshot} before and one after a
 * measured stretch give the ticks each group used in between ({@link Snapshot#since}).
 *
 * <p>Resolution: each thread's counter moves in whole ticks, so one thread's reading over one
 * stretch is off by up to 10 ms; the per-call figures are sums over thousands of calls (and over
 * several windows) to mean something. A thread that ended in between is missing from the second
 * snapshot: its CPU is in {@link #EXITED} (the process's own counter, {@code /proc/self/stat},
 * still holds it), so the groups add up to the process's CPU.
 */
final class ThreadCpu {
  /** The groups, in report order. */
  static final String CALLING = "calling";
  static final String JIT = "jit";
  static final String GC = "gc";
  static final String VM = "vm";
  static final String AGENT = "agent";
  static final String SDK = "sdk";
  static final String OTHER = "other";
  /** CPU of threads that ended between two snapshots (process total minus the live threads' sum). */
  static final String EXITED = "exited";

  static final List<String> GROUPS = List.of(CALLING, JIT, GC, VM, AGENT, SDK, OTHER, EXITED);

  /** What the groups hold, for the report. */
  static final Map<String, String> DESCRIPTIONS = descriptions();

  /** Milliseconds per clock tick (USER_HZ is 100 on Linux). */
  static final long TICK_MS = 10;

  private static final Path PROC = Paths.get("/proc/self");

  private ThreadCpu() {}

  private static Map<String, String> descriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(CALLING, "calling threads (`main`, which Linux names `java`; `bench-N`)");
    d.put(JIT, "JIT compilers (`C1/C2 CompilerThre…`)");
    d.put(GC, "GC (`GC Thread#N`, `G1 …`)");
    d.put(VM, "VM thread and periodic task (`VM Thread`, `VM Periodic Tas`)");
    d.put(AGENT, "agent threads (`ai-warden-…`; OTel's `BatchSpanProce…`, `otel…`)");
    d.put(SDK, "SDK I/O threads (`OkHttp …`, `Okio Watchdog`, reactor/Netty, azure)");
    d.put(OTHER, "other live threads (Signal Dispatcher, Finalizer, Common-Cleaner, JMX, …)");
    d.put(EXITED, "threads that ended during the stretch");
    return d;
  }

  /** The group of a thread by its Linux name ({@code comm}, at most 15 characters). */
  static String group(String comm) {
    // The launcher's main thread keeps the process's name ("java"): Java renames only the threads it starts.
    if (comm.equals("java") || comm.equals("main") || comm.startsWith("bench-")) {
      return CALLING;
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre") || comm.startsWith("Compiler")) {
      return JIT;
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("GC ")) {
      return GC;
    }
    if (comm.startsWith("VM ")) {
      return VM;
    }
    if (comm.startsWith("ai-warden") || comm.startsWith("BatchSpanProce") || comm.startsWith("otel")) {
      return AGENT;
    }
    if (comm.startsWith("OkHttp") || comm.startsWith("Okio") || comm.startsWith("reactor-") || comm.startsWith("azure")
        || comm.startsWith("boundedElastic") || comm.startsWith("parallel-") || comm.startsWith("HttpClient")
        || comm.startsWith("nioEventLoop") || comm.startsWith("epollEventLoop")) {
      return SDK;
    }
    return OTHER;
  }

  /** The CPU ticks of each live thread (and of the whole process) at one moment. */
  static final class Snapshot {
    /** tid -> utime + stime; the thread's comm in {@link #names}. */
    final Map<String, Long> ticks = new HashMap<>();
    final Map<String, String> names = new HashMap<>();
    /** The process's ticks (live and ended threads), or -1 when unknown. */
    long process = -1;

    /**
     * Ticks per group since {@code before} (a thread new since then counts from 0), {@link #EXITED}
     * being the process's ticks not accounted for by live threads; every group present, in
     * {@link #GROUPS} order.
     */
    Map<String, Long> since(Snapshot before) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (String g : GROUPS) {
        out.put(g, 0L);
      }
      long live = 0;
      for (Map.Entry<String, Long> e : ticks.entrySet()) {
        long d = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
        out.merge(group(names.get(e.getKey())), d, Long::sum);
        live += d;
      }
      if (process >= 0 && before.process >= 0) {
        out.put(EXITED, Math.max(0, process - before.process - live));
      }
      return out;
    }
  }

  /** The snapshot of this process now (empty when not on Linux). */
  static Snapshot now() {
    return read(PROC);
  }

  /** A snapshot of the process whose {@code /proc/<pid>} is {@code proc}; unreadable threads are left out. */
  static Snapshot read(Path proc) {
    Snapshot s = new Snapshot();
    try {
      s.process = ticks(Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      s.process = -1;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          String tid = task.getFileName().toString();
          s.ticks.put(tid, ticks(stat));
          s.names.put(tid, comm(stat));
        } catch (IOException | RuntimeException e) {
          // The thread ended while we read: its CPU shows up in EXITED.
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: no threads.
    }
    return s;
  }

  /** utime + stime (fields 14 and 15) of a {@code stat} line. */
  static long ticks(String stat) {
    // comm may hold spaces and parentheses: the fields after it start after the last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // After "pid (comm) ": state is field 3 of the file, so utime (14) and stime (15) are 11 and 12.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The thread name between the first '(' and the last ')' of a {@code stat} line. */
  static String comm(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** Ticks per group summed over several stretches. */
  static final class Sum {
    final Map<String, Long> ticks = new LinkedHashMap<>();

    void add(Map<String, Long> stretch) {
      for (Map.Entry<String, Long> e : stretch.entrySet()) {
        ticks.merge(e.getKey(), e.getValue(), Long::sum);
      }
    }

    /** µs of CPU per call of each group, {@code calls} over the summed stretches. */
    Map<String, Double> perCallMicros(long calls) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String g : GROUPS) {
        out.put(g, ticks.getOrDefault(g, 0L) * TICK_MS * 1e3 / Math.max(1, calls));
      }
      return out;
    }
  }
}
