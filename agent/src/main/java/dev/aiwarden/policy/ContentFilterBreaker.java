package dev.aiwarden.policy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code abuse.content_filter_blocks: {max, per}}: counts content-filter blocks per key
 * fingerprint; when {@code max} fall within {@code per}, the key is tripped (denied locally) for
 * {@code per} from the block that tripped it. Someone probing guardrails with a key hits the
 * filter again and again; this takes the key out of their hands without a call to Azure.
 */
final class ContentFilterBreaker {
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

  private static final class State {
    long[] blocks;
    int next;
    int count;
    long trippedUntil;
    boolean tripped;

    State(int max) {
      blocks = new long[Math.max(1, max)];
    }
  }

  /** Records a content-filter block of {@code key} at {@code now}; true when this trips the key. */
  boolean recordBlock(String key, int max, long perNanos, long now) {
    State s = states.get(key);
    if (s == null) {
      s = states.computeIfAbsent(key, k -> new State(max));
    }
    synchronized (s) {
      if (s.blocks.length != Math.max(1, max)) {
        s.blocks = new long[Math.max(1, max)];
        s.next = 0;
        s.count = 0;
      }
      s.blocks[s.next] = now;
      s.next = (s.next + 1) % s.blocks.length;
      if (s.count < s.blocks.length) {
        s.count++;
      }
      // The oldest of the last `max` blocks is where the ring continues.
      long oldest = s.count < s.blocks.length ? s.blocks[0] : s.blocks[s.next];
      if (s.count >= max && now - oldest < perNanos) {
        boolean newly = !s.tripped || now - s.trippedUntil >= 0;
        s.tripped = true;
        s.trippedUntil = now + perNanos;
        return newly;
      }
      return false;
    }
  }

  /** Nanoseconds the key stays denied from {@code now}, or 0 when it is not tripped. */
  long trippedFor(String key, long now) {
    State s = states.get(key);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      if (!s.tripped) {
        return 0;
      }
      long left = s.trippedUntil - now;
      if (left <= 0) {
        s.tripped = false;
        return 0;
      }
      return left;
    }
  }
}
