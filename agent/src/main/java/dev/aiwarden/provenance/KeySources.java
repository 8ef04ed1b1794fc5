package dev.aiwarden.provenance;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a key came from: the value of {@code aiwarden.key.source}.
 *
 * <p>When a key came from several places the first known origin wins, in this order:
 *
 * <ol>
 *   <li>{@code entra_id} for an {@link KeyKind#ENTRA_ID_TOKEN} (whatever issued it).
 *   <li>{@code env:NAME} when an environment variable's value, trimmed, equals the key (the
 *       process started with it, so nothing can be earlier).
 *   <li>{@code sysprop:NAME} when a system property's value, trimmed, equals it and the property
 *       already had that value when the agent started (a {@code -D} option).
 *   <li>the origin recorded as it happened, the earliest one ({@link KeyOrigins}): {@code
 *       literal:CLASS} when the class holding the constant loaded, {@code file:PATH} when the
 *       application opened a file that holds the key.
 *   <li>{@code sysprop:NAME} for a property set or changed after start-up (its value came from
 *       somewhere; when that place is known, the place is reported, by the rule above).
 *   <li>else {@code unknown} (also for {@link ApiKey#NONE} and null). Never a guess.
 * </ol>
 *
 * <p>When several names hold the key, the alphabetically first (by {@link String#compareTo}) is
 * reported, so the answer does not depend on map order.
 *
 * <p>Answers are cached by key fingerprint (the key itself is never kept; at most 256 entries). A
 * found source is kept; {@code unknown} is looked up again at most once a second when new origins
 * were recorded or files opened since, and otherwise once per 10 seconds, since a property may be
 * set after the first call. Never
 * throws, never returns null.
 */
public final class KeySources {
  static final String UNKNOWN = "unknown";
  static final String ENTRA_ID = "entra_id";
  static final long RECHECK_NANOS = 10_000_000_000L;
  /** A cached unknown after new origins were recorded or files opened: at most once a second. */
  static final long RECHECK_CHANGED_NANOS = 1_000_000_000L;
  static final int CACHE_SIZE = 256;

  // Named classes, not method references: this is built in premain, where each lambda costs the
  // spinning of a class (about a millisecond, cold).
  private static final KeySources DEFAULT =
      new KeySources(new Environment(), new SystemProperties(), new NanoTime(), new Recorded(),
          new RecordedVersion());

  private static final class Environment implements Supplier<Map<String, String>> {
    @Override
    public Map<String, String> get() {
      return System.getenv();
    }
  }

  private static final class SystemProperties implements Supplier<Properties> {
    @Override
    public Properties get() {
      return System.getProperties();
    }
  }

  private static final class NanoTime implements LongSupplier {
    @Override
    public long getAsLong() {
      return System.nanoTime();
    }
  }

  private static final class Recorded implements BiFunction<String, String, String> {
    @Override
    public String apply(String secret, String fingerprint) {
      return KeyOrigins.first(secret, fingerprint);
    }
  }

  private static final class RecordedVersion implements LongSupplier {
    @Override
    public long getAsLong() {
      return KeyOrigins.changes();
    }
  }

  private final Supplier<Map<String, String>> environment;
  private final Supplier<Properties> systemProperties;
  private final LongSupplier nanoTime;
  /** (secret, fingerprint) -> the first recorded origin ({@link KeyOrigins#first}), or null. */
  private final BiFunction<String, String, String> recorded;
  private final LongSupplier recordedVersion;
  /** The system properties as they were at start-up; null: every property counts as such. */
  private volatile Map<Object, Object> startupProperties;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  private static final class Entry {
    final String source;
    final long checkedAt;
    final long version;

    Entry(String source, long checkedAt, long version) {
      this.source = source;
      this.checkedAt = checkedAt;
      this.version = version;
    }
  }

  /** For tests: a fake environment, fake properties and a fake clock. */
  KeySources(
      Supplier<Map<String, String>> environment,
      Supplier<Properties> systemProperties,
      LongSupplier nanoTime) {
    this(environment, systemProperties, nanoTime, (secret, fingerprint) -> null, () -> 0L);
  }

  /** For tests: also the recorded origins ({@link KeyOrigins}) and their version. */
  KeySources(
      Supplier<Map<String, String>> environment,
      Supplier<Properties> systemProperties,
      LongSupplier nanoTime,
      BiFunction<String, String, String> recorded,
      LongSupplier recordedVersion) {
    this.environment = environment;
    this.systemProperties = systemProperties;
    this.nanoTime = nanoTime;
    this.recorded = recorded;
    this.recordedVersion = recordedVersion;
  }

  /**
   * Remembers the system properties as they are now (called once when the agent starts), so a
   * property set later is known to be a copy made at run time.
   */
  public static void rememberStartupProperties() {
    DEFAULT.snapshotStartupProperties();
  }

  void snapshotStartupProperties() {
    try {
      startupProperties = new HashMap<>(systemProperties.get());
    } catch (RuntimeException e) {
      startupProperties = null;
    }
  }

  /** The source of {@code key}, e.g. {@code env:OPENAI_API_KEY}; see the class comment. */
  public static String sourceOf(ApiKey key) {
    return DEFAULT.lookup(key);
  }

  String lookup(ApiKey key) {
    try {
      if (key == null || key.kind() == KeyKind.NONE || key.secret() == null) {
        return UNKNOWN;
      }
      if (key.kind() == KeyKind.ENTRA_ID_TOKEN) {
        return ENTRA_ID;
      }
      String fingerprint = key.fingerprint();
      if (fingerprint == null) {
        return search(key.secret(), null);
      }
      Entry cached = cache.get(fingerprint);
      if (cached != null && !UNKNOWN.equals(cached.source)) {
        return cached.source; // a found source stays: no clock or version read per call
      }
      long now = nanoTime.getAsLong();
      long version = recordedVersion.getAsLong();
      if (cached != null
          && now - cached.checkedAt < RECHECK_NANOS
          && (cached.version == version || now - cached.checkedAt < RECHECK_CHANGED_NANOS)) {
        return cached.source;
      }
      String source = search(key.secret(), fingerprint);
      if (cache.size() >= CACHE_SIZE && !cache.containsKey(fingerprint)) {
        Iterator<String> it = cache.keySet().iterator();
        if (it.hasNext()) {
          it.next();
          it.remove();
        }
      }
      cache.put(fingerprint, new Entry(source, now, version));
      return source;
    } catch (RuntimeException e) {
      return UNKNOWN;
    }
  }

  private String search(String secret, String fingerprint) {
    String env = bestMatch(environment.get(), secret, null, false);
    if (env != null) {
      return "env:" + env;
    }
    Properties props = systemProperties.get();
    Map<Object, Object> atStart = startupProperties;
    String startupProp = bestMatch(props, secret, atStart, true);
    if (startupProp != null) {
      return "sysprop:" + startupProp;
    }
    String origin = recorded.apply(secret, fingerprint);
    if (origin != null) {
      return origin;
    }
    String prop = bestMatch(props, secret, null, false);
    if (prop != null) {
      return "sysprop:" + prop;
    }
    return UNKNOWN;
  }

  /**
   * The alphabetically first name whose value, trimmed, equals {@code secret}; or null. With
   * {@code sameAsBefore}, only names whose value in {@code before} was the same (when {@code
   * before} is null, every name qualifies).
   */
  private static String bestMatch(
      Map<?, ?> values, String secret, Map<?, ?> before, boolean sameAsBefore) {
    if (values == null) {
      return null;
    }
    String best = null;
    // Since Java 9, Properties keeps its entries in a ConcurrentHashMap: iterating them while
    // other threads set properties is safe.
    for (Map.Entry<?, ?> e : values.entrySet()) {
      Object name = e.getKey();
      Object value = e.getValue();
      if (name instanceof String
          && value instanceof String
          && equalsTrimmed((String) value, secret)
          && (!sameAsBefore || before == null || value.equals(before.get(name)))
          && (best == null || ((String) name).compareTo(best) < 0)) {
        best = (String) name;
      }
    }
    return best;
  }

  /** {@code value.trim().equals(secret)} without making the trimmed copy. */
  static boolean equalsTrimmed(String value, String secret) {
    int len = secret.length();
    if (value.length() < len) {
      return false;
    }
    int start = 0;
    int end = value.length();
    while (start < end && value.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && value.charAt(end - 1) <= ' ') {
      end--;
    }
    return end - start == len && value.regionMatches(start, secret, 0, len);
  }

  /** Forgets every cached answer (for tests). */
  void clear() {
    cache.clear();
  }
}
