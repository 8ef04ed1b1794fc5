package dev.aiwarden.policy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code limits.requests_per_minute}: a sliding-window log per key fingerprint. Each key keeps the
 * times of its last {@code limit} admitted requests in a ring; a request is admitted when fewer
 * than {@code limit} were admitted in the {@code window} before it. Exact under concurrency: each
 * key's ring is guarded by its own monitor (no lock shared between keys, none on the map).
 */
final class RateLimiter {
  private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

  private static final class Ring {
    long[] times;
    int next;
    int count;

    Ring(int limit) {
      times = new long[Math.max(1, limit)];
    }

    /** Keeps the most recent admissions when the limit changes with a policy reload. */
    void resize(int limit) {
      long[] fresh = new long[Math.max(1, limit)];
      int keep = Math.min(count, fresh.length);
      for (int i = 0; i < keep; i++) {
        int from = Math.floorMod(next - keep + i, times.length);
        fresh[i] = times[from];
      }
      times = fresh;
      count = keep;
      next = keep % fresh.length;
    }
  }

  /**
   * Admits one request of {@code key} at {@code now} when the limit allows; with {@code force} the
   * request is recorded even when over the limit (monitor mode: it goes out anyway).
   *
   * @return true when the request was within the limit
   */
  boolean tryAcquire(String key, int limit, long windowNanos, long now, boolean force) {
    Ring ring = rings.get(key);
    if (ring == null) {
      ring = rings.computeIfAbsent(key, k -> new Ring(limit));
    }
    synchronized (ring) {
      if (ring.times.length != Math.max(1, limit)) {
        ring.resize(limit);
      }
      boolean within =
          limit > 0 && (ring.count < limit || now - ring.times[ring.next] >= windowNanos);
      if (within || force) {
        ring.times[ring.next] = now;
        ring.next = (ring.next + 1) % ring.times.length;
        if (ring.count < ring.times.length) {
          ring.count++;
        }
      }
      return within;
    }
  }
}
