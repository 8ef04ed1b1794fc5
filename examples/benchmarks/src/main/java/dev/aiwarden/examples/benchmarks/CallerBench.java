package dev.aiwarden.examples.benchmarks;

import com.openai.aiwardenbench.CallerFrames;
import com.openai.aiwardenbench.SdkFrames;
import dev.aiwarden.provenance.Caller;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The caller search alone ({@code CallerLocator.find()}, run by the agent on every AI call), in
 * process with no agent: from {@link CallerFrames#AGENT} agent frames, through {@code frames}
 * library frames ({@link SdkFrames}, a package the search skips), to this benchmark method, the
 * "application" frame it must find (class, method, file, line). 20 frames is about openai-java
 * over OkHttp, 45 azure-ai-openai's sync pipeline, 120 a deep framework stack. Run it with
 * {@code -prof gc} for the bytes per search, on each JDK of interest ({@code -jvm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class CallerBench {
  @Param({"20", "45", "120"})
  public int frames;

  @Setup
  public void setUp() {
    Object found = find();
    String expected = CallerBench.class.getName() + ".find";
    if (!(found instanceof Caller) || !((Caller) found).function().equals(expected)) {
      throw new IllegalStateException("the search found " + found + ", not " + expected);
    }
  }

  @Benchmark
  public Object find() {
    return SdkFrames.call(frames, CallerFrames::find, null);
  }
}
