package dev.aiwarden.telemetry;

import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the agent's exporter traffic on {@link ExportThreads} (so hooks skip it): OTLP/HTTP
 * exporters get an executor of such threads for their JDK HTTP sender, OTLP/gRPC exporters one for
 * their (relocated) OkHttp dispatcher, metric exporters run
 * marked as the agent's own I/O, and span exporters sit behind a gate that lets {@link SdkFactory}
 * retire autoconfigure's batch processor without shutting them down.
 */
final class ExporterSetup {
  private ExporterSetup() {}

  /** A span exporter as the agent uses it. */
  static SpanExporter span(
      SpanExporter exporter, ConfigProperties config, AtomicBoolean shutdownReleased) {
    SpanExporter e = exporter;
    if (ConsoleExporters.isLoggingSpanExporter(e)) {
      e.shutdown();
      return new ConsoleExporters.Spans();
    }
    if (e instanceof OtlpHttpSpanExporter) {
      SpanExporter original = e;
      OtlpHttpSpanExporterBuilder b =
          ((OtlpHttpSpanExporter) e).toBuilder().setExecutorService(ExportThreads.executor(2));
      if (retryDisabled(config)) {
        b.setRetryPolicy(null); // toBuilder() does not carry a disabled retry policy over
      }
      e = b.build();
      original.shutdown();
    } else if (e instanceof OtlpGrpcSpanExporter) {
      SpanExporter original = e;
      OtlpGrpcSpanExporterBuilder b =
          ((OtlpGrpcSpanExporter) e).toBuilder().setExecutorService(ExportThreads.executor(2));
      if (retryDisabled(config)) {
        b.setRetryPolicy(null);
      }
      e = b.build();
      original.shutdown();
    }
    return new GatedSpanExporter(e, shutdownReleased);
  }

  /** A metric exporter as the agent uses it. */
  static MetricExporter metric(MetricExporter exporter, ConfigProperties config) {
    MetricExporter e = exporter;
    if (ConsoleExporters.isLoggingMetricExporter(e)) {
      e.shutdown();
      return new ConsoleExporters.Metrics();
    }
    if (e instanceof OtlpHttpMetricExporter) {
      MetricExporter original = e;
      OtlpHttpMetricExporterBuilder b =
          ((OtlpHttpMetricExporter) e).toBuilder().setExecutorService(ExportThreads.executor(2));
      if (retryDisabled(config)) {
        b.setRetryPolicy(null);
      }
      e = b.build();
      original.shutdown();
    } else if (e instanceof OtlpGrpcMetricExporter) {
      MetricExporter original = e;
      OtlpGrpcMetricExporterBuilder b =
          ((OtlpGrpcMetricExporter) e).toBuilder().setExecutorService(ExportThreads.executor(2));
      if (retryDisabled(config)) {
        b.setRetryPolicy(null);
      }
      e = b.build();
      original.shutdown();
    }
    return new SuppressedMetricExporter(e);
  }

  private static boolean retryDisabled(ConfigProperties config) {
    return config != null && config.getBoolean("otel.java.exporter.otlp.retry.disabled", false);
  }

  /** Forwards everything; {@code shutdown} only once released (see {@link SdkFactory}). */
  static final class GatedSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final AtomicBoolean released;

    GatedSpanExporter(SpanExporter delegate, AtomicBoolean released) {
      this.delegate = delegate;
      this.released = released;
    }

    SpanExporter delegate() {
      return delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return ExportThreads.suppressed(() -> delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
      return ExportThreads.suppressed(delegate::flush);
    }

    @Override
    public CompletableResultCode shutdown() {
      return released.get() ? ExportThreads.suppressed(delegate::shutdown) : CompletableResultCode.ofSuccess();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  /** Runs a metric exporter's work marked as the agent's own I/O. */
  static final class SuppressedMetricExporter implements MetricExporter {
    private final MetricExporter delegate;

    SuppressedMetricExporter(MetricExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return ExportThreads.suppressed(() -> delegate.export(metrics));
    }

    @Override
    public CompletableResultCode flush() {
      return ExportThreads.suppressed(delegate::flush);
    }

    @Override
    public CompletableResultCode shutdown() {
      return ExportThreads.suppressed(delegate::shutdown);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return delegate.getMemoryMode();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
