package dev.aiwarden.telemetry;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;

/**
 * {@code otel.traces.exporter=zipkin}: the OpenTelemetry Zipkin exporter over {@link
 * JdkZipkinSender}. Takes the standard settings {@code otel.exporter.zipkin.endpoint} (default
 * {@code http://localhost:9411/api/v2/spans}) and {@code otel.exporter.zipkin.timeout} (default
 * 10 s). Replaces the exporter module's own provider, whose sender is OkHttp (see {@link
 * AgentComponentLoader}).
 */
final class ZipkinExporterProvider implements ConfigurableSpanExporterProvider {
  static final String NAME = "zipkin";
  static final String DEFAULT_ENDPOINT = "http://localhost:9411/api/v2/spans";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    String endpoint = config.getString("otel.exporter.zipkin.endpoint", DEFAULT_ENDPOINT);
    Duration timeout = config.getDuration("otel.exporter.zipkin.timeout", DEFAULT_TIMEOUT);
    return ZipkinSpanExporter.builder()
        .setEndpoint(endpoint)
        .setSender(new JdkZipkinSender(endpoint, timeout))
        .build();
  }
}
