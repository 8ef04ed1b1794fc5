package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.ResponseInfo;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogWriterTest {
  private static final String LS = System.lineSeparator();

  private PrintStream original;
  private final List<LogWriter> writers = new ArrayList<>();

  @BeforeEach
  void keepStderr() {
    original = System.err;
  }

  @AfterEach
  void restoreStderr() {
    for (LogWriter w : writers) {
      w.shutdown();
    }
    System.setErr(original);
  }

  private LogWriter writer(int capacity, ThreadFactory threads) {
    LogWriter w = new LogWriter(capacity, threads, false);
    writers.add(w);
    return w;
  }

  private static Thread daemon(Runnable task) {
    Thread t = new Thread(task, LogWriter.THREAD_NAME);
    t.setDaemon(true);
    return t;
  }

  /** System.err replaced by a stream that records what was written and by which threads. */
  private static Capture capture() {
    Capture c = new Capture(new ByteArrayOutputStream());
    System.setErr(c);
    return c;
  }

  private static final class Capture extends PrintStream {
    final ByteArrayOutputStream bytes;
    final Set<String> writingThreads = ConcurrentHashMap.newKeySet();
    final AtomicInteger prints = new AtomicInteger();

    Capture(ByteArrayOutputStream bytes) {
      super(bytes, true, StandardCharsets.UTF_8);
      this.bytes = bytes;
    }

    @Override
    public void print(String s) {
      prints.incrementAndGet();
      writingThreads.add(Thread.currentThread().getName());
      super.print(s);
    }

    synchronized String text() {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The lines written, each ended by the line separator (an unended tail would fail). */
    List<String> lines() {
      String t = text();
      assertThat(t.isEmpty() || t.endsWith(LS)).as("ends with a line separator: %s", t).isTrue();
      return t.isEmpty() ? Collections.emptyList() : Arrays.asList(t.split(LS));
    }
  }

  private static void awaitDrained(LogWriter w) throws InterruptedException {
    for (int i = 0; i < 30_000 && w.queued() > 0; i++) {
      Thread.sleep(1);
    }
    assertThat(w.queued()).as("lines still queued after 30 s").isZero();
    w.awaitWriteInProgress(); // lines taken from the ring may still be being written
  }

  @Test
  void theWriterThreadWritesTheLinesWithTheBytesOfPrintln() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    w.info("[ai-warden] INFO chat gpt-4o -> 200 é");
    w.info("[ai-warden] INFO chat gpt-4o -> 200 second");
    awaitDrained(w);
    w.flush();

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    PrintStream println = new PrintStream(expected, true, StandardCharsets.UTF_8);
    println.println("[ai-warden] INFO chat gpt-4o -> 200 é");
    println.println("[ai-warden] INFO chat gpt-4o -> 200 second");
    assertThat(err.bytes.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(err.writingThreads).containsExactly(LogWriter.THREAD_NAME);
    assertThat(w.callerWrites()).isZero();
  }

  @Test
  void anEndedCallIsQueuedAsItselfAndItsLineBuiltByTheWriterInItsTurn() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    AiCall call = Calls.answered(Calls.chat(), 200, Calls.chatResponse());
    String expected = AgentLog.PREFIX + " INFO " + CallTelemetry.line(call, false);
    w.info("[ai-warden] INFO before");
    w.info(call);
    w.info("[ai-warden] INFO after");
    awaitDrained(w);
    w.flush();

    assertThat(err.lines()).containsExactly("[ai-warden] INFO before", expected, "[ai-warden] INFO after");
    assertThat(expected).contains("chat gpt-4o -> 200", "caller=com.acme.App.main(App.java:42)", "tokens=12/40 412ms");
    assertThat(err.writingThreads).containsExactly(LogWriter.THREAD_NAME);
    assertThat(w.callerWrites()).isZero();
  }

  @Test
  void aCallWrittenByItsCallerWhenTheRingIsFullGetsTheSameLine() throws Exception {
    Capture err = capture();
    // No writer thread runs: the ring of 2 fills, and the third line's caller writes them all.
    LogWriter w = writer(2, task -> new Thread(() -> {}, LogWriter.THREAD_NAME));
    AiCall call = Calls.answered(Calls.chat(), 200, Calls.chatResponse());
    w.info("[ai-warden] INFO one");
    w.info(call);
    w.info("[ai-warden] INFO three");
    w.flush();

    assertThat(err.lines())
        .containsExactly(
            "[ai-warden] INFO one",
            AgentLog.PREFIX + " INFO " + CallTelemetry.line(call, false),
            "[ai-warden] INFO three");
    assertThat(err.writingThreads).doesNotContain(LogWriter.THREAD_NAME);
  }

  @Test
  void aCallWhoseLineCannotBeBuiltIsCountedAndTheOtherLinesAreWritten() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    ResponseInfo broken = Calls.chatResponse();
    broken.contentFilterCategories = null; // appendLine throws on it
    AiCall call = Calls.answered(Calls.chat(), 200, broken);
    long errors = AgentLog.internalErrorCount();
    w.info("[ai-warden] INFO before");
    w.info(call);
    w.info("[ai-warden] INFO after");
    awaitDrained(w);
    w.flush();

    assertThat(err.lines()).filteredOn(l -> l.contains("INFO"))
        .containsExactly("[ai-warden] INFO before", "[ai-warden] INFO after");
    assertThat(AgentLog.internalErrorCount()).isEqualTo(errors + 1);
  }

  /** What println writes for these lines on a stream of that charset. */
  private static byte[] printlnBytes(java.nio.charset.Charset cs, String... lines) {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    PrintStream println = new PrintStream(expected, true, cs);
    for (String l : lines) {
      println.println(l);
    }
    return expected.toByteArray();
  }

  /** Writes the lines through a writer thread to a plain PrintStream of that charset. */
  private byte[] writtenThrough(PrintStream plain, ByteArrayOutputStream out, LogWriter w, String... lines)
      throws Exception {
    System.setErr(plain);
    for (String l : lines) {
      w.info(l);
      awaitDrained(w); // one batch per line: each is judged on its own
    }
    w.flush();
    return out.toByteArray();
  }

  @Test
  void allAsciiBatchesToAStreamKnownToWriteAsciiAsItselfAreWrittenAsTheSameBytes() throws Exception {
    String ascii = "[ai-warden] INFO chat gpt-4o -> 200 caller=com.example.App.main(App.java:12)";
    String latin = "[ai-warden] INFO chat gpt-4o -> 200 caller=com.example.Caf\u00e9.main(Caf\u00e9.java:3)";
    for (java.nio.charset.Charset cs :
        List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.US_ASCII)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream plain = new PrintStream(out, true, cs);
      ErrEncoding.remember(plain, cs); // as premain does on Java 11-17 for the JVM's own stream
      try {
        LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
        byte[] written = writtenThrough(plain, out, w, ascii, latin, ascii);
        assertThat(written).as(cs.name()).isEqualTo(printlnBytes(cs, ascii, latin, ascii));
        // The two all-ASCII batches went out as bytes; the one with a non-ASCII char as text.
        assertThat(w.byteWrites()).as(cs.name()).isEqualTo(2);
      } finally {
        ErrEncoding.remember(null, null);
      }
    }
  }

  @Test
  void aStreamWhoseCharsetIsNotKnownOrNotAsciiCompatibleGetsTextAsBefore() throws Exception {
    String ascii = "[ai-warden] INFO chat gpt-4o -> 200";
    // UTF-16 writes ASCII as two bytes: always printed as text, whatever is known of the stream.
    ByteArrayOutputStream out16 = new ByteArrayOutputStream();
    PrintStream utf16 = new PrintStream(out16, true, StandardCharsets.UTF_16);
    ErrEncoding.remember(utf16, StandardCharsets.UTF_16);
    try {
      LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
      assertThat(writtenThrough(utf16, out16, w, ascii, ascii))
          .isEqualTo(printlnBytes(StandardCharsets.UTF_16, ascii, ascii));
      assertThat(w.byteWrites()).isZero();
    } finally {
      ErrEncoding.remember(null, null);
    }
    // A subclass (may override print) is never written as bytes, and neither, before Java 18
    // (no PrintStream.charset()), is a plain stream that is not the JVM's own.
    Capture capture = capture();
    LogWriter w2 = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    w2.info(ascii);
    awaitDrained(w2);
    w2.flush();
    assertThat(capture.lines()).containsExactly(ascii);
    assertThat(capture.prints.get()).isEqualTo(1);
    assertThat(w2.byteWrites()).isZero();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream plain = new PrintStream(out, true, StandardCharsets.UTF_8);
    LogWriter w3 = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    assertThat(writtenThrough(plain, out, w3, ascii)).isEqualTo(printlnBytes(StandardCharsets.UTF_8, ascii));
    assertThat(w3.byteWrites()).isEqualTo(Runtime.version().feature() >= 18 ? 1 : 0);
  }

  @Test
  void theJvmsStderrCharsetIsTheEncodingPropertyWhenSupportedElseTheDefault() {
    assertThat(ErrEncoding.jvmStderrCharset("ISO-8859-1")).isEqualTo(StandardCharsets.ISO_8859_1);
    assertThat(ErrEncoding.jvmStderrCharset(null)).isEqualTo(java.nio.charset.Charset.defaultCharset());
    assertThat(ErrEncoding.jvmStderrCharset("no-such-charset"))
        .isEqualTo(java.nio.charset.Charset.defaultCharset());
  }

  @Test
  void theWriterLooksLessOftenWhileLooksFindFewLinesPerThreadAndOftenAgainWhenOneHasMany() {
    long ms = TimeUnit.MILLISECONDS.toNanos(1);
    int aim = LogWriter.LINES_PER_LOOK;
    // Few lines per look from any one thread: the period doubles, up to 16 ms.
    assertThat(LogWriter.nextPeriod(ms, 1, 1)).isEqualTo(2 * ms);
    assertThat(LogWriter.nextPeriod(2 * ms, 2, 2)).isEqualTo(4 * ms);
    assertThat(LogWriter.nextPeriod(2 * ms, aim / 3, aim / 3)).isEqualTo(4 * ms);
    assertThat(LogWriter.nextPeriod(16 * ms, 1, 1)).isEqualTo(LogWriter.MAX_PARK_NANOS);
    // Many threads with a line or two each: still few per thread, so fewer looks.
    assertThat(LogWriter.nextPeriod(8 * ms, 2, 128)).isEqualTo(16 * ms);
    // About the aimed number from one thread: unchanged.
    assertThat(LogWriter.nextPeriod(8 * ms, aim / 3 + 1, aim / 3 + 1)).isEqualTo(8 * ms);
    assertThat(LogWriter.nextPeriod(8 * ms, aim, 40)).isEqualTo(8 * ms);
    // Many from one thread (it would run out of builders), or a quarter of the ring: halved, down to 1 ms.
    assertThat(LogWriter.nextPeriod(8 * ms, aim + 1, aim + 1)).isEqualTo(4 * ms);
    assertThat(LogWriter.nextPeriod(8 * ms, 2, LogWriter.CAPACITY / 4 + 1)).isEqualTo(4 * ms);
    assertThat(LogWriter.nextPeriod(ms, 500, 500)).isEqualTo(ms);
  }

  @Test
  void manyThreadsLoggingAtASteadyRateAreWrittenInBigBatchesInOrder() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    // 16 threads, a line every ~10 ms each: over a line a ms in all, but one or two per thread in
    // 16 ms. Counted in all, the writer looked every 2-4 ms (about six lines a look).
    int threads = 16;
    int perThread = 100;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          LogWriter.Line line = LogWriter.take();
          line.text().append("t").append(id).append(' ').append(i);
          w.info(line);
          line.done();
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
    awaitDrained(w);
    assertThat(err.lines()).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + " ";
      List<String> mine = new ArrayList<>();
      for (String l : err.lines()) {
        if (l.startsWith(prefix)) {
          mine.add(l);
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(prefix + i);
      }
      assertThat(mine).as("thread %d's lines, in order", t).isEqualTo(expected);
    }
    assertThat(w.callerWrites()).isZero();
    // Over eight lines a look on average (a loaded machine, whose sleeps last longer, makes the
    // looks no more frequent than every 16 ms).
    assertThat(w.writerWrites()).isLessThan(threads * perThread / 8);
  }

  @Test
  void oneThreadLoggingThousandsOfLinesASecondIsWrittenInBigBatchesInOrder() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    // One thread making a call every ~0.4 ms (openai-java chats on loopback): with the writer aiming
    // at six lines per look from one thread it looked every ~2 ms, hundreds of wake-ups and writes
    // a second; now it lets a thread's lines gather (still at most 16 ms).
    int n = 3000;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LogWriter.Line line = LogWriter.take();
      line.text().append("fast ").append(i);
      w.info(line);
      line.done();
      expected.add("fast " + i);
      java.util.concurrent.locks.LockSupport.parkNanos(400_000);
    }
    awaitDrained(w);
    assertThat(err.lines()).isEqualTo(expected);
    assertThat(w.callerWrites()).isZero();
    // Over six lines a look on average (1-2 ms apart, it was 2-5). A loaded machine, whose parks
    // last longer, makes the lines come less often, and the writer then looks every 16 ms.
    assertThat(w.writerWrites()).isLessThan(n / 6);
  }

  @Test
  void linesThatComeRarelyAreWrittenInFewerBatchesInOrder() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String line = "slow " + i;
      w.info(line);
      expected.add(line);
      Thread.sleep(4);
    }
    awaitDrained(w);
    assertThat(err.lines()).isEqualTo(expected);
    assertThat(w.callerWrites()).isZero();
    // One line every ~4 ms: after a few looks that found one line each, the writer looks every
    // 8-16 ms and writes several lines per look (a loaded machine only makes batches bigger).
    assertThat(w.writerWrites()).isLessThan(30);
    assertThat(w.parkPeriod()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1));
    // A burst: the next looks find many lines, and the period comes down again.
    for (int round = 0; round < 6; round++) {
      for (int i = 0; i < 50; i++) {
        w.info("burst " + round + " " + i);
      }
      awaitDrained(w);
    }
    assertThat(w.parkPeriod()).isLessThan(TimeUnit.MILLISECONDS.toNanos(16));
  }

  @Test
  void aSleepingWriterIsWokenByTheNextLineWhichNeedsNoFlush() throws Exception {
    Capture err = capture();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    w.info("first");
    awaitDrained(w);
    // After ~50 ms without a line the writer sleeps: the next caller wakes it (one unpark). (The
    // writer also looks once a second by itself: if it just did, the line finds it awake; again.)
    List<String> expected = new ArrayList<>(List.of("first"));
    for (int attempt = 0; attempt < 5 && w.wakeUps() == 0; attempt++) {
      for (int i = 0; i < 30_000 && !w.isAsleep(); i++) {
        Thread.sleep(1);
      }
      assertThat(w.isAsleep()).isTrue();
      w.info("after sleep " + attempt);
      expected.add("after sleep " + attempt);
      awaitDrained(w);
    }
    assertThat(w.wakeUps()).isEqualTo(1);
    assertThat(err.lines()).isEqualTo(expected);
    assertThat(err.writingThreads).containsExactly(LogWriter.THREAD_NAME);
    assertThat(w.callerWrites()).isZero();
  }

  @Test
  void eachThreadsLinesKeepTheirOrderAndNoneIsLost() throws Exception {
    // A small ring as well: callers then also find it full and write the queued lines themselves.
    for (int capacity : new int[] {LogWriter.CAPACITY, 16}) {
      Capture err = capture();
      LogWriter w = writer(capacity, LogWriterTest::daemon);
      int threads = 8;
      int perThread = 3000;
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread caller =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  // Through the threads' reusable builders: a builder reused before the writer
                  // copied it would show here as a wrong or repeated line.
                  for (int n = 0; n < perThread; n++) {
                    LogWriter.Line line = LogWriter.take();
                    line.text().append('t').append(id).append(' ').append(n);
                    w.info(line);
                    line.done();
                  }
                });
        caller.start();
        callers.add(caller);
      }
      go.countDown();
      for (Thread caller : callers) {
        caller.join(60_000);
      }
      w.flush();

      int[] next = new int[threads];
      for (String line : err.lines()) {
        String[] parts = line.split(" ");
        int id = Integer.parseInt(parts[0].substring(1));
        assertThat(Integer.parseInt(parts[1])).as("capacity %d, thread %d", capacity, id).isEqualTo(next[id]);
        next[id]++;
      }
      for (int t = 0; t < threads; t++) {
        assertThat(next[t]).as("capacity %d, lines of thread %d", capacity, t).isEqualTo(perThread);
      }
    }
  }

  @Test
  void aThreadReusesItsBuildersOnceWrittenAndTakesNewOnesWhileTheyAreQueued() throws Exception {
    Capture err = capture();
    CountDownLatch release = new CountDownLatch(1);
    LogWriter w = writer(LogWriter.CAPACITY, heldBack(release));
    Set<LogWriter.Line> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    LogWriter.Line spare = null;
    int queueable = LogWriter.Line.PER_THREAD - 1;
    int lines = queueable + 2;
    for (int n = 0; n < lines; n++) {
      LogWriter.Line line = LogWriter.take();
      if (n < queueable) {
        assertThat(seen.add(line)).as("a queued builder is never handed out again").isTrue();
      } else {
        // all queued: the spare one, handed over as a string, so free again at once
        spare = spare == null ? line : spare;
        assertThat(line).isSameAs(spare).isNotIn(seen);
      }
      line.text().append("queued ").append(n);
      w.info(line);
      line.done();
    }
    LogWriter.Line building = LogWriter.take();
    LogWriter.Line nested = LogWriter.take();
    assertThat(nested).as("a line logged while another is built gets its own builder").isNotSameAs(building);
    building.done();
    nested.done();
    release.countDown();
    awaitDrained(w);
    w.flush();
    LogWriter.Line again = LogWriter.take();
    assertThat(seen).as("written: the thread's own builders are free again").contains(again);
    assertThat(again.text().length()).isZero();
    again.done();
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < lines; n++) {
      expected.add("queued " + n);
    }
    assertThat(err.lines()).isEqualTo(expected);
  }

  @Test
  void aWarnLineIsWrittenByTheCallerAfterEveryQueuedLine() throws Exception {
    Capture err = capture();
    CountDownLatch release = new CountDownLatch(1);
    // The writer thread is held back, so the INFO lines are still queued when the WARN comes.
    LogWriter w = writer(LogWriter.CAPACITY, heldBack(release));
    for (int n = 0; n < 100; n++) {
      w.info("info " + n);
    }
    assertThat(err.text()).isEmpty();
    w.warn("[ai-warden] WARN chat gpt-4o -> blocked");

    List<String> lines = err.lines();
    assertThat(lines).hasSize(101);
    for (int n = 0; n < 100; n++) {
      assertThat(lines.get(n)).isEqualTo("info " + n);
    }
    assertThat(lines.get(100)).isEqualTo("[ai-warden] WARN chat gpt-4o -> blocked");
    assertThat(err.prints.get()).as("queued lines and the WARN in one write").isEqualTo(1);
    release.countDown();
  }

  @Test
  void aFullRingMakesTheCallerWriteTheQueuedLinesAndItsOwnNothingDropped() throws Exception {
    Capture err = capture();
    CountDownLatch release = new CountDownLatch(1);
    LogWriter w = writer(8, heldBack(release));
    for (int n = 0; n < 8; n++) {
      w.info("line " + n);
    }
    assertThat(w.queued()).isEqualTo(8);
    assertThat(err.text()).isEmpty();

    w.info("line 8"); // the ring is full: the caller writes lines 0-8 itself, in order
    assertThat(w.callerWrites()).isEqualTo(1);
    assertThat(w.queued()).isZero();
    for (int n = 9; n < 20; n++) {
      w.info("line " + n);
    }
    release.countDown();
    awaitDrained(w);
    w.flush();

    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      expected.add("line " + n);
    }
    assertThat(err.lines()).isEqualTo(expected);
  }

  @Test
  void linesGoWhereSystemErrPointsWhenTheyAreWritten() throws Exception {
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    Capture first = capture();
    w.info("to the first");
    awaitDrained(w);
    w.flush();
    Capture second = capture();
    w.info("to the second");
    w.warn("warn to the second");

    assertThat(first.lines()).containsExactly("to the first");
    assertThat(second.lines()).containsExactly("to the second", "warn to the second");
  }

  @Test
  void shutdownWritesWhatIsQueuedAndLaterLinesAreWrittenByTheirCallers() throws Exception {
    Capture err = capture();
    CountDownLatch release = new CountDownLatch(1);
    LogWriter w = writer(LogWriter.CAPACITY, heldBack(release));
    w.info("queued 1");
    w.info("queued 2");
    w.shutdown();
    assertThat(err.lines()).containsExactly("queued 1", "queued 2");
    w.info("after shutdown");
    assertThat(err.lines()).containsExactly("queued 1", "queued 2", "after shutdown");
    release.countDown();
  }

  @Test
  void everyLineIsOnStderrWhenTheJvmExits() throws Exception {
    for (String how : Arrays.asList("exit", "return")) {
      Fork fork = Fork.run(Collections.emptyList(), ManyLinesThenLeave.class, how);
      assertThat(fork.exitCode).as(fork.output).isZero();
      List<String> lines = new ArrayList<>();
      for (String line : fork.output.split("\\R")) {
        if (line.startsWith("[ai-warden] INFO line ")) {
          lines.add(line);
        }
      }
      assertThat(lines).as(how).hasSize(ManyLinesThenLeave.LINES);
      for (int n = 0; n < ManyLinesThenLeave.LINES; n++) {
        assertThat(lines.get(n)).isEqualTo("[ai-warden] INFO line " + n);
      }
    }
  }

  /** Hands many lines to the shared writer, then leaves at once (System.exit or return from main). */
  static final class ManyLinesThenLeave {
    static final int LINES = 5000;

    public static void main(String[] args) {
      LogWriter w = LogWriter.shared();
      for (int n = 0; n < LINES; n++) {
        w.info("[ai-warden] INFO line " + n);
      }
      if ("exit".equals(args[0])) {
        System.exit(0);
      }
    }
  }

  @Test
  void aWriterThatFailsIsReportedOnceAndCallersWriteTheirLines() throws Exception {
    AtomicBoolean failNext = new AtomicBoolean(true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream failing =
        new PrintStream(bytes, true, StandardCharsets.UTF_8) {
          @Override
          public void print(String s) {
            if (failNext.getAndSet(false) && Thread.currentThread().getName().equals(LogWriter.THREAD_NAME)) {
              throw new IllegalStateException("stream broke");
            }
            super.print(s);
          }
        };
    System.setErr(failing);
    long errorsBefore = AgentLog.internalErrorCount();
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    w.info("lost with the failed write");
    for (int i = 0; i < 30_000 && !w.isSynchronous(); i++) {
      Thread.sleep(1);
    }
    assertThat(w.isSynchronous()).isTrue();
    w.thread().join(30_000);
    assertThat(w.thread().isAlive()).isFalse();
    assertThat(AgentLog.internalErrorCount() - errorsBefore).isEqualTo(1);

    Capture err = capture();
    w.info("written by the caller 1");
    w.info("written by the caller 2");
    assertThat(err.lines()).containsExactly("written by the caller 1", "written by the caller 2");
    assertThat(err.writingThreads).containsExactly(Thread.currentThread().getName());
    assertThat(AgentLog.internalErrorCount() - errorsBefore).isEqualTo(1);
  }

  @Test
  void aWriterThreadThatCannotStartMakesCallersWriteTheirLines() {
    Capture err = capture();
    long errorsBefore = AgentLog.internalErrorCount();
    LogWriter w = writer(LogWriter.CAPACITY, task -> {
      throw new OutOfMemoryError("unable to create native thread");
    });
    w.info("one");
    w.info("two");
    // The report (an ERROR line the first time in this JVM) comes first, through the agent's log.
    assertThat(err.lines()).filteredOn(l -> !l.startsWith("[ai-warden] ERROR ")).containsExactly("one", "two");
    assertThat(w.isSynchronous()).isTrue();
    assertThat(AgentLog.internalErrorCount() - errorsBefore).isEqualTo(1);
  }

  /**
   * What a caller pays to hand a line over: no write of its own, no allocation (the line is built
   * in a reused builder, not made a string), and it wakes the writer only when the writer slept;
   * the writer makes the line's one copy. Printed for the record.
   */
  /** System.err replaced by a stream that keeps nothing (so that it allocates nothing): counts lines, notes threads. */
  private static final class Discard extends PrintStream {
    final Set<String> writingThreads = ConcurrentHashMap.newKeySet();
    final AtomicInteger lines = new AtomicInteger();

    Discard() {
      super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Override
    public void print(String s) {
      writingThreads.add(Thread.currentThread().getName());
      for (int i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
        lines.incrementAndGet();
      }
      super.print(s);
    }

    @Override
    public void println(String s) {
      print(s);
      lines.incrementAndGet();
    }
  }

  @Test
  void handingALineOverAllocatesNothingAndMakesNoWrite() throws Exception {
    Discard err = new Discard();
    System.setErr(err);
    LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
    // Lines as long as a real one (~230 chars), a few at a time (as a thread's calls come: each
    // takes from tens of µs to ms, the writer looks every ~1 ms).
    String[] lines = new String[8];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = String.format("[ai-warden] INFO chat gpt-4o -> 200 openai api.openai.com:443 key=sha256:43dff2a4e74be72f"
          + " (env:OPENAI_API_KEY) caller=com.acme.Billing.summarise(Billing.java:81) tokens=21/9 227ms policy=allow %05d", i);
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long allocated = 0;
    int handed = 0;
    long writerBefore = 0;
    int rounds = 400;
    for (int round = 0; round < rounds; round++) {
      if (round == rounds / 2) {
        writerBefore = mx.getThreadAllocatedBytes(w.thread().getId());
      }
      long before = mx.getThreadAllocatedBytes(tid);
      for (String text : lines) {
        LogWriter.Line line = LogWriter.take();
        line.text().append(text);
        w.info(line);
        line.done();
      }
      long after = mx.getThreadAllocatedBytes(tid);
      if (round >= rounds / 2) { // after warm-up
        allocated += after - before;
        handed += lines.length;
      }
      awaitDrained(w);
    }
    double perLine = (double) allocated / handed;
    double writerPerLine = (double) (mx.getThreadAllocatedBytes(w.thread().getId()) - writerBefore) / handed;
    System.out.printf(
        "LogWriter hand-over: %.2f bytes allocated per line on the caller, %.0f on the writer thread (lines of %d chars);"
            + " caller writes %d, writer writes %d for %d lines, wake-ups %d%n",
        perLine, writerPerLine, lines[0].length(), w.callerWrites(), w.writerWrites(), rounds * lines.length, w.wakeUps());
    assertThat(perLine).isLessThan(8.0);
    assertThat(w.callerWrites()).isZero();
    assertThat(err.writingThreads).containsExactly(LogWriter.THREAD_NAME);
    assertThat(err.lines.get()).isEqualTo(rounds * lines.length);
    // Batched: far fewer writes than lines.
    assertThat(w.writerWrites()).isLessThan(rounds * lines.length / 2L);
    // The line's one copy, on the writer: one string per batch (~ the lines' own size).
    assertThat(writerPerLine).isLessThan(2.0 * lines[0].length());
  }

  @Test
  void writtenAsBytesTheWriterThreadMakesNoCopyOfTheLines() throws Exception {
    // A plain PrintStream (known to write ASCII as itself, as the JVM's own stderr is) over a
    // stream that keeps nothing and counts the lines' ends.
    LineEnds counting = new LineEnds();
    AtomicInteger ends = counting.ends;
    PrintStream plain = new PrintStream(counting, true, StandardCharsets.UTF_8);
    ErrEncoding.remember(plain, StandardCharsets.UTF_8);
    System.setErr(plain);
    try {
      LogWriter w = writer(LogWriter.CAPACITY, LogWriterTest::daemon);
      int rounds = 400;
      int perRound = 8;
      double writerPerLine = writerBytesPerLine(w, rounds, perRound, () -> {});
      System.out.printf("LogWriter, written as bytes: %.1f bytes allocated per line on the writer thread%n", writerPerLine);
      assertThat(ends.get()).isEqualTo(rounds * perRound);
      assertThat(w.byteWrites()).isEqualTo(w.writerWrites());
      // Was ~1x the line's length (a String per batch); now only the JDK's own small change.
      assertThat(writerPerLine).isLessThan(24.0);
    } finally {
      ErrEncoding.remember(null, null);
    }
  }

  @Test
  void aBurstIsWrittenInBoundedBatchesFromTheSameReusedBuffers() throws Exception {
    // A full ring (1024 lines of ~220 characters, ~225 K characters) used to go out as one batch:
    // a builder and byte buffer of that size, made and dropped on every such look (far above the
    // 64 K kept). Now a drain writes every ~32 K characters and goes on with the same buffers.
    LineEnds counting = new LineEnds();
    AtomicInteger ends = counting.ends;
    AtomicInteger longestWrite = counting.longestWrite;
    PrintStream plain = new PrintStream(counting, false, StandardCharsets.UTF_8);
    ErrEncoding.remember(plain, StandardCharsets.UTF_8);
    System.setErr(plain);
    try {
      CountDownLatch release = new CountDownLatch(1);
      LogWriter w = writer(LogWriter.CAPACITY, heldBack(release));
      int rounds = 20;
      int perRound = LogWriter.CAPACITY - 8;
      // The first round is all queued before the writer's first look.
      double writerPerLine = writerBytesPerLine(w, rounds, perRound, release::countDown);
      System.out.printf("LogWriter, bursts of %d lines: longest write %d bytes, %.1f bytes allocated per line"
          + " on the writer thread%n", perRound, longestWrite.get(), writerPerLine);
      assertThat(ends.get()).isEqualTo(rounds * perRound);
      assertThat(w.callerWrites()).isZero();
      assertThat(longestWrite.get()).isLessThanOrEqualTo(LogWriter.FLUSH_BATCH_CHARS + LINE.length() + 2);
      // Before: ~2 bytes per character of every line (the big builder and its byte buffer).
      assertThat(writerPerLine).isLessThan(24.0);
    } finally {
      ErrEncoding.remember(null, null);
    }
  }

  private static final String LINE = "[ai-warden] INFO chat gpt-4o -> 200 openai api.openai.com:443"
      + " key=sha256:43dff2a4e74be72f (env:OPENAI_API_KEY) caller=com.acme.Billing.summarise(Billing.java:81)"
      + " tokens=21/9 227ms policy=allow";

  /**
   * Queues {@code rounds} rounds of {@code perRound} {@link #LINE}s (running {@code afterQueued}
   * and waiting for the writer after each) and returns the bytes the writer thread allocated per
   * line over the second half.
   */
  private static double writerBytesPerLine(LogWriter w, int rounds, int perRound, Runnable afterQueued)
      throws InterruptedException {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long writerBefore = 0;
    for (int round = 0; round < rounds; round++) {
      if (round == rounds / 2) {
        writerBefore = mx.getThreadAllocatedBytes(w.thread().getId());
      }
      for (int i = 0; i < perRound; i++) {
        LogWriter.Line line = LogWriter.take();
        line.text().append(LINE);
        w.info(line);
        line.done();
      }
      afterQueued.run();
      awaitDrained(w);
    }
    w.flush();
    return (double) (mx.getThreadAllocatedBytes(w.thread().getId()) - writerBefore) / (rounds / 2 * perRound);
  }

  /** A stream that keeps nothing: it counts the lines' ends and remembers its longest write. */
  private static final class LineEnds extends OutputStream {
    final AtomicInteger ends = new AtomicInteger();
    final AtomicInteger longestWrite = new AtomicInteger();

    @Override
    public void write(int b) {
      if (b == '\n') {
        ends.incrementAndGet();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      longestWrite.accumulateAndGet(len, Math::max);
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }

  /** Writer threads that start their work only once {@code release} is counted down. */
  private static ThreadFactory heldBack(CountDownLatch release) {
    return task -> daemon(() -> {
      awaitQuietly(release);
      task.run();
    });
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
