package dev.aiwarden.provenance;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origins the agent saw as they happened, by key fingerprint: a class constant as its class
 * loaded ({@code literal:CLASS}). The first origin recorded for a fingerprint is kept; later ones
 * are ignored ("first known origin"). Bounded: at most {@value #CAPACITY} fingerprints, after which
 * new ones are dropped (a process with more key-shaped constants than that is not one we can
 * describe anyway). Only fingerprints are kept, never a key.
 */
public final class KeyOrigins {
  static final int CAPACITY = 4096;

  private static final ConcurrentHashMap<String, String> ORIGINS = new ConcurrentHashMap<>();
  private static final AtomicLong VERSION = new AtomicLong();

  private KeyOrigins() {}

  /** Records {@code source} for {@code fingerprint} unless an origin is already known. */
  public static void record(String fingerprint, String source) {
    if (fingerprint == null || source == null || ORIGINS.size() >= CAPACITY) {
      return;
    }
    if (ORIGINS.putIfAbsent(fingerprint, source) == null) {
      VERSION.incrementAndGet();
    }
  }

  /** The first recorded origin of the fingerprint, or null. */
  public static String of(String fingerprint) {
    return fingerprint == null ? null : ORIGINS.get(fingerprint);
  }

  /** Grows each time a new fingerprint is recorded: a cached "unknown" is then looked up again. */
  public static long version() {
    return VERSION.get();
  }

  static int size() {
    return ORIGINS.size();
  }

  /** For tests. */
  static void clear() {
    ORIGINS.clear();
    VERSION.incrementAndGet();
  }
}
