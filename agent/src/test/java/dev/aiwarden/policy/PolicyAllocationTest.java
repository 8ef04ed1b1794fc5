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
    StringBuilder prompt = new StringBuilder("Summarise the following notes in one friendly sentence. ");
    while (prompt.length() < 2048) {
      prompt.append("Our quarterly revenue grew in every region while costs stayed flat. ");
    }
    AiCall call = openAi("gpt-4o", prompt.toString());
    assertAllocatesNothing(call);
  }

  /**
   * The prompt as the core hands it over (a view of the parser's builder, no string), with what
   * makes the secret scan check words (runs of 15+ token characters: paths, ids, near-miss keys)
   * and the PEM search try its starts (dashes, {@code -----BEGIN} of a public key).
   */
  @Test
  void anAllowedViewWithLongTokensAndDashesAllocatesNothing() throws Exception {
    StringBuilder view = new StringBuilder("Read https://example.com/docs/a-very-long-path/index.html first. ");
    while (view.length() < 2048) {
      view.append("Ticket 3f2a-19c0-4d5e-aa71-0b9e2c4d6f80 -- see sk-short, AKIA1234 and ")
          .append("-----BEGIN PUBLIC KEY----- ; bearer of news; eyJhbGciOi is not a token. ");
    }
    AiCall call = openAi("gpt-4o", null);
    call.request.promptView = view;
    call.request.promptChars = view.length();
    assertAllocatesNothing(call);
  }

  private static void assertAllocatesNothing(AiCall call) throws Exception {
    Policy p = suitesFullPolicy();
    Clock clock = new Clock();
    PolicyState state = new PolicyState(clock::get, () -> "h");
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
