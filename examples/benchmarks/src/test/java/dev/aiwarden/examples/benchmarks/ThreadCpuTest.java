package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading of {@code /proc/<pid>/task/*}{@code /stat} by thread group, on a fake {@code /proc} directory. */
class ThreadCpuTest {
  @TempDir Path proc;

  /** A stat line as Linux writes it: utime and stime are fields 14 and 15. */
  private static String stat(String tid, String comm, long utime, long stime) {
    return tid + " (" + comm + ") S 1 1 1 0 -1 4194368 100 0 0 0 " + utime + " " + stime
        + " 0 0 20 0 30 0 1000 4000000000 30000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  }

  private void process(long utime, long stime) throws IOException {
    Files.writeString(proc.resolve("stat"), stat("100", "java", utime, stime));
  }

  private void thread(String tid, String comm, long utime, long stime) throws IOException {
    Path dir = Files.createDirectories(proc.resolve("task").resolve(tid));
    Files.writeString(dir.resolve("stat"), stat(tid, comm, utime, stime));
  }

  private void threadEnded(String tid) throws IOException {
    Path dir = proc.resolve("task").resolve(tid);
    Files.delete(dir.resolve("stat"));
    Files.delete(dir);
  }

  @Test
  void readsUtimePlusStimeAndTheNameEvenWithSpacesAndParentheses() {
    String line = stat("4242", "OkHttp (x) y", 7, 5);
    assertThat(ThreadCpu.ticks(line)).isEqualTo(12);
    assertThat(ThreadCpu.comm(line)).isEqualTo("OkHttp (x) y");
  }

  @Test
  void groupsThreadsByTheirLinuxNames() {
    assertThat(ThreadCpu.group("main")).isEqualTo(ThreadCpu.CALLING);
    assertThat(ThreadCpu.group("java")).isEqualTo(ThreadCpu.CALLING);
    assertThat(ThreadCpu.group("bench-63")).isEqualTo(ThreadCpu.CALLING);
    assertThat(ThreadCpu.group("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.group("C1 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.group("G1 Conc#0")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.group("G1 Refine#0")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.group("VM Thread")).isEqualTo(ThreadCpu.VM);
    assertThat(ThreadCpu.group("VM Periodic Tas")).isEqualTo(ThreadCpu.VM);
    assertThat(ThreadCpu.group("ai-warden-log")).isEqualTo(ThreadCpu.AGENT);
    assertThat(ThreadCpu.group("BatchSpanProces")).isEqualTo(ThreadCpu.AGENT);
    assertThat(ThreadCpu.group("OkHttp TaskRunn")).isEqualTo(ThreadCpu.SDK);
    assertThat(ThreadCpu.group("Okio Watchdog")).isEqualTo(ThreadCpu.SDK);
    assertThat(ThreadCpu.group("reactor-http-ni")).isEqualTo(ThreadCpu.SDK);
    assertThat(ThreadCpu.group("Signal Dispatch")).isEqualTo(ThreadCpu.OTHER);
    assertThat(ThreadCpu.group("Common-Cleaner")).isEqualTo(ThreadCpu.OTHER);
  }

  @Test
  void ticksPerGroupBetweenTwoSnapshotsAddUpToTheProcess() throws IOException {
    process(900, 100);
    thread("100", "java", 300, 20);
    thread("101", "C2 CompilerThre", 200, 0);
    thread("102", "GC Thread#0", 50, 10);
    thread("103", "OkHttp TaskRunn", 5, 5);
    thread("104", "ai-warden-log", 30, 10);
    ThreadCpu.Snapshot before = ThreadCpu.read(proc);
    assertThat(before.process).isEqualTo(1000);
    assertThat(before.ticks).hasSize(5);

    // The OkHttp thread ends (its 10 + 4 more ticks stay in the process's count), a bench thread starts.
    process(900 + 200, 100 + 30);
    thread("100", "java", 400, 30);
    thread("101", "C2 CompilerThre", 240, 0);
    thread("102", "GC Thread#0", 55, 10);
    threadEnded("103");
    thread("104", "ai-warden-log", 33, 11);
    thread("105", "bench-0", 60, 6);
    Map<String, Long> d = ThreadCpu.read(proc).since(before);

    assertThat(d.keySet()).containsExactlyElementsOf(ThreadCpu.GROUPS);
    assertThat(d).contains(
        entry(ThreadCpu.CALLING, 110L + 66L),
        entry(ThreadCpu.JIT, 40L),
        entry(ThreadCpu.GC, 5L),
        entry(ThreadCpu.AGENT, 4L),
        entry(ThreadCpu.SDK, 0L),
        entry(ThreadCpu.VM, 0L),
        entry(ThreadCpu.OTHER, 0L),
        // 230 ticks in the process, 225 in live threads.
        entry(ThreadCpu.EXITED, 5L));
    assertThat(d.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(230);
  }

  @Test
  void sumsStretchesAndGivesMicrosecondsPerCall() {
    ThreadCpu.Sum sum = new ThreadCpu.Sum();
    sum.add(Map.of(ThreadCpu.CALLING, 30L, ThreadCpu.JIT, 1L));
    sum.add(Map.of(ThreadCpu.CALLING, 20L, ThreadCpu.AGENT, 2L));
    Map<String, Double> perCall = sum.perCallMicros(10_000);
    // 50 ticks = 500 ms over 10,000 calls = 50 µs per call.
    assertThat(perCall).containsEntry(ThreadCpu.CALLING, 50.0).containsEntry(ThreadCpu.JIT, 1.0)
        .containsEntry(ThreadCpu.AGENT, 2.0).containsEntry(ThreadCpu.GC, 0.0);
    assertThat(List.copyOf(perCall.keySet())).isEqualTo(ThreadCpu.GROUPS);
  }

  @Test
  void withoutProcNothingIsCountedAndNothingFails() {
    ThreadCpu.Snapshot none = ThreadCpu.read(proc.resolve("missing"));
    assertThat(none.process).isEqualTo(-1);
    assertThat(none.ticks).isEmpty();
    assertThat(none.since(none).values()).containsOnly(0L);
  }

  @Test
  void theReportPutsOneContextRowPerGroupUnderEachWholeJvmCpuRow() {
    for (String metric : Report.BY_THREAD_GROUP) {
      int at = -1;
      for (int i = 0; i < Report.ROWS.size(); i++) {
        if (Report.ROWS.get(i).metric.equals(metric)) {
          at = i;
        }
      }
      assertThat(at).as(metric).isNotNegative();
      String prefix = metric.substring(0, metric.length() - "cpu.us".length());
      for (int g = 0; g < ThreadCpu.GROUPS.size(); g++) {
        Report.Row row = Report.ROWS.get(at + 1 + g);
        assertThat(row.metric).isEqualTo(prefix + "cpu." + ThreadCpu.GROUPS.get(g) + ".us");
        assertThat(row.kind).isEqualTo(Report.Kind.INFO);
        assertThat(row.target).isEqualTo(Report.THREAD_GROUP_TARGET);
      }
    }
  }
}
