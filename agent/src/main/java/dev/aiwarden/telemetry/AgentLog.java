package dev.aiwarden.telemetry;

import dev.aiwarden.config.AgentConfig;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/**
 * The agent's own log: SLF4J with slf4j-simple (both relocated in the agent jar), one line per
 * event on the JVM's {@code System.err}, each starting {@code [ai-warden] LEVEL }, so users can
 * grep for it. The level comes from the {@code log.level} setting ({@code error}, {@code warn},
 * {@code info} (default), {@code debug}).
 *
 * <p>Isolation from the application's logging: the loggers come from a slf4j-simple {@code
 * SimpleServiceProvider} this class creates itself ({@link AgentLogSetup}), so SLF4J's provider discovery ({@code
 * LoggerFactory}, {@code slf4j.provider}, {@code ServiceLoader}) is never involved. slf4j-simple
 * reads its settings once, when first used: this class sets them as system properties for the
 * duration of that one initialisation (and restores the previous values right after), and hides
 * the application's {@code simplelogger.properties} from it by giving it a context class loader
 * that finds nothing. In the agent jar the property names are relocated along with the classes
 * ({@code dev.aiwarden.shaded.org.slf4j.simpleLogger.*}), so an application's own {@code
 * org.slf4j.simpleLogger.*} settings cannot reach this log either.
 *
 * <p>Initialised lazily on the first {@link #get}: {@link #configure} only stores the settings.
 */
public final class AgentLog {
  /** What every line starts with. */
  public static final String PREFIX = "[ai-warden]";

  /** At most this many distinct {@link #errorOnce} keys are remembered; beyond, errors are only counted. */
  private static final int MAX_ERROR_KEYS = 1024;

  private static volatile AgentConfig config;
  private static volatile ILoggerFactory factory;
  private static volatile String level;

  private static final Set<String> seenErrors = ConcurrentHashMap.newKeySet();
  private static final AtomicLong internalErrors = new AtomicLong();

  private AgentLog() {}

  /**
   * Stores the settings the log will use (first call wins). Cheap: logging itself starts on the
   * first {@link #get}. Without a call, the settings are read from system properties and
   * environment ({@code aiwarden.log.level}, {@code AIWARDEN_LOG_LEVEL}).
   */
  public static void configure(AgentConfig agentConfig) {
    if (config == null && agentConfig != null) {
      synchronized (AgentLog.class) {
        if (config == null) {
          config = agentConfig;
        }
      }
    }
  }

  /** The agent's logger for a class. */
  public static Logger get(Class<?> type) {
    return get(type.getName());
  }

  /** The agent's logger of a given name. */
  public static Logger get(String name) {
    return factory().getLogger(name);
  }

  /**
   * An internal error of the agent (a bug, or a library it hooks changed): the application's call
   * goes on regardless. The first occurrence of each {@code key} is logged at ERROR (exception
   * class only; the stack trace at DEBUG, since an exception message can carry request data);
   * later ones are only counted. Never throws.
   *
   * @param key what failed, e.g. {@code transform:okhttp3/RealCall}
   * @param message one sentence for the user
   * @param t the exception, or null
   */
  public static void errorOnce(String key, String message, Throwable t) {
    try {
      internalErrors.incrementAndGet();
      InternalErrors.record(key, t);
      String k = key == null ? "" : key;
      if (seenErrors.contains(k) || seenErrors.size() >= MAX_ERROR_KEYS || !seenErrors.add(k)) {
        return;
      }
      Logger log = get(AgentLog.class);
      String text = (message == null ? "internal error" : message) + describe(t)
          + " (the application's call went on; further errors of this kind are counted, not logged"
          + (log.isDebugEnabled() ? ")" : "; log.level=debug shows the stack trace)");
      log.error(text);
      if (t != null && log.isDebugEnabled()) {
        log.debug("stack trace of the error above [" + k + "]", t);
      }
    } catch (Throwable ignored) {
      // Logging must never be the reason an application call fails.
    }
  }

  /** How many internal errors {@link #errorOnce} has seen in all, logged or not. */
  public static long internalErrorCount() {
    return internalErrors.get();
  }

  /** The effective level: {@code error}, {@code warn}, {@code info}, {@code debug} or {@code off}. */
  public static String level() {
    String l = level;
    if (l == null) {
      l = normalizeLevel(currentConfig().get(AgentConfig.LOG_LEVEL));
      level = l;
    }
    return l;
  }

  /**
   * Routes a {@code java.util.logging} logger (and its children) into this log instead of the
   * application's JUL handlers: used for the (relocated) OpenTelemetry SDK, which logs through
   * JUL. Records keep their level; stack traces are shown at debug only.
   */
  static void captureJul(String loggerName) {
    try {
      AgentLogSetup.captureJul(loggerName, level());
    } catch (Throwable t) {
      errorOnce("log.jul", "ai-warden could not route OpenTelemetry's log", t);
    }
  }

  private static ILoggerFactory factory() {
    ILoggerFactory f = factory;
    if (f == null) {
      synchronized (AgentLog.class) {
        f = factory;
        if (f == null) {
          f = AgentLogSetup.createFactory(level());
          factory = f;
        }
      }
    }
    return f;
  }

  private static AgentConfig currentConfig() {
    AgentConfig c = config;
    if (c == null) {
      c = AgentConfig.fromJvm(null);
      configure(c);
    }
    return config;
  }

  static String normalizeLevel(String value) {
    if (value == null) {
      return "info";
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "error":
      case "warn":
      case "info":
      case "debug":
        return v;
      case "warning":
        return "warn";
      case "trace":
      case "all":
        return "debug";
      case "off":
      case "none":
        return "off";
      default:
        return "info";
    }
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "";
    }
    // A linkage error's message names a class or method: useful, and carries no request data.
    if (t instanceof LinkageError && t.getMessage() != null) {
      return ": " + t.getClass().getName() + ": " + t.getMessage();
    }
    return ": " + t.getClass().getName();
  }
}
