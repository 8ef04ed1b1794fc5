package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.core.WardenCore;
import dev.aiwarden.examples.callers.Shapes;
import dev.aiwarden.hook.Allocations;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.Telemetry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Warden.captureCaller} walks for the caller from its own frame when the core allows it
 * (the thread's last two walks agreed and found a caller): the same answers and learnt depths as
 * the core's {@code captureCaller}, two frames fewer filled.
 */
class BridgeCallerWalkTest {
  private final CallTelemetry calls = Telemetry.noop().callTelemetry();
  private final WardenCore core = new WardenCore(() -> MonitorOnlyPolicy.INSTANCE, () -> calls);

  /** JUnit makes an instance per test: each test runs with this core installed. */
  BridgeCallerWalkTest() {
    Warden.install(core);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  /** Library frames (this class is agent code to the search) down to the search. */
  private static Caller[] down(int frames) {
    return frames <= 0 ? both() : down(frames - 1);
  }

  /** What Warden.captureCaller answers, whether it walked itself, and the reference answer. */
  private static Caller[] both() {
    boolean bridge = CallerLocator.bridgeWalker() != null;
    Caller found = (Caller) Warden.captureCaller();
    return new Caller[] {found, CallerLocatorTest.reference(), bridge ? found : null};
  }

  /**
   * What a hook walking from its own frame answers (as {@code OpenAiJavaAdapter.enterExecute}:
   * {@code Warden.hookCallerWalker}, else {@code Warden.captureCaller}), whether it walked itself,
   * and the reference answer.
   */
  private static Caller[] fromHook() {
    StackWalker walker = Warden.hookCallerWalker();
    Caller found =
        (Caller) (walker == null ? Warden.captureCaller() : walker.walk(Warden.hookCallerSearch()));
    return new Caller[] {found, CallerLocatorTest.reference(), walker == null ? null : found};
  }

  /** Library frames down to a hook's own walk. */
  private static Caller[] hookDown(int frames) {
    return frames <= 0 ? fromHook() : hookDown(frames - 1);
  }

  /** {@link CallerLocatorTest#assertSame}: the answer is the reference's. */
  private static void assertSameCaller(Caller found, Caller reference, String shape) {
    assertThat(reference).as(shape).isNotNull();
    CallerLocatorTest.assertSame(new Caller[] {found, reference}, shape);
  }

  /**
   * At each depth, {@code rounds} calls in each shape, each round's by {@code searchOfRound}: the
   * reference's answers, walked by the shorter walk ({@code walk}) from round 2 on, and the depth
   * learnt always the one the core's walk learnt (find()'s count).
   */
  private static void assertRepeatedCalls(
      IntFunction<IntFunction<Caller[]>> searchOfRound, int rounds, String walk) {
    int[] depths = {0, 1, 2, 3, 5, 12, 20, 45, 120, 300};
    for (int depth : depths) {
      int[] walked = new int[rounds];
      for (int round = 0; round < rounds; round++) {
        String shape = depth + " frames, round " + round;
        IntFunction<Caller[]> search = searchOfRound.apply(round);
        Caller[] direct = Shapes.direct(search, depth);
        walked[round] = CallerLocator.lastWalkFrames();
        assertSameCaller(direct[0], direct[1], "direct, " + shape);
        if (round >= 2) {
          assertThat(direct[2]).as("walked from " + walk + ", " + shape).isNotNull();
        }
        Caller[] lambda = Shapes.fromLambda(search, depth);
        assertThat(lambda[0].function()).contains(Shapes.class.getName() + ".lambda$");
        assertSameCaller(lambda[0], lambda[1], "lambda, " + shape);
        Caller[] nested = Shapes.fromNested(search, depth);
        assertSameCaller(nested[0], nested[1], "nested, " + shape);
      }
      for (int round = 1; round < rounds; round++) {
        assertThat(walked[round]).as("%d frames, round %d", depth, round).isEqualTo(walked[0]);
      }
    }
  }

  @Test
  void aRepeatedCallWalksFromTheBridgeWithTheSameAnswerAndDepth() {
    assertRepeatedCalls(round -> BridgeCallerWalkTest::down, 4, "the bridge");
  }

  @Test
  void aRepeatedCallWalksFromTheHooksOwnFrameWithTheSameAnswerAndDepth() {
    // Rounds 4 and 5 go through Warden.captureCaller: both kinds of walk size each other's.
    assertRepeatedCalls(
        round -> round < 4 ? BridgeCallerWalkTest::hookDown : BridgeCallerWalkTest::down,
        6,
        "the hook's own frame");
  }

  @Test
  void aThreadAlternatingDepthsGetsTheSameAnswersFromTheHooksOwnFrame() {
    for (int i = 0; i < 40; i++) {
      int depth = i % 3 == 0 ? 4 : 25;
      Caller[] found =
          Shapes.direct(i % 2 == 0 ? BridgeCallerWalkTest::hookDown : BridgeCallerWalkTest::down, depth);
      assertSameCaller(found[0], found[1], "call " + i + ", " + depth + " frames");
    }
  }

  @Test
  void aThreadAlternatingDepthsGetsTheSameAnswers() {
    for (int i = 0; i < 40; i++) {
      int depth = i % 3 == 0 ? 4 : 25; // two the same, then another: bridge and core walks mix
      Caller[] found = Shapes.direct(BridgeCallerWalkTest::down, depth);
      assertSameCaller(found[0], found[1], "call " + i + ", " + depth + " frames");
    }
  }

  @Test
  void noApplicationFrameIsNullAndNeverWalkedFromTheBridge() throws Exception {
    AtomicReference<Object> result = new AtomicReference<>("not run");
    AtomicReference<Object> walker = new AtomicReference<>("not run");
    // A thread of library code only: this class (agent code) and the JDK.
    Thread t =
        new Thread(
            () -> {
              Object last = "none";
              for (int i = 0; i < 5; i++) {
                last = Warden.captureCaller();
              }
              result.set(last);
              walker.set(CallerLocator.bridgeWalker());
            });
    t.start();
    t.join();
    assertThat(result.get()).isNull();
    assertThat(walker.get()).as("a thread whose walks found none takes the core's path").isNull();
  }

  /** The core without its bridge walk: every search runs in the core's captureCaller, as before. */
  private static final class WithoutBridge implements WardenHooks {
    private final WardenCore core;

    WithoutBridge(WardenCore core) {
      this.core = core;
    }

    @Override
    public boolean isAiCall(String host, int port, String path) {
      return core.isAiCall(host, port, path);
    }

    @Override
    public Object captureCaller() {
      return CallerLocator.find(); // the same two frames as WardenCore.captureCaller
    }

    @Override
    public Object requestStarting(
        String client, String method, String url, String host, int port, String path,
        String[] headers, byte[] body, Object caller) throws PolicyDeniedException {
      return core.requestStarting(client, method, url, host, port, path, headers, body, caller);
    }

    @Override
    public void responseReceived(Object call, int status, String[] headers, byte[] body) {
      core.responseReceived(call, status, headers, body);
    }

    @Override
    public void streamStarted(Object call, int status, String[] headers) {
      core.streamStarted(call, status, headers);
    }

    @Override
    public void streamData(Object call, byte[] bytes, int offset, int length) {
      core.streamData(call, bytes, offset, length);
    }

    @Override
    public void streamEnded(Object call, Throwable error) {
      core.streamEnded(call, error);
    }

    @Override
    public void failed(Object call, Throwable error) {
      core.failed(call, error);
    }

    @Override
    public void hookError(String where, Throwable error) {
      core.hookError(where, error);
    }
  }

  private static Object capture(int frames) {
    return frames <= 0 ? Warden.captureCaller() : capture(frames - 1);
  }

  private static Object hookCapture(int frames) {
    if (frames > 0) {
      return hookCapture(frames - 1);
    }
    StackWalker walker = Warden.hookCallerWalker();
    return walker == null ? Warden.captureCaller() : walker.walk(Warden.hookCallerSearch());
  }

  private static long bytesPerCapture(int depth) throws Exception {
    return bytesPerSearch(BridgeCallerWalkTest::capture, depth);
  }

  private static long bytesPerSearch(IntFunction<Object> search, int depth) throws Exception {
    return Allocations.leastPerRun(20_000, 2_000, 4, () -> Shapes.direct(search, depth));
  }

  /**
   * A hook's walk from its own frame fills one frame fewer than {@code Warden.captureCaller}'s
   * (that method's own): ~84 bytes on Java 17, ~52 on Java 25 less per search. (Not below 5
   * library frames: the JDK's first batch has at least 8 slots, 6 frames on Java 17.)
   */
  @Test
  void theHooksOwnWalkFillsOneFrameFewer() throws Exception {
    for (int depth : new int[] {5, 20}) {
      long fromHook = bytesPerSearch(BridgeCallerWalkTest::hookCapture, depth);
      long bridged = bytesPerCapture(depth);
      assertThat(bridged - fromHook).as("bytes saved per search, %d library frames", depth).isGreaterThanOrEqualTo(40);
    }
  }

  /**
   * The bridge's walk fills two frames fewer: its bytes per search (the JDK allocates a frame
   * object and a MemberName per filled frame, ~84 bytes on Java 17, ~52 on Java 25) are lower.
   */
  @Test
  void theBridgeWalkFillsFewerFrames() throws Exception {
    for (int depth : new int[] {3, 20}) {
      long bridged = bytesPerCapture(depth);
      Warden.install(new WithoutBridge(core));
      long plain = bytesPerCapture(depth);
      Warden.install(core);
      assertThat(plain - bridged).as("bytes saved per search, %d library frames", depth).isGreaterThanOrEqualTo(80);
    }
  }
}
