package dev.aiwarden.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import org.slf4j.Logger;

/**
 * {@code otel.traces.exporter=console} / {@code otel.metrics.exporter=console}: the same lines as
 * OpenTelemetry's logging exporters, written through the agent's own log ({@code [ai-warden] INFO
 * ...} on stderr) instead of {@code java.util.logging}, whose handlers the JVM removes at exit,
 * which would lose the last metrics, collected at shutdown.
 */
final class ConsoleExporters {
  /** The logging exporters' own logger names, so the lines read the same. */
  static final String SPAN_LOGGER = "io.opentelemetry.exporter.logging.LoggingSpanExporter";
  static final String METRIC_LOGGER = "io.opentelemetry.exporter.logging.LoggingMetricExporter";

  private ConsoleExporters() {}

  static boolean isLoggingSpanExporter(SpanExporter e) {
    return e.getClass().getSimpleName().equals("LoggingSpanExporter");
  }

  static boolean isLoggingMetricExporter(MetricExporter e) {
    return e.getClass().getSimpleName().equals("LoggingMetricExporter");
  }

  /** Spans, one line each: {@code 'chat gpt-4o' : <trace> <span> CLIENT [tracer: ai-warden:1.0] {...}}. */
  static final class Spans implements SpanExporter {
    private final Logger log = AgentLog.get(SPAN_LOGGER);

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData span : spans) {
        InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
        log.info(
            "'" + span.getName() + "' : " + span.getTraceId() + " " + span.getSpanId() + " "
                + span.getKind() + " [tracer: " + scope.getName() + ":"
                + (scope.getVersion() == null ? "" : scope.getVersion()) + "] "
                + span.getAttributes());
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Metrics: a count line, then {@code metric: <MetricData>} per metric. */
  static final class Metrics implements MetricExporter {
    private final Logger log = AgentLog.get(METRIC_LOGGER);

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      log.info("Received a collection of " + metrics.size() + " metrics for export.");
      for (MetricData m : metrics) {
        log.info("metric: " + m);
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
