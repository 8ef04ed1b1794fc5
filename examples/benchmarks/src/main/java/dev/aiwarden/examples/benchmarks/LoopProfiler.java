package dev.aiwarden.examples.benchmarks;

import java.lang.reflect.Method;

/**
 * Profiles only the measured loops of a {@link Worker} (not its start-up or warm-up) with
 * async-profiler, when the suite asks for it ({@code --asprof}): the worker's JVM then has {@code
 * -Dbench.asprof=<async-profiler options>} (e.g. {@code event=itimer,interval=100us}), {@code
 * -Dbench.asprof.lib=<libasyncProfiler.so>} and {@code -Dbench.asprof.prefix=<path prefix>}, and
 * async-profiler's Java API ({@code one.profiler.AsyncProfiler}, in its Maven Central jar) on its
 * class path. Each loop writes {@code <prefix>-<loop>.collapsed} (collapsed stacks, one line per
 * distinct stack with its sample count: diff two configurations' files frame by frame).
 *
 * <p>Reflection, so the measured JVMs carry no async-profiler classes unless asked; without the
 * properties every method does nothing.
 */
final class LoopProfiler {
  private static final String OPTIONS = System.getProperty("bench.asprof");
  private static final Object PROFILER = load();
  /** {@code -Dbench.marks=true}: print each loop's start and end in JVM up-time ms (to line up with -XX:+PrintCompilation). */
  private static final boolean MARKS = Boolean.getBoolean("bench.marks");

  private LoopProfiler() {}

  private static Object load() {
    if (OPTIONS == null) {
      return null;
    }
    try {
      Class<?> c = Class.forName("one.profiler.AsyncProfiler");
      String lib = System.getProperty("bench.asprof.lib");
      return lib == null
          ? c.getMethod("getInstance").invoke(null)
          : c.getMethod("getInstance", String.class).invoke(null, lib);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("bench.asprof is set but async-profiler cannot be loaded", e);
    }
  }

  /** Starts sampling before the measured part of loop {@code name}. */
  static void start(String name) {
    mark("start", name);
    execute("start," + OPTIONS);
  }

  /** Stops sampling after the measured part of loop {@code name} and writes its collapsed stacks. */
  static void stop(String name) {
    mark("stop", name);
    if (PROFILER != null) {
      execute("stop,collapsed,file=" + System.getProperty("bench.asprof.prefix", "profile") + "-" + name + ".collapsed");
    }
  }

  private static void mark(String what, String name) {
    if (MARKS) {
      System.out.println("LOOP " + what + " " + name + " "
          + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
    }
  }

  private static void execute(String command) {
    if (PROFILER == null) {
      return;
    }
    try {
      Method m = PROFILER.getClass().getMethod("execute", String.class);
      m.invoke(PROFILER, command);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("async-profiler: " + command, e);
    }
  }
}
