package dev.aiwarden.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an OTLP/JSON traces file: one {@code ExportTraceServiceRequest} per line. */
final class Spans {
  /** OTLP/JSON writes enums as numbers: {@code SPAN_KIND_CLIENT}. */
  static final String KIND_CLIENT = "3";
  /** {@code STATUS_CODE_ERROR}. */
  static final String STATUS_ERROR = "2";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Spans() {}

  static List<Span> read(Path file) throws IOException {
    List<Span> spans = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode request = JSON.readTree(line);
      for (JsonNode rs : request.path("resourceSpans")) {
        Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
        for (JsonNode ss : rs.path("scopeSpans")) {
          String scope = ss.path("scope").path("name").asText();
          for (JsonNode s : ss.path("spans")) {
            Span span =
                new Span(
                    s.path("name").asText(),
                    s.path("kind").asText(),
                    s.path("traceId").asText(),
                    s.path("status").path("code").asText(""),
                    Long.parseLong(s.path("startTimeUnixNano").asText("0")),
                    Long.parseLong(s.path("endTimeUnixNano").asText("0")),
                    scope,
                    attributes(s.path("attributes")),
                    resource,
                    s.path("spanId").asText(""),
                    s.path("parentSpanId").asText(""));
            for (JsonNode e : s.path("events")) {
              span.events.put(e.path("name").asText(), attributes(e.path("attributes")));
            }
            spans.add(span);
          }
        }
      }
    }
    return spans;
  }

  private static Map<String, Object> attributes(JsonNode list) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      map.put(kv.path("key").asText(), value(kv.path("value")));
    }
    return map;
  }

  private static Object value(JsonNode v) {
    if (v.has("stringValue")) {
      return v.get("stringValue").asText();
    }
    if (v.has("intValue")) {
      return Long.parseLong(v.get("intValue").asText());
    }
    if (v.has("doubleValue")) {
      return v.get("doubleValue").asDouble();
    }
    if (v.has("boolValue")) {
      return v.get("boolValue").asBoolean();
    }
    if (v.has("arrayValue")) {
      List<Object> values = new ArrayList<>();
      for (JsonNode e : v.path("arrayValue").path("values")) {
        values.add(value(e));
      }
      return values;
    }
    return null;
  }

  /** One span as exported. */
  static final class Span {
    final String name;
    final String kind;
    final String traceId;
    final String statusCode;
    final long startNanos;
    final long endNanos;
    final String scope;
    final Map<String, Object> attributes;
    final Map<String, Object> resource;
    /** Hex ids; the parent's is empty for a root span. */
    String spanId = "";
    String parentSpanId = "";

    Span(
        String name,
        String kind,
        String traceId,
        String statusCode,
        long startNanos,
        long endNanos,
        String scope,
        Map<String, Object> attributes,
        Map<String, Object> resource,
        String spanId,
        String parentSpanId) {
      this(name, kind, traceId, statusCode, startNanos, endNanos, scope, attributes, resource);
      this.spanId = spanId;
      this.parentSpanId = parentSpanId;
    }

    /** Span events by name, with their attributes. */
    final Map<String, Map<String, Object>> events = new LinkedHashMap<>();

    Span(
        String name,
        String kind,
        String traceId,
        String statusCode,
        long startNanos,
        long endNanos,
        String scope,
        Map<String, Object> attributes,
        Map<String, Object> resource) {
      this.name = name;
      this.kind = kind;
      this.traceId = traceId;
      this.statusCode = statusCode;
      this.startNanos = startNanos;
      this.endNanos = endNanos;
      this.scope = scope;
      this.attributes = attributes;
      this.resource = resource;
    }

    Object attr(String key) {
      return attributes.get(key);
    }

    @Override
    public String toString() {
      return name + " " + attributes;
    }
  }
}
