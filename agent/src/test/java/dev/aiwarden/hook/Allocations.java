package dev.aiwarden.hook;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread (HotSpot's per-thread counter): deterministic enough for
 * "allocates nothing" and "copies once" assertions after a warm-up, unlike any timing.
 */
public final class Allocations {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /** Bytes {@code action} allocates per run, averaged over {@code runs} after as many warm-up runs. */
  public static long perRun(int runs, ThrowingRunnable action) throws Exception {
    for (int i = 0; i < runs; i++) {
      action.run();
    }
    long id = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(id);
    for (int i = 0; i < runs; i++) {
      action.run();
    }
    return (THREADS.getThreadAllocatedBytes(id) - before) / runs;
  }

  /** A piece of test code that may throw. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
