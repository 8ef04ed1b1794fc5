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

  /** A new key's ring holds this many times; it doubles while the limit is reached in a window. */
  static final int INITIAL_CAPACITY = 16;

  /**
   * The times of a key's latest admissions, oldest first from {@code next - count}. Its capacity
   * grows with the rate actually seen, up to the limit (a limit of a million requests a minute
   * would otherwise cost 8 MB per key up front). Below the limit it only ever overwrites a time
   * that has left the window, so every admission within the window is kept.
   */
  private static final class Ring {
    long[] times;
    int next;
    int count;
    int limit;

    Ring(int limit) {
      this.limit = limit;
      times = new long[Math.min(limit, INITIAL_CAPACITY)];
    }

    long oldest() {
      return times[Math.floorMod(next - count, times.length)];
    }

    void add(long now, long windowNanos) {
      if (count == times.length && times.length < limit && now - times[next] < windowNanos) {
        copy(Math.min(limit, times.length * 2), count); // all still in the window: keep them
      }
      times[next] = now;
      next = (next + 1) % times.length;
      if (count < times.length) {
        count++;
      }
    }

    /** Keeps the most recent admissions when the limit changes with a policy reload. */
    void setLimit(int limit) {
      this.limit = limit;
      int keep = Math.min(count, limit);
      copy(Math.min(limit, Math.max(keep, INITIAL_CAPACITY)), keep);
    }

    /** A ring of {@code capacity} holding the {@code keep} most recent times. */
    private void copy(int capacity, int keep) {
      long[] fresh = new long[capacity];
      for (int i = 0; i < keep; i++) {
        fresh[i] = times[Math.floorMod(next - keep + i, times.length)];
      }
      times = fresh;
      count = keep;
      next = keep % capacity;
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
      ring = rings.computeIfAbsent(key, k -> new Ring(Math.max(1, limit)));
    }
    synchronized (ring) {
      if (ring.limit != Math.max(1, limit)) {
        ring.setLimit(Math.max(1, limit));
      }
      boolean within =
          limit > 0 && (ring.count < limit || now - ring.oldest() >= windowNanos);
      if (within || force) {
        ring.add(now, windowNanos);
      }
      return within;
    }
  }
}
