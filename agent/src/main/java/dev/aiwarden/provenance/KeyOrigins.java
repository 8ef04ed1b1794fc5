package dev.aiwarden.provenance;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origins the agent saw as they happened, by key fingerprint: a class constant as its class
 * loaded ({@code literal:CLASS}), with the time it happened. The first origin recorded for a fingerprint is kept; later ones
 * are ignored ("first known origin"). Bounded: at most {@value #CAPACITY} fingerprints, after which
 * new ones are dropped (a process with more key-shaped constants than that is not one we can
 * describe anyway). Only fingerprints are kept, never a key.
 */
public final class KeyOrigins {
  static final int CAPACITY = 4096;

  private static final ConcurrentHashMap<String, Origin> ORIGINS = new ConcurrentHashMap<>();
  private static final AtomicLong VERSION = new AtomicLong();

  private KeyOrigins() {}

  /** Records {@code source} for {@code fingerprint} unless an origin is already known. */
  public static void record(String fingerprint, String source) {
    if (fingerprint == null || source == null || ORIGINS.size() >= CAPACITY) {
      return;
    }
    if (ORIGINS.putIfAbsent(fingerprint, new Origin(source, System.nanoTime())) == null) {
      VERSION.incrementAndGet();
    }
  }

  /** The first recorded origin of the fingerprint, or null. */
  public static String of(String fingerprint) {
    Origin o = origin(fingerprint);
    return o == null ? null : o.source;
  }

  /** The first recorded origin of the fingerprint with its time, or null. */
  static Origin origin(String fingerprint) {
    return fingerprint == null ? null : ORIGINS.get(fingerprint);
  }

  /**
   * The first known origin among those recorded by fingerprint ({@code literal:CLASS}) and the
   * files the application opened that hold the key ({@link FileOrigins}): the earliest one, or
   * null.
   */
  public static String first(String secret, String fingerprint) {
    Origin recorded = origin(fingerprint);
    Origin file = FileOrigins.first(secret, recorded == null ? Long.MAX_VALUE : recorded.nanoTime);
    if (file != null && (recorded == null || file.nanoTime - recorded.nanoTime < 0)) {
      return file.source;
    }
    return recorded == null ? null : recorded.source;
  }

  /** Changes whenever something new is recorded or a new file is opened. */
  public static long changes() {
    return VERSION.get() + dev.aiwarden.bootstrap.FileReads.count();
  }

  /** A source and the {@link System#nanoTime()} it became known. */
  static final class Origin {
    final String source;
    final long nanoTime;

    Origin(String source, long nanoTime) {
      this.source = source;
      this.nanoTime = nanoTime;
    }
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
