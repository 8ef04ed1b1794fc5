package dev.aiwarden.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.simple.SimpleLogger;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * Starts {@link AgentLog}'s slf4j-simple, isolated from the application (see {@link AgentLog}),
 * and routes JUL loggers into it. Apart from {@link AgentLog} so that premain, which only stores
 * settings there, loads none of this.
 */
final class AgentLogSetup {
  /** JUL loggers we attached a handler to: held so that their configuration is not collected. */
  private static final List<java.util.logging.Logger> julLoggers = new ArrayList<>();

  private AgentLogSetup() {}

  static ILoggerFactory createFactory(String level) {
    Map<String, String> settings = simpleLoggerSettings(level);
    Map<String, String> previous = new LinkedHashMap<>();
    Thread thread = Thread.currentThread();
    ClassLoader contextLoader = thread.getContextClassLoader();
    try {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        previous.put(e.getKey(), System.getProperty(e.getKey()));
        System.setProperty(e.getKey(), e.getValue());
      }
      // slf4j-simple looks for simplelogger.properties through the context class loader: give it
      // one that finds nothing, so the application's file is not read.
      thread.setContextClassLoader(new ClassLoader(null) {});
      SimpleServiceProvider provider = new SimpleServiceProvider();
      provider.initialize();
      return provider.getLoggerFactory();
    } catch (Throwable t) {
      return new NOPLoggerFactory();
    } finally {
      try {
        thread.setContextClassLoader(contextLoader);
        for (Map.Entry<String, String> e : previous.entrySet()) {
          if (e.getValue() == null) {
            System.clearProperty(e.getKey());
          } else {
            System.setProperty(e.getKey(), e.getValue());
          }
        }
      } catch (Throwable ignored) {
        // nothing sensible to do
      }
    }
  }

  /** slf4j-simple's settings for our format: {@code [ai-warden] INFO message}, on System.err. */
  static Map<String, String> simpleLoggerSettings(String level) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(SimpleLogger.DEFAULT_LOG_LEVEL_KEY, level);
    // The "date" is the literal prefix: slf4j-simple writes it first on every line, then a blank.
    s.put(SimpleLogger.SHOW_DATE_TIME_KEY, "true");
    s.put(SimpleLogger.DATE_TIME_FORMAT_KEY, "'" + AgentLog.PREFIX + "'");
    s.put(SimpleLogger.SHOW_THREAD_NAME_KEY, "false");
    s.put(SimpleLogger.SHOW_THREAD_ID_KEY, "false");
    s.put(SimpleLogger.SHOW_LOG_NAME_KEY, "false");
    s.put(SimpleLogger.SHOW_SHORT_LOG_NAME_KEY, "false");
    s.put(SimpleLogger.LEVEL_IN_BRACKETS_KEY, "false");
    s.put(SimpleLogger.WARN_LEVEL_STRING_KEY, "WARN");
    // System.err looked up at each write (not cached): follows System.setErr.
    s.put(SimpleLogger.LOG_FILE_KEY, "System.err");
    s.put(SimpleLogger.CACHE_OUTPUT_STREAM_STRING_KEY, "false");
    return s;
  }

  /** Routes a JUL logger (and its children) into the agent's log, away from the application's handlers. */
  static void captureJul(String loggerName, String level) {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(loggerName);
    synchronized (julLoggers) {
      if (julLoggers.contains(jul)) {
        return;
      }
      julLoggers.add(jul);
    }
    jul.setUseParentHandlers(false);
    jul.setLevel(julLevel(level));
    jul.addHandler(new JulHandler(AgentLog.get(loggerName)));
  }

  private static Level julLevel(String level) {
    switch (level) {
      case "debug":
        return Level.FINE;
      case "warn":
        return Level.WARNING;
      case "error":
        return Level.SEVERE;
      case "off":
        return Level.OFF;
      default:
        return Level.INFO;
    }
  }

  /** Hands JUL records to an SLF4J logger of ours. */
  private static final class JulHandler extends Handler {
    private final Logger target;
    private final SimpleFormatter formatter = new SimpleFormatter();

    JulHandler(Logger target) {
      this.target = target;
    }

    @Override
    public void publish(LogRecord record) {
      if (record == null) {
        return;
      }
      try {
        String text = formatter.formatMessage(record);
        Throwable thrown = record.getThrown();
        int v = record.getLevel().intValue();
        if (v >= Level.SEVERE.intValue()) {
          target.error(text + AgentLog.describe(thrown));
        } else if (v >= Level.WARNING.intValue()) {
          target.warn(text + AgentLog.describe(thrown));
        } else if (v >= Level.INFO.intValue()) {
          target.info(text);
        } else {
          target.debug(text);
        }
        if (thrown != null && target.isDebugEnabled()) {
          target.debug("stack trace of the message above", thrown);
        }
      } catch (Throwable ignored) {
        // never let logging fail the caller
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
