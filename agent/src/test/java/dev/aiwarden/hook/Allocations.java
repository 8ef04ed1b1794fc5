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

  /**
   * Bytes {@code action} allocates per run after {@code warm} warm-up runs: the least of {@code
   * blocks} blocks of {@code measured / blocks} runs. What a run always allocates is in every
   * block; what a background thread makes the calling thread allocate only now and then (the log
   * writer falling behind on a busy machine) is not, and would make one block's figure depend on
   * the machine's load.
   */
  public static long leastPerRun(int warm, int measured, int blocks, ThrowingRunnable action)
      throws Exception {
    for (int i = 0; i < warm; i++) {
      action.run();
    }
    long id = Thread.currentThread().getId();
    int runs = measured / blocks;
    long least = Long.MAX_VALUE;
    for (int block = 0; block < blocks; block++) {
      long start = THREADS.getThreadAllocatedBytes(id);
      for (int i = 0; i < runs; i++) {
        action.run();
      }
      least = Math.min(least, (THREADS.getThreadAllocatedBytes(id) - start) / runs);
    }
    return least;
  }

  /** A piece of test code that may throw. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
