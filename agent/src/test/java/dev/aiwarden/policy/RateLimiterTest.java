package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sliding window stays exact while its ring grows with the rate seen (not the limit). */
class RateLimiterTest {
  private static final long WINDOW = 60_000;

  @Test
  void admitsExactlyTheLimitPerWindowWhileTheRingGrows() {
    RateLimiter limiter = new RateLimiter();
    int limit = RateLimiter.INITIAL_CAPACITY * 5 + 3; // grows past the first capacity 3 times
    for (int i = 0; i < limit; i++) {
      assertThat(limiter.tryAcquire("k", limit, WINDOW, i, false)).as("request %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire("k", limit, WINDOW, limit, false)).isFalse();
    assertThat(limiter.tryAcquire("k", limit, WINDOW, WINDOW - 1, false)).isFalse();
    // the first admission (t=0) leaves the window at t=WINDOW: exactly one more fits
    assertThat(limiter.tryAcquire("k", limit, WINDOW, WINDOW, false)).isTrue();
    assertThat(limiter.tryAcquire("k", limit, WINDOW, WINDOW, false)).isFalse();
    assertThat(limiter.tryAcquire("k", limit, WINDOW, WINDOW + 1, false)).isTrue();
  }

  @Test
  void aSlowSteadyRateUnderAHugeLimitNeverFillsTheWindow() {
    RateLimiter limiter = new RateLimiter();
    // one request a second under a million a minute: the ring overwrites times that left the window
    for (int i = 0; i < 500; i++) {
      assertThat(limiter.tryAcquire("k", 1_000_000, WINDOW, i * 1_000L, false)).isTrue();
    }
    // and a limit the rate does reach is still exact
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.tryAcquire("s", 20, 1_000, 10_000 + i, false)).isTrue();
    }
    assertThat(limiter.tryAcquire("s", 20, 1_000, 10_500, false)).isFalse();
  }

  @Test
  void forcedRequestsCountAndALowerLimitKeepsTheLatest() {
    RateLimiter limiter = new RateLimiter();
    for (int i = 0; i < 30; i++) {
      assertThat(limiter.tryAcquire("k", 30, WINDOW, i, false)).isTrue();
    }
    assertThat(limiter.tryAcquire("k", 30, WINDOW, 30, true)).as("monitor mode: over").isFalse();
    // reload with limit 10: the 10 latest (t=21..30) are kept, so t=WINDOW+20 is still over
    assertThat(limiter.tryAcquire("k", 10, WINDOW, WINDOW + 20, false)).isFalse();
    assertThat(limiter.tryAcquire("k", 10, WINDOW, WINDOW + 21, false)).isTrue();
    // raised again: t=22 has left the window, t=23..30 and WINDOW+21 (9) remain: room for 31
    for (int i = 0; i < 31; i++) {
      assertThat(limiter.tryAcquire("k", 40, WINDOW, WINDOW + 22, false)).as("%d", i).isTrue();
    }
    assertThat(limiter.tryAcquire("k", 40, WINDOW, WINDOW + 22, false)).isFalse();
  }
}
