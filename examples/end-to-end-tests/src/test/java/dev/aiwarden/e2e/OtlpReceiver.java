package dev.aiwarden.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A small OTLP/HTTP receiver (no Collector binary exists here): {@code POST /v1/traces} and {@code
 * /v1/metrics} with {@code application/x-protobuf} bodies, decoded with the OTLP protobuf classes
 * ({@code io.opentelemetry.proto:opentelemetry-proto}) and kept for the test to inspect.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", e -> handle(e, true));
    server.createContext("/v1/metrics", e -> handle(e, false));
    server.createContext("/", e -> {
      e.sendResponseHeaders(404, -1);
      e.close();
    });
    server.start();
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange, boolean isTraces) throws IOException {
    try (InputStream raw = exchange.getRequestBody()) {
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      InputStream in =
          "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
              ? new GZIPInputStream(raw)
              : raw;
      byte[] body = in.readAllBytes();
      if (isTraces) {
        traces.add(ExportTraceServiceRequest.parseFrom(body));
      } else {
        metrics.add(ExportMetricsServiceRequest.parseFrom(body));
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(400, -1);
    } finally {
      exchange.close();
    }
  }

  /** Every span received, with its resource. */
  List<Received> spans() {
    List<Received> all = new ArrayList<>();
    for (ExportTraceServiceRequest r : traces) {
      for (ResourceSpans rs : r.getResourceSpansList()) {
        Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            all.add(new Received(s, ss.getScope().getName(), attributes(s.getAttributesList()), resource));
          }
        }
      }
    }
    return all;
  }

  /** Every metric received, by name (the last one of each name). */
  Map<String, Metric> metricsByName() {
    Map<String, Metric> byName = new LinkedHashMap<>();
    for (ExportMetricsServiceRequest r : metrics) {
      for (ResourceMetrics rm : r.getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            byName.put(m.getName(), m);
          }
        }
      }
    }
    return byName;
  }

  static Map<String, Object> attributes(List<KeyValue> list) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : list) {
      map.put(kv.getKey(), value(kv.getValue()));
    }
    return map;
  }

  private static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case BOOL_VALUE:
        return v.getBoolValue();
      case ARRAY_VALUE:
        List<Object> values = new ArrayList<>();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          values.add(value(e));
        }
        return values;
      default:
        return null;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** One span as received. */
  static final class Received {
    final Span span;
    final String scope;
    final Map<String, Object> attributes;
    final Map<String, Object> resource;

    Received(Span span, String scope, Map<String, Object> attributes, Map<String, Object> resource) {
      this.span = span;
      this.scope = scope;
      this.attributes = attributes;
      this.resource = resource;
    }
  }
}
