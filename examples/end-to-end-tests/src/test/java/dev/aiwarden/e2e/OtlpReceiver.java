package dev.aiwarden.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A small OTLP receiver (no Collector binary exists here), kept for the test to inspect, decoded
 * with the OTLP protobuf classes ({@code io.opentelemetry.proto:opentelemetry-proto}). Over HTTP
 * ({@link #OtlpReceiver()}): {@code POST /v1/traces} and {@code /v1/metrics} with {@code
 * application/x-protobuf} bodies. Over gRPC ({@link #grpc()}): the real gRPC server of grpc-java
 * (Netty, plain-text HTTP/2 on 127.0.0.1) serving {@code TraceService/Export} and {@code
 * MetricsService/Export}, as a Collector's port 4317 does.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final Server grpcServer;

  /** An OTLP/gRPC receiver. */
  static OtlpReceiver grpc() throws IOException {
    return new OtlpReceiver(true);
  }

  private OtlpReceiver(boolean grpc) throws IOException {
    server = null;
    grpcServer =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(
                new TraceServiceGrpc.TraceServiceImplBase() {
                  @Override
                  public void export(
                      ExportTraceServiceRequest request,
                      StreamObserver<ExportTraceServiceResponse> response) {
                    traces.add(request);
                    response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .addService(
                new MetricsServiceGrpc.MetricsServiceImplBase() {
                  @Override
                  public void export(
                      ExportMetricsServiceRequest request,
                      StreamObserver<ExportMetricsServiceResponse> response) {
                    metrics.add(request);
                    response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .intercept(
                new ServerInterceptor() {
                  @Override
                  public <Q, R> ServerCall.Listener<Q> interceptCall(
                      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                    contentTypes.add(
                        headers.get(Metadata.Key.of("content-type", Metadata.ASCII_STRING_MARSHALLER)));
                    return next.startCall(call, headers);
                  }
                })
            .build()
            .start();
  }

  OtlpReceiver() throws IOException {
    grpcServer = null;
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
    int port = server != null ? server.getAddress().getPort() : grpcServer.getPort();
    return "http://127.0.0.1:" + port;
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
    if (server != null) {
      server.stop(0);
    } else {
      grpcServer.shutdownNow();
      try {
        grpcServer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
