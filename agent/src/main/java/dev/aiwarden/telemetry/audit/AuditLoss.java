package dev.aiwarden.telemetry.audit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit records this JVM lost, for the metric {@value #METRIC} (attribute {@code error.type}:
 * {@code write_failed} when the file could not be written — read-only, disk full, a directory in
 * the way — or {@code queue_full} when the writer could not keep up). Counted from the JVM's start;
 * an asynchronous counter reads the totals at each export, so losses before the OpenTelemetry SDK
 * is built are not lost.
 */
public final class AuditLoss {
  /** The metric's name. */
  public static final String METRIC = "aiwarden.audit.dropped";
  static final String WRITE_FAILED = "write_failed";
  static final String QUEUE_FULL = "queue_full";

  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AtomicLong writeFailed = new AtomicLong();
  private static final AtomicLong queueFull = new AtomicLong();

  private AuditLoss() {}

  static void writeFailed() {
    writeFailed.incrementAndGet();
  }

  static void queueFull() {
    queueFull.incrementAndGet();
  }

  /** Records lost so far because the file could not be written. */
  public static long writeFailures() {
    return writeFailed.get();
  }

  /** Registers the asynchronous counter {@value #METRIC} on the agent's meter. */
  public static void register(Meter meter) {
    meter
        .counterBuilder(METRIC)
        .setUnit("{record}")
        .setDescription("Audit records ai-warden could not write to the audit file.")
        .buildWithCallback(
            m -> {
              long w = writeFailed.get();
              if (w > 0) {
                m.record(w, Attributes.of(ERROR_TYPE, WRITE_FAILED));
              }
              long q = queueFull.get();
              if (q > 0) {
                m.record(q, Attributes.of(ERROR_TYPE, QUEUE_FULL));
              }
            });
  }
}
