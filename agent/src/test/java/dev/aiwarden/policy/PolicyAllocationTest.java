package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.ResponseInfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * What deciding an allowed call costs with every rule type, in bytes allocated on the calling
 * thread: {@link Policy#decide} and {@link Policy#onCompleted} (the token settlement), measured
 * after warm-up with the JVM's per-thread allocation counter. The windows are in their steady
 * state (the clock moves 10 ms a call: 6000 calls in each minute), so what a call costs is what
 * it leaves behind, not a ring growing once.
 */
class PolicyAllocationTest {
  private static final int WARM = 30_000;
  private static final int MEASURED = 10_000;

  /**
   * The performance suite's full policy (every rule type once, allowing the suite's calls), with
   * the test keys' fingerprints for the suite's.
   */
  private static Policy suitesFullPolicy() throws Exception {
    String yaml = Files.readString(Paths.get("../examples/benchmarks/full-policy.yaml"))
        .replace("${OPENAI_KEY_FINGERPRINT}", OPENAI_FP)
        .replace("${AZURE_KEY_FINGERPRINT}", AZURE_FP);
    return policy(yaml);
  }

  @Test
  void anAllowedCallWithEveryRuleTypeAllocatesNothing() throws Exception {
    Policy p = suitesFullPolicy();
    Clock clock = new Clock();
    PolicyState state = new PolicyState(clock::get, () -> "h");
    StringBuilder prompt = new StringBuilder("Summarise the following notes in one friendly sentence. ");
    while (prompt.length() < 2048) {
      prompt.append("Our quarterly revenue grew in every region while costs stayed flat. ");
    }
    AiCall call = openAi("gpt-4o", prompt.toString());
    call.request.maxTokens = 64L;
    ResponseInfo response = new ResponseInfo();
    response.inputTokens = 412;
    response.outputTokens = 9;
    call.response = response;

    for (int i = 0; i < WARM; i++) {
      decideAndComplete(p, call, state, clock);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < MEASURED; i++) {
      decideAndComplete(p, call, state, clock);
    }
    long perCall = (threads.getThreadAllocatedBytes(id) - before) / MEASURED;
    assertThat(perCall).isLessThan(8); // 0: the counter itself may read a few bytes
  }

  private static void decideAndComplete(Policy p, AiCall call, PolicyState state, Clock clock) {
    clock.now += 10_000_000L;
    Decision d = p.decide(call, state);
    if (d.blocks() || d.rule() != null) {
      throw new AssertionError("denied: " + d.rule()); // (no assertion object per call)
    }
    p.onCompleted(call, state);
  }
}
