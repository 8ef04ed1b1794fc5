package dev.aiwarden.telemetry;

import dev.aiwarden.bootstrap.Warden;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the agent exports on. Each is a daemon named {@code ai-warden-export-N} and runs
 * with {@link Warden#suppressed()} true for its whole life, so hooks never record (or police) the
 * agent's own exporter traffic. Its context class loader is the agent's.
 */
final class ExportThreads implements ThreadFactory {
  static final String NAME_PREFIX = "ai-warden-export-";
  static final ExportThreads FACTORY = new ExportThreads();

  private static final AtomicInteger COUNT = new AtomicInteger();

  private ExportThreads() {}

  @Override
  public Thread newThread(Runnable task) {
    Runnable suppressed =
        () -> {
          Warden.setSuppressed(true);
          task.run();
        };
    Thread t = new Thread(suppressed, NAME_PREFIX + COUNT.incrementAndGet());
    t.setDaemon(true);
    t.setContextClassLoader(ExportThreads.class.getClassLoader());
    return t;
  }

  /** An executor for an exporter's HTTP sender: at most {@code threads} threads, idle ones end. */
  static ExecutorService executor(int threads) {
    java.util.concurrent.ThreadPoolExecutor pool =
        new java.util.concurrent.ThreadPoolExecutor(
            threads,
            threads,
            30,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            FACTORY);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Runs {@code task} with the current thread marked as the agent's own I/O. */
  static <T> T suppressed(java.util.function.Supplier<T> task) {
    boolean previous = Warden.setSuppressed(true);
    try {
      return task.get();
    } finally {
      Warden.setSuppressed(previous);
    }
  }

}
