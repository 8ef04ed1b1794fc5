package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.core.AiCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 8 threads hammering one key with requests_per_minute: 100 (or tokens_per_minute: 1000, 10 a
 * call) get exactly 100 calls through.
 */
class LimitsConcurrencyTest {

  @Test
  void exactlyTheLimitIsAllowedUnderContention() throws Exception {
    hammer("version: 1\nlimits:\n  requests_per_minute: 100\n", 0, "limit.requests");
  }

  @Test
  void exactlyTheTokenLimitIsReservedUnderContention() throws Exception {
    // 1000 tokens a minute, every call reserving max_tokens 10 and not completing: 100 pass
    hammer("version: 1\nlimits:\n  tokens_per_minute: 1000\n", 10, "limit.tokens");
  }

  /** 20 rounds of 8 threads making 100 calls each (with {@code maxTokens}, when > 0): 100 pass. */
  private static void hammer(String yaml, long maxTokens, String rule) throws Exception {
    Policy p = policy(yaml);
    for (int round = 0; round < 20; round++) {
      PolicyState state = new PolicyState(System::nanoTime, () -> "h");
      AtomicInteger allowed = new AtomicInteger();
      AtomicInteger denied = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 100; i++) {
            AiCall call = openAi("gpt-4o", "hi");
            if (maxTokens > 0) {
              call.request.maxTokens = maxTokens;
            }
            Decision d = p.decide(call, state);
            if (d.blocks()) {
              assertThat(d.rule()).isEqualTo(rule);
              denied.incrementAndGet();
            } else {
              allowed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(allowed.get()).isEqualTo(100);
      assertThat(denied.get()).isEqualTo(700);
    }
  }

  @Test
  void keysDoNotShareAWindow() throws Exception {
    Policy p = policy("version: 1\nlimits:\n  requests_per_minute: 50\n");
    PolicyState state = new PolicyState(System::nanoTime, () -> "h");
    AtomicInteger openAi = new AtomicInteger();
    AtomicInteger azure = new AtomicInteger();
    Thread a = new Thread(() -> {
      for (int i = 0; i < 200; i++) {
        if (!p.decide(openAi("gpt-4o", "hi"), state).blocks()) {
          openAi.incrementAndGet();
        }
      }
    });
    Thread b = new Thread(() -> {
      for (int i = 0; i < 200; i++) {
        if (!p.decide(azure("d", dev.aiwarden.classify.Operation.CHAT, azureKey(), "env:K"), state).blocks()) {
          azure.incrementAndGet();
        }
      }
    });
    a.start();
    b.start();
    a.join();
    b.join();
    assertThat(openAi.get()).isEqualTo(50);
    assertThat(azure.get()).isEqualTo(50);
  }

  @Test
  void aReloadWithAnotherLimitKeepsTheRecentCalls() {
    Clock clock = new Clock();
    PolicyState state = new PolicyState(clock::get, () -> "h");
    Policy ten = policy("version: 1\nlimits:\n  requests_per_minute: 10\n");
    for (int i = 0; i < 8; i++) {
      assertThat(ten.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();
    }
    Policy five = policy("version: 1\nlimits:\n  requests_per_minute: 5\n");
    assertThat(five.decide(openAi("gpt-4o", "hi"), state).rule()).isEqualTo("limit.requests");
    Policy twenty = policy("version: 1\nlimits:\n  requests_per_minute: 20\n");
    int more = 0;
    while (!twenty.decide(openAi("gpt-4o", "hi"), state).blocks()) {
      more++;
    }
    assertThat(more).isEqualTo(15); // 5 remembered of the 8, 20 - 5
  }
}
