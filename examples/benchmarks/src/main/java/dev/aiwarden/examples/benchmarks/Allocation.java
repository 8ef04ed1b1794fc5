package dev.aiwarden.examples.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated on the heap by all threads of this JVM between two moments (HotSpot's per-thread
 * allocation counters): over a loop of calls, divided by the calls, the allocation per call of the
 * application, the SDK, its I/O threads and any agent together. Unlike a time, it does not depend
 * on how loaded the machine is.
 *
 * <p>Counted per thread: a thread's bytes since the start (all of them for a thread started since).
 * A thread that ends in between is left out (its last bytes are lost); a plain difference of totals
 * would instead subtract everything that thread had ever allocated (the JVM forgets an ended
 * thread's counter), so an idle pool thread of an HTTP client or SDK timing out during a loop would
 * make the figure of that one JVM too small by its whole history.
 */
final class Allocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> start;

  private Allocation(Map<Long, Long> start) {
    this.start = start;
  }

  /** The counters now. */
  static Allocation start() {
    return new Allocation(counters());
  }

  /** Bytes allocated since {@link #start()} by the threads alive now. */
  long allocatedSince() {
    long sum = 0;
    for (Map.Entry<Long, Long> t : counters().entrySet()) {
      sum += t.getValue() - start.getOrDefault(t.getKey(), 0L);
    }
    return sum;
  }

  private static Map<Long, Long> counters() {
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    Map<Long, Long> m = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        m.put(ids[i], bytes[i]);
      }
    }
    return m;
  }
}
