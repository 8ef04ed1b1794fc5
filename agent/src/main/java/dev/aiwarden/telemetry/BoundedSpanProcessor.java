package dev.aiwarden.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's batch span processor: ended spans go into a bounded queue and are exported in
 * batches by one daemon thread ({@link ExportThreads}: its traffic is never taken for the
 * application's). The calling thread only offers to the queue and never waits; a full queue
 * drops the span, and a failed export loses its batch (no retry beyond the exporter's own): both
 * are counted by {@code aiwarden.spans.dropped} ({@code error.type} {@code queue_full} / {@code
 * export_failed}) and logged once. Memory stays bounded by the queue size whatever the backend
 * does.
 *
 * <p>It replaces autoconfigure's {@code BatchSpanProcessor} (same {@code otel.bsp.*} settings and
 * defaults: queue 2048, batch 512, delay 5 s, export timeout 30 s) because that one counts its
 * drops only into its own internal metrics.
 */
final class BoundedSpanProcessor implements SpanProcessor {
  static final int DEFAULT_MAX_QUEUE = 2048;
  static final int DEFAULT_MAX_BATCH = 512;
  static final Duration DEFAULT_DELAY = Duration.ofSeconds(5);
  static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(30);

  static final String QUEUE_FULL = "queue_full";
  static final String EXPORT_FAILED = "export_failed";

  private final SpanExporter exporter;
  private final ArrayBlockingQueue<ReadableSpan> queue;
  private final int maxBatch;
  private final long delayNanos;
  private final long exportTimeoutNanos;
  private final AtomicReference<CallMetrics> metrics;
  private final String name;
  private final Object signal = new Object();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final AtomicReference<CompletableResultCode> flushRequest = new AtomicReference<>();
  private final AtomicBoolean dropLogged = new AtomicBoolean();
  private final Thread worker;
  private volatile CompletableResultCode shutdownResult;

  BoundedSpanProcessor(
      SpanExporter exporter,
      int maxQueue,
      int maxBatch,
      Duration delay,
      Duration exportTimeout,
      AtomicReference<CallMetrics> metrics,
      String name) {
    this.exporter = exporter;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, maxQueue));
    this.maxBatch = Math.max(1, Math.min(maxBatch, maxQueue));
    this.delayNanos = Math.max(1, delay.toNanos());
    this.exportTimeoutNanos = Math.max(1, exportTimeout.toNanos());
    this.metrics = metrics;
    this.name = name;
    this.worker = ExportThreads.FACTORY.newThread(this::run);
    worker.start();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span == null || !span.getSpanContext().isSampled() || shutdown.get()) {
      return;
    }
    if (!queue.offer(span)) {
      dropped(1, QUEUE_FULL);
      return;
    }
    if (queue.size() >= maxBatch) {
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    if (shutdown.get()) {
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    CompletableResultCode existing = flushRequest.getAndUpdate(r -> r == null ? result : r);
    synchronized (signal) {
      signal.notifyAll();
    }
    return existing == null ? result : existing;
  }

  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      CompletableResultCode r = shutdownResult;
      return r == null ? CompletableResultCode.ofSuccess() : r;
    }
    CompletableResultCode result = new CompletableResultCode();
    shutdownResult = result;
    synchronized (signal) {
      signal.notifyAll();
    }
    // The worker drains the queue, then shuts the exporter down and completes the result.
    return result;
  }

  private void run() {
    long nextExport = System.nanoTime() + delayNanos;
    List<SpanData> batch = new ArrayList<>(maxBatch);
    while (true) {
      boolean stopping = shutdown.get();
      CompletableResultCode flush = flushRequest.get();
      if (stopping || flush != null || queue.size() >= maxBatch || System.nanoTime() >= nextExport) {
        drainAndExport(batch);
        nextExport = System.nanoTime() + delayNanos;
        if (flush != null) {
          flushRequest.compareAndSet(flush, null); // a newer request stays for the next round
          CompletableResultCode flushed = flush;
          exporter.flush().whenComplete(flushed::succeed);
        }
        if (stopping) {
          break;
        }
        continue;
      }
      long waitNanos = nextExport - System.nanoTime();
      synchronized (signal) {
        if (!shutdown.get() && flushRequest.get() == null && queue.size() < maxBatch && waitNanos > 0) {
          try {
            TimeUnit.NANOSECONDS.timedWait(signal, waitNanos);
          } catch (InterruptedException e) {
            shutdown.set(true);
          }
        }
      }
    }
    CompletableResultCode closed;
    try {
      closed = exporter.shutdown();
    } catch (Throwable t) {
      closed = CompletableResultCode.ofFailure();
    }
    CompletableResultCode result = shutdownResult;
    if (result == null) {
      result = new CompletableResultCode();
      shutdownResult = result;
    }
    CompletableResultCode done = result;
    closed.whenComplete(done::succeed);
  }

  /** Exports everything queued, a batch at a time. */
  private void drainAndExport(List<SpanData> batch) {
    while (!queue.isEmpty()) {
      batch.clear();
      while (batch.size() < maxBatch) {
        ReadableSpan span = queue.poll();
        if (span == null) {
          break;
        }
        batch.add(span.toSpanData());
      }
      if (batch.isEmpty()) {
        return;
      }
      export(batch);
    }
  }

  private void export(List<SpanData> batch) {
    int size = batch.size();
    try {
      CompletableResultCode result = exporter.export(new ArrayList<>(batch));
      result.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
      if (!result.isSuccess()) {
        dropped(size, EXPORT_FAILED);
      }
    } catch (Throwable t) {
      dropped(size, EXPORT_FAILED);
      AgentLog.errorOnce("telemetry.export." + name, "ai-warden's span exporter failed", t);
    }
  }

  private void dropped(long count, String reason) {
    try {
      CallMetrics m = metrics == null ? null : metrics.get();
      if (m != null) {
        m.spansDropped(count, reason);
      }
      if (dropLogged.compareAndSet(false, true)) {
        AgentLog.get(Telemetry.class)
            .warn(
                "ai-warden dropped {} span(s) of AI calls ({}, exporter {}); the application is"
                    + " not affected; metric aiwarden.spans.dropped counts them (logged once)",
                count,
                reason,
                name);
      }
    } catch (Throwable ignored) {
      // counting must never fail the caller
    }
  }

  @Override
  public String toString() {
    return "BoundedSpanProcessor{" + name + ", queue " + queue.remainingCapacity() + "+" + queue.size() + "}";
  }
}
