package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StartupOutputTest {
  @Test
  void mainDoneIsWhenTheCpuLineArrivesNotWhenTheOutputEnds() throws Exception {
    PipedInputStream in = new PipedInputStream();
    PipedOutputStream app = new PipedOutputStream(in);
    AtomicLong now = new AtomicLong(0);
    Semaphore stamped = new Semaphore(0);
    Thread writer = new Thread(() -> {
      try {
        now.set(40_000_000L);
        app.write("hello\n".getBytes(StandardCharsets.UTF_8));
        app.flush();
        stamped.acquire();
        now.set(120_000_000L);
        app.write((ProcessCpu.PREFIX + "230\n").getBytes(StandardCharsets.UTF_8));
        app.flush();
        stamped.acquire();
        // The process runs on (a non-daemon thread, shutdown hooks) before its output ends.
        now.set(900_000_000L);
        app.write("a late line\n".getBytes(StandardCharsets.UTF_8));
        app.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    StartupOutput out = StartupOutput.read(in, 10_000_000L, () -> {
      long t = now.get();
      stamped.release();
      return t;
    });
    writer.join();

    assertThat(out.mainDoneMillis).isEqualTo(110.0);
    assertThat(out.cpuMillis).isEqualTo(230.0);
    assertThat(out.lines).containsExactly("hello", ProcessCpu.PREFIX + "230", "a late line");
  }

  @Test
  void anAppThatNeverSaysMainIsDoneHasNoFigure() throws Exception {
    StartupOutput out = StartupOutput.read(
        new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)), 0);
    assertThat(out.mainDoneMillis).isNaN();
    assertThat(out.cpuMillis).isNaN();
  }

  @Test
  void unknownCpuStillMarksMainDone() throws Exception {
    StartupOutput out = StartupOutput.read(
        new ByteArrayInputStream((ProcessCpu.PREFIX + "-1\n").getBytes(StandardCharsets.UTF_8)), 0, () -> 5_000_000L);
    assertThat(out.mainDoneMillis).isEqualTo(5.0);
    assertThat(out.cpuMillis).isNaN();
  }
}
