package dev.aiwarden.telemetry;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenThread;
import dev.aiwarden.core.AiCall;
import java.io.PrintStream;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the per-call log lines to {@code System.err} from one daemon thread, {@code
 * ai-warden-log}, so that an allowed call's thread only hands its line over.
 *
 * <p>Hand-over ({@link #info}): the line goes into a bounded ring of slots (a compare-and-set on
 * its tail index, no lock shared by the callers, no allocation). The writer, after writing what
 * queued up, lingers with timed parks for a while before it sleeps (1 ms apart while lines come often, up to
 * 16 ms apart while they come rarely: see {@link #nextPeriod}); a caller wakes it
 * ({@code unpark}) only when it is asleep, so in steady state a caller makes no system call.
 * Lines that queued up go out in one {@code print} (one {@code write} per 8 KB of text).
 *
 * <p>Order: a thread's lines keep their order (slots are claimed in order and written in order).
 * A {@link #warn} line is written by the caller itself, after it wrote out every queued line: it is
 * on stderr before the caller goes on (and, for a denial, before the application sees the
 * exception). When the ring is full, the caller does the same with its INFO line: it writes the
 * queued lines and then its own. Nothing is dropped and the order holds; under a flood of calls
 * the callers fall back to writing themselves, which is how every line was written before.
 *
 * <p>The target is {@code System.err} as it is when the line is written (lines follow {@code
 * System.setErr}); the bytes are those of {@code println}: the line, then {@link
 * System#lineSeparator()}.
 *
 * <p>Nothing is lost when the JVM exits normally ({@code main} returns or {@code System.exit}): a
 * shutdown hook writes what is queued, and lines that come later are written by their callers.
 * Fail open: if the writer thread cannot start, dies or fails, that is reported once and every
 * line is written by its caller from then on.
 */
final class LogWriter {
  static final String THREAD_NAME = "ai-warden-log";

  /** Lines the ring holds (a line is ~150-300 chars: a few hundred KB at most). */
  static final int CAPACITY = 1024;

  /**
   * The writer looks at least this far apart: while one thread queues more than {@link
   * #LINES_PER_LOOK} lines between looks, the period halves down to this.
   */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * While lines come rarely, the writer looks less often, down to this: each look is a wake-up
   * (futex, scheduling) and each batch a {@code write}, which cost more than the lines themselves
   * when a look finds one line or none. A line then waits at most ~16 ms.
   */
  static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

  /**
   * The writer aims at about this many lines per look <em>from one thread</em>: a look in which
   * some thread had more queued halves the period (down to {@link #PARK_NANOS}), one in which
   * every thread had at most a third of it doubles the period (up to {@link #MAX_PARK_NANOS}).
   * Kept below a thread's reusable builders ({@link Line#PER_THREAD}), so a thread does not run
   * out of them between two looks at a steady rate. Counted per thread, not in all: 64 threads
   * each logging a line every 10 ms are looked at every 16 ms (a hundred lines per look, one
   * {@code write}), not every 1 ms (a thousand wake-ups and writes a second, which cost the
   * callers' cores more than the lines). And not a handful: one thread making 2,500 calls a
   * second was looked at every ~2 ms with 6 (~500 looks a second), and the writer thread's
   * wake-ups and writes cost ~11 µs of CPU per call (benchmarks, CPU by thread group), ~5 µs
   * with 24: it is then looked at every ~4 ms (a slower thread up to every 16 ms), a line still
   * waiting at most ~16 ms. (48 saved only ~0.7 µs more and doubled the wait.)
   */
  static final int LINES_PER_LOOK = 24;

  /** A look finding more lines than this in all halves the period too: the ring must not fill up. */
  private static final int MAX_LINES_PER_LOOK = CAPACITY / 4;

  /** The writer sleeps (callers must wake it) after this long without a line. */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** A sleeping writer still looks once a second (a safety net; callers wake it at once). */
  private static final long SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How long a drain waits for a line whose slot is claimed but not yet filled (its thread was
   * descheduled between the two steps). Giving up only delays that line to the next drain.
   */
  private static final long SLOT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long the shutdown hook waits for a write in progress. */
  private static final long SHUTDOWN_WAIT_SECONDS = 5;

  /** The builder for a batch is kept only while at most this big. */
  private static final int KEEP_BATCH_CHARS = 64 * 1024;

  /**
   * A drain stops adding lines once the batch holds this many characters, and the batch is written
   * before the drain goes on: a burst of lines is written in several {@code write}s from the same
   * reused builder and byte buffer, instead of growing (and dropping) a bigger one each time.
   */
  static final int FLUSH_BATCH_CHARS = 32 * 1024;

  private static final int NEW = 0;
  private static final int AWAKE = 1;
  private static final int ASLEEP = 2;
  private static final int STOPPED = 3;

  private static final LogWriter SHARED = new LogWriter(CAPACITY, LogWriter::newThread, true);

  private final AtomicReferenceArray<Object> slots;
  private final int mask;
  private final AtomicLong tail = new AtomicLong();
  /** The next slot to write; changed only with {@link #lock} held. */
  private volatile long head;
  /**
   * The most lines one thread had queued in the batch being drained (lock held): a thread's
   * builders are taken first to last and all freed by one drain, so its k-th queued line is in
   * its k-th builder ({@link Line#index}). A line handed over as a string counts as one thread's
   * as many lines as there are strings.
   */
  private int perThread;
  private int strings;
  /** The most lines one thread had queued in the writer thread's last look (writer thread only). */
  private int lastBusiest;

  /** Held by whoever writes: the writer thread, a WARN caller, a caller that found the ring full. */
  private final ReentrantLock lock = new ReentrantLock();
  /** The lines to write next (lock held). */
  private int lines;
  private StringBuilder batch = new StringBuilder(1024);
  /** The batch's bytes when it is written as bytes (lock held; see {@link ErrEncoding}). */
  private byte[] bytes = new byte[1024];

  private final AtomicInteger state = new AtomicInteger(NEW);
  private final ThreadFactory threads;
  private final boolean shutdownHook;
  private volatile Thread thread;
  /** Set when lines must be written by their callers: the writer failed, or the JVM is exiting. */
  private volatile boolean synchronous;

  private final AtomicLong wakeUps = new AtomicLong();
  private final AtomicLong callerWrites = new AtomicLong();
  private final AtomicLong writerWrites = new AtomicLong();
  private final AtomicLong byteWrites = new AtomicLong();
  /** The writer's period between looks after its last write (for tests). */
  private volatile long parkPeriod = PARK_NANOS;

  LogWriter(int capacity, ThreadFactory threads, boolean shutdownHook) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
    this.threads = threads;
    this.shutdownHook = shutdownHook;
  }

  /** The writer of the agent's per-call lines. */
  static LogWriter shared() {
    return SHARED;
  }

  /**
   * A line being built, then queued: one of its thread's few reusable builders. Handing it over
   * instead of a string saves the copy a string costs: the writer copies the text once, into the
   * batch it writes (so a line costs one copy, as a string per line did). When all of a thread's
   * builders are still queued (it logs faster than the writer looks, every 1-16 ms), the thread's spare
   * one is used and handed over as a string (a second copy, for those lines only).
   */
  static final class Line {
    private static final int CAPACITY = 320;
    private static final int KEEP_MAX = 4 * CAPACITY;
    /**
     * Builders per thread, the last slot being the spare one: above {@link #LINES_PER_LOOK} (a look
     * finding more halves the period), made only as a thread needs them (~400 B each).
     */
    static final int PER_THREAD = LINES_PER_LOOK + LINES_PER_LOOK / 3 + 1;

    private StringBuilder text = new StringBuilder(CAPACITY);
    /** False for the spare builder: handed over as a string, so at once free again. */
    private final boolean queueable;
    /** Its place among its thread's builders (0 for the spare one made when all are in use). */
    private final int index;
    /** Set while queued; the writer clears it once it has copied the text. */
    private volatile boolean queued;
    /** Set while its thread builds a line in it (a line logged meanwhile gets another). */
    private boolean taken;

    private Line(boolean queueable, int index) {
      this.queueable = queueable;
      this.index = index;
    }

    /** The builder to append the line to (without a line separator). */
    StringBuilder text() {
      return text;
    }

    /** The line is handed over (or was not): its thread may reuse it once the writer copied it. */
    void done() {
      taken = false;
    }
  }

  /** A line to build on this thread: a free one of its own, or a new one when all are in use. */
  static Line take() {
    WardenThread thread = WardenThread.current();
    Line[] own = (Line[]) thread.logLines;
    if (own == null) {
      own = new Line[Line.PER_THREAD];
      thread.logLines = own;
    }
    for (int i = 0; i < own.length; i++) {
      Line l = own[i];
      if (l == null) {
        l = new Line(i < own.length - 1, i);
        own[i] = l;
      } else if (l.taken || l.queued) {
        continue;
      } else if (l.text.capacity() > Line.KEEP_MAX) {
        l.text = new StringBuilder(Line.CAPACITY);
      } else {
        l.text.setLength(0);
      }
      l.taken = true;
      return l;
    }
    Line l = new Line(false, 0);
    l.taken = true;
    return l;
  }

  /** Hands an INFO line over to the writer thread (or writes it, see the class comment). */
  void info(Line line) {
    if (!line.queueable) {
      handOver(line.text.toString());
      return;
    }
    line.queued = true;
    handOver(line);
  }

  /** Writes every queued line, then {@code line}, before returning. */
  void warn(Line line) {
    writeNow(line);
  }

  /** {@link #info(Line)} for a finished string. */
  void info(String line) {
    handOver(line);
  }

  /**
   * {@link #info(Line)} for an ended, allowed call: its line ({@link CallTelemetry#appendLine},
   * after the prefix and level) is built where it is written, by the writer (or by a caller
   * writing the queued lines itself). The call must not change any more.
   */
  void info(AiCall call) {
    handOver(call);
  }

  private void handOver(Object line) {
    if (synchronous) {
      writeNow(line);
      return;
    }
    int s = state.get();
    if (s == NEW) {
      start();
      if (synchronous) {
        writeNow(line);
        return;
      }
    }
    if (!offer(line)) {
      writeNow(line);
      return;
    }
    if (synchronous) {
      // The writer failed or the shutdown hook ran while the line went in: write it (and the rest).
      writeNow(null);
    } else if (state.get() == ASLEEP) {
      wake();
    }
  }

  /** {@link #warn(Line)} for a finished string. */
  void warn(String line) {
    writeNow(line);
  }

  /** Writes every queued line before returning. */
  void flush() {
    writeNow(null);
  }

  // --- The ring -------------------------------------------------------------------------------

  private boolean offer(Object line) {
    long t;
    do {
      t = tail.get();
      if (t - head >= slots.length()) {
        return false;
      }
    } while (!tail.compareAndSet(t, t + 1));
    slots.lazySet((int) t & mask, line);
    return true;
  }

  private boolean hasQueued() {
    return tail.get() != head;
  }

  /**
   * Moves the lines queued before {@code t} into the batch (lock held), stopping early once the
   * batch holds {@link #FLUSH_BATCH_CHARS}; false when nothing was moved.
   */
  private boolean drainIntoBatch(long t) {
    long h = head;
    if (h == t) {
      return false;
    }
    while (h != t && batch.length() < FLUSH_BATCH_CHARS) {
      int i = (int) h & mask;
      Object line = slots.get(i);
      if (line == null) {
        line = awaitSlot(i);
        if (line == null) {
          break; // its caller stalled between claiming and filling: the next drain writes it
        }
      }
      slots.lazySet(i, null);
      add(line);
      head = ++h;
    }
    return lines > 0;
  }

  /** A claimed slot is filled a few instructions later, unless its thread was descheduled. */
  private Object awaitSlot(int i) {
    long deadline = 0;
    for (int spins = 0; ; spins++) {
      Object line = slots.get(i);
      if (line != null) {
        return line;
      }
      if (spins < 100) {
        Thread.onSpinWait();
        continue;
      }
      long now = System.nanoTime();
      if (deadline == 0) {
        deadline = now + SLOT_WAIT_NANOS;
      } else if (now - deadline > 0) {
        return null;
      }
      if (spins < 1000) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(10_000);
      }
    }
  }

  // --- Writing --------------------------------------------------------------------------------

  /** Writes the queued lines and then {@code line} (if any) on the calling thread. */
  private void writeNow(Object line) {
    lock.lock();
    try {
      long end = tail.get(); // what queued before this line: later lines are the writer's
      while (drainIntoBatch(end) && batch.length() >= FLUSH_BATCH_CHARS) {
        callerWrites.incrementAndGet();
        printBatch();
        resetBatch();
      }
      if (line != null) {
        add(line);
      }
      if (lines > 0) {
        callerWrites.incrementAndGet();
        printBatch();
      }
    } finally {
      resetBatch();
      lock.unlock();
    }
  }

  /** Writer thread: writes what queued up; the lines written (0 when nothing was queued). */
  private int writeQueued() {
    lock.lock();
    try {
      int written = 0;
      int busiest = 0;
      long end = tail.get(); // lines queued meanwhile wait for the next look
      while (drainIntoBatch(end)) {
        written += lines;
        busiest = Math.max(busiest, Math.max(perThread, strings));
        writerWrites.incrementAndGet();
        printBatch();
        boolean full = batch.length() >= FLUSH_BATCH_CHARS;
        resetBatch();
        if (!full) {
          break;
        }
      }
      lastBusiest = busiest;
      return written;
    } finally {
      resetBatch();
      lock.unlock();
    }
  }

  /**
   * Adds a line to the batch: the lines that queued up go out as one string, so in one {@code
   * write} (per 8 KB) instead of one each. A {@link Line} is free for its thread again once
   * copied.
   */
  private void add(Object line) {
    if (line instanceof AiCall) {
      int start = batch.length();
      try {
        batch.append(AgentLog.PREFIX).append(" INFO ");
        CallTelemetry.appendLine(batch, (AiCall) line, false);
      } catch (RuntimeException e) {
        batch.setLength(start); // as when the caller built it: that line is not logged
        AgentLog.errorOnce("telemetry.log", "ai-warden could not log an AI call", e);
        return;
      }
    } else if (line instanceof Line) {
      Line l = (Line) line;
      batch.append(l.text);
      l.queued = false;
      perThread = Math.max(perThread, l.index + 1);
    } else {
      batch.append((String) line);
      strings++;
    }
    batch.append(System.lineSeparator());
    lines++;
  }

  private void printBatch() {
    PrintStream err = System.err;
    if (err == null) {
      return;
    }
    if (!writeAscii(err)) {
      err.print(batch.toString());
    }
    err.flush();
  }

  /**
   * Writes an all-ASCII batch as bytes, when {@code err} is known to write ASCII as itself: the
   * bytes {@code print} would write, without a {@code String} copy of the batch. False (nothing
   * written) otherwise.
   */
  private boolean writeAscii(PrintStream err) {
    if (!ErrEncoding.writesAsciiAsIs(err)) {
      return false;
    }
    int n = batch.length();
    byte[] b = bytes;
    if (b.length < n) {
      b = new byte[Math.max(n, 2 * b.length)];
      if (b.length <= KEEP_BATCH_CHARS) {
        bytes = b;
      }
    }
    for (int i = 0; i < n; i++) {
      char c = batch.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      b[i] = (byte) c;
    }
    err.write(b, 0, n);
    byteWrites.incrementAndGet();
    return true;
  }

  private void resetBatch() {
    lines = 0;
    perThread = 0;
    strings = 0;
    if (batch.capacity() > KEEP_BATCH_CHARS) {
      batch = new StringBuilder(1024);
    } else {
      batch.setLength(0);
    }
  }

  // --- The writer thread ----------------------------------------------------------------------

  private void start() {
    if (!state.compareAndSet(NEW, AWAKE)) {
      return;
    }
    try {
      Thread t = threads.newThread(this::run);
      thread = t;
      t.start();
      if (shutdownHook) {
        Runtime.getRuntime().addShutdownHook(newThread(this::shutdown, THREAD_NAME + "-drain"));
      }
    } catch (IllegalStateException exiting) {
      // The JVM is already shutting down: callers write their own lines.
      synchronous = true;
    } catch (Throwable t) {
      fail("ai-warden could not start its log writer thread; AI call lines are written by the calling threads", t);
    }
  }

  private void run() {
    try {
      Warden.setSuppressed(true);
      long idleSince = System.nanoTime();
      long period = PARK_NANOS;
      while (!synchronous) {
        Thread.interrupted(); // an interrupt is not for us: parking must work
        int written = writeQueued();
        if (written > 0) {
          idleSince = System.nanoTime();
          period = nextPeriod(period, lastBusiest, written);
          parkPeriod = period;
          LockSupport.parkNanos(this, period);
          continue;
        }
        if (System.nanoTime() - idleSince < LINGER_NANOS) {
          LockSupport.parkNanos(this, period);
          continue;
        }
        period = PARK_NANOS; // after a sleep, lines may come often again: look often first
        state.set(ASLEEP);
        if (!hasQueued()) {
          LockSupport.parkNanos(this, SLEEP_NANOS);
        }
        state.set(AWAKE);
        idleSince = System.nanoTime();
      }
      state.set(STOPPED);
    } catch (Throwable t) {
      fail("ai-warden's log writer thread failed; AI call lines are written by the calling threads", t);
    }
  }

  /**
   * The writer's next period between looks, after a look that found {@code written} lines, at
   * most {@code perThread} of them from one thread.
   */
  static long nextPeriod(long period, int perThread, int written) {
    if (perThread > LINES_PER_LOOK || written > MAX_LINES_PER_LOOK) {
      return Math.max(PARK_NANOS, period / 2);
    }
    if (perThread <= LINES_PER_LOOK / 3) {
      return Math.min(MAX_PARK_NANOS, period * 2);
    }
    return period;
  }

  private void wake() {
    if (!state.compareAndSet(ASLEEP, AWAKE)) {
      return;
    }
    wakeUps.incrementAndGet();
    Thread t = thread;
    LockSupport.unpark(t);
    if (t == null || !t.isAlive()) {
      fail("ai-warden's log writer thread is gone; AI call lines are written by the calling threads", null);
    }
  }

  /**
   * Shutdown hook: from now on callers write their own lines; writes what is queued. Waits at most
   * a few seconds for a write in progress (stderr may be a pipe nobody reads): exit must not hang.
   */
  void shutdown() {
    synchronous = true;
    LockSupport.unpark(thread);
    try {
      if (!lock.tryLock(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      writeNow(null); // re-entrant
    } finally {
      lock.unlock();
    }
  }

  private void fail(String message, Throwable t) {
    synchronous = true;
    state.set(STOPPED);
    AgentLog.errorOnce("log.writer", message, t);
    try {
      flush();
    } catch (Throwable ignored) {
      // the callers write from now on
    }
  }

  private static Thread newThread(Runnable task) {
    return newThread(task, THREAD_NAME);
  }

  private static Thread newThread(Runnable task, String name) {
    // No inherited thread locals: the thread outlives the caller that happened to start it.
    Thread t = new Thread(null, task, name, 0, false);
    t.setDaemon(true);
    t.setContextClassLoader(LogWriter.class.getClassLoader());
    return t;
  }

  // --- For tests ------------------------------------------------------------------------------

  /** Times a caller woke the sleeping writer ({@code unpark}). */
  long wakeUps() {
    return wakeUps.get();
  }

  /** Writes made by callers (WARN lines, a full ring, the fallback). */
  long callerWrites() {
    return callerWrites.get();
  }

  /** Writes (batches) made by the writer thread. */
  long writerWrites() {
    return writerWrites.get();
  }

  /** Batches written as bytes encoded here (the rest were printed as text). */
  long byteWrites() {
    return byteWrites.get();
  }

  /** The writer's period between looks, as set after its last write. */
  long parkPeriod() {
    return parkPeriod;
  }

  /** Lines handed over and not yet taken to be written. */
  int queued() {
    return (int) (tail.get() - head);
  }

  /** Returns once a write in progress (of lines no longer {@link #queued}) is done. */
  void awaitWriteInProgress() {
    lock.lock();
    lock.unlock();
  }

  /** The writer thread sleeps: the next line's caller wakes it. */
  boolean isAsleep() {
    return state.get() == ASLEEP;
  }

  boolean isSynchronous() {
    return synchronous;
  }

  Thread thread() {
    return thread;
  }
}
