package dev.aiwarden.examples.benchmarks;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenThread;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the agent's per-thread state costs the application's own {@link ThreadLocal}s, in process
 * with no agent: {@link #APP} lookups of the application's thread-locals (an SDK, its HTTP client
 * and its logging keep several each: OkHttp, Netty, Jackson, SLF4J/Logback MDC) on a thread that
 * also carries the agent's state, as a thread that made an AI call does. Each thread-local is an
 * entry of the thread's {@code ThreadLocalMap} (open addressing, linear probing): more entries
 * mean longer probe runs and more of the table in cache for every lookup. {@code agent}:
 *
 * <ul>
 *   <li>{@code none}: no agent state (the baseline);
 *   <li>{@code separate}: {@link #SEPARATE} entries, as many as the agent used to leave on a
 *       thread making openai-java calls over OkHttp under the full policy, when it kept one
 *       thread-local per kind of state (counted on {@link AiCallBench#okHttpChat}'s thread: 5
 *       under the default policy, 6 under the full one; of eleven kinds: re-entry depth,
 *       suppression, offered body, kept caller, JSON scratch, prompt hash, key fingerprint, prompt
 *       copy, a deny pattern's matcher, log lines, OkHttp's spare array);
 *   <li>{@code holder}: the agent's one {@link WardenThread}, as now.
 * </ul>
 *
 * {@link #agentLookup} is the agent's own lookup of its state on that thread ({@code
 * Warden.suppressedOrHandledOutside()}), for comparison with the application's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class ThreadLocalBench {
  /** The application's thread-locals looked up per operation. */
  static final int APP = 8;

  /** The agent's thread-locals of before the holder, on a thread of openai-java calls. */
  static final int SEPARATE = 6;

  /** The application's, made first (as a library's static thread-locals are, before any call). */
  @SuppressWarnings("unchecked")
  private static final ThreadLocal<Object>[] APPLICATION = new ThreadLocal[APP];

  @SuppressWarnings("unchecked")
  private static final ThreadLocal<Object>[] AGENT_SEPARATE = new ThreadLocal[SEPARATE];

  static {
    for (int i = 0; i < APP; i++) {
      APPLICATION[i] = new ThreadLocal<>();
    }
    for (int i = 0; i < SEPARATE; i++) {
      AGENT_SEPARATE[i] = new ThreadLocal<>();
    }
  }

  @Param({"none", "separate", "holder"})
  public String agent;

  @Setup
  public void setUp() {
    for (int i = 0; i < APP; i++) {
      APPLICATION[i].set(new Object());
    }
    if (agent.equals("separate")) {
      for (int i = 0; i < SEPARATE; i++) {
        AGENT_SEPARATE[i].set(new Object());
      }
    } else if (agent.equals("holder")) {
      WardenThread.current();
    } else if (!agent.equals("none")) {
      throw new IllegalArgumentException("agent: none, separate or holder, not " + agent);
    }
  }

  /** {@link #APP} lookups of the application's thread-locals. */
  @Benchmark
  public void applicationLookups(Blackhole bh) {
    for (int i = 0; i < APP; i++) {
      bh.consume(APPLICATION[i].get());
    }
  }

  /** The agent's check of its own state on this thread (one lookup of its holder). */
  @Benchmark
  public boolean agentLookup() {
    return Warden.suppressedOrHandledOutside();
  }
}
