package dev.aiwarden.examples.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the heap so far by all live threads of this JVM (HotSpot's per-thread
 * allocation counters): the difference over a loop of calls, divided by the calls, is the
 * allocation per call of the application, the SDK, its I/O threads and any agent together. Unlike
 * a time, it does not depend on how loaded the machine is.
 */
final class Allocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocation() {}

  static long total() {
    long[] ids = THREADS.getAllThreadIds();
    long sum = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
      if (bytes > 0) {
        sum += bytes;
      }
    }
    return sum;
  }
}
