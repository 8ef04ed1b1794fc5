package dev.aiwarden.policy;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the rules remember between calls (request and token windows, content-filter breaker) and
 * what they read from the machine (clock, host name). Lives in the {@link PolicyStore}, so a reload
 * keeps the counts: editing the file does not hand a key a fresh budget.
 */
final class PolicyState {
  final RateLimiter requests = new RateLimiter();
  final TokenWindow tokens = new TokenWindow();
  final ContentFilterBreaker breaker = new ContentFilterBreaker();
  final LongSupplier nanoTime;
  private final Supplier<String> hostNameLookup;
  private volatile String hostName;
  private volatile boolean hostNameKnown;

  PolicyState(LongSupplier nanoTime, Supplier<String> hostName) {
    this.nanoTime = nanoTime;
    this.hostNameLookup = hostName;
  }

  /** This machine's host name for {@code keys.bind} (looked up once), or null when unknown. */
  String hostName() {
    if (!hostNameKnown) {
      hostName = hostNameLookup.get();
      hostNameKnown = true;
    }
    return hostName;
  }
}
