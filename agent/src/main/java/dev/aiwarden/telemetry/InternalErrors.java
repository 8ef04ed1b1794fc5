package dev.aiwarden.telemetry;

import dev.aiwarden.core.TestFaults;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the agent's internal errors by the stage that failed, for the metric {@value #METRIC}
 * (attribute {@code stage}). Every error that reaches {@link AgentLog#errorOnce} is counted here,
 * logged or not, from the JVM's start (errors before the OpenTelemetry SDK is built are not lost:
 * the metric is an asynchronous counter that reads these totals at each export).
 *
 * <p>The stages are a fixed set ({@link #STAGES}), so the metric's cardinality is bounded. The
 * stage comes from the error's key ({@code telemetry.onEnd} is {@code telemetry}); for errors a hook
 * reports through {@code Warden} ({@code hook:requestStarting}: the core threw inside a hook's
 * call), from the first frame of ai-warden's own code in the stack trace, so that a failure in the
 * classifier counts as {@code classify} and one in the policy as {@code policy}.
 */
public final class InternalErrors {
  /** The metric's name. */
  public static final String METRIC = "aiwarden.internal.errors";
  /** The metric's attribute. */
  public static final String STAGE = "stage";

  /** Every stage, in the order of a call's flow; {@code other} for anything else. */
  static final String[] STAGES = {
    "hook", "classify", "provenance", "policy", "telemetry", "audit", "core", "other"
  };

  private static final AttributeKey<String> STAGE_KEY = AttributeKey.stringKey(STAGE);
  private static final AtomicLongArray COUNTS = new AtomicLongArray(STAGES.length);
  private static final String OWN_PACKAGE = "dev.aiwarden.";
  private static final String SHADED = "dev.aiwarden.shaded.";

  private InternalErrors() {}

  /** Counts one internal error reported under {@code key}. Cheap; never throws. */
  static void record(String key, Throwable error) {
    try {
      COUNTS.incrementAndGet(index(stageOf(key, error)));
    } catch (Throwable ignored) {
      // Counting must never be the reason a call fails.
    }
  }

  /** The errors counted so far for {@code stage}. */
  public static long count(String stage) {
    return COUNTS.get(index(stage));
  }

  /** Registers the asynchronous counter {@value #METRIC} on the agent's meter. */
  static void register(Meter meter) {
    meter
        .counterBuilder(METRIC)
        .setUnit("{error}")
        .setDescription(
            "Internal errors of ai-warden by stage; the application's calls went on untouched.")
        .buildWithCallback(
            m -> {
              for (int i = 0; i < STAGES.length; i++) {
                long n = COUNTS.get(i);
                if (n > 0) {
                  m.record(n, Attributes.of(STAGE_KEY, STAGES[i]));
                }
              }
            });
  }

  /** The stage of an error reported under {@code key} (see the class comment). */
  static String stageOf(String key, Throwable error) {
    if (error instanceof TestFaults.Fault) {
      return known(((TestFaults.Fault) error).stage());
    }
    String k = key == null ? "" : key;
    if (k.startsWith("hook:")) {
      String fromStack = stageOf(error);
      return fromStack != null ? fromStack : "hook";
    }
    if (k.startsWith("transform:") || k.startsWith("inject:") || k.startsWith("file-hooks:")
        || k.startsWith("retransform") || k.startsWith("first-hook")) {
      return "hook";
    }
    if (k.startsWith("literal-scan")) {
      return "provenance";
    }
    if (k.startsWith("log.")) {
      return "telemetry";
    }
    int end = 0;
    while (end < k.length() && Character.isLetter(k.charAt(end))) {
      end++;
    }
    return known(k.substring(0, end));
  }

  /** The package (below {@code dev.aiwarden}) of the first frame of ai-warden's code, or null. */
  private static String stageOf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (StackTraceElement frame : t.getStackTrace()) {
        String c = frame.getClassName();
        if (!c.startsWith(OWN_PACKAGE) || c.startsWith(SHADED)) {
          continue;
        }
        String rest = c.substring(OWN_PACKAGE.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
          continue;
        }
        String pkg = rest.substring(0, dot);
        if ("bootstrap".equals(pkg)) {
          return "hook";
        }
        if ("exchange".equals(pkg)) {
          return "core";
        }
        return known(pkg);
      }
    }
    return null;
  }

  private static String known(String stage) {
    return STAGES[index(stage)];
  }

  private static int index(String stage) {
    for (int i = 0; i < STAGES.length - 1; i++) {
      if (STAGES[i].equals(stage)) {
        return i;
      }
    }
    return STAGES.length - 1;
  }
}
