package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * ai-warden's telemetry in the ecosystem, against the built agent jar in forked JVMs: the
 * otel-config/ examples (Zipkin: the real Zipkin server; OTLP: the tests' own receiver, decoded
 * with the OTLP protobuf classes; console), the application's own trace as parent (its own SDK,
 * and the OpenTelemetry Java agent), a dead backend, and the fleet gateway's pipeline and alert
 * rules replayed on what these runs really exported.
 */
class TelemetryIT {
  private static final String OPENAI = "dev.aiwarden.examples.openai.OpenAiJavaExample";
  private static final String AZURE = "dev.aiwarden.examples.azure.AzureOpenAiExample";
  private static final String TRACED = "dev.aiwarden.examples.traced.TracedAppExample";

  private static TestServer server;
  private static ZipkinServer zipkin;
  private static OtlpReceiver otlp;
  private static ChildJvm.Result zipkinRun;
  private static ChildJvm.Result otlpRun;
  private static ChildJvm.Result consoleRun;
  private static ChildJvm.Result ownSdkRun;
  private static ChildJvm.Result javaagentRun;
  private static ChildJvm.Result deadBackendRun;
  private static OtlpReceiver deadBackendMetrics;
  private static OtlpReceiver grpc;
  private static ChildJvm.Result grpcRun;

  @BeforeAll
  static void runOnce() throws Exception {
    ZipkinServer.begin(); // boots while the other runs go
    server = new TestServer();
    otlp = new OtlpReceiver();
    deadBackendMetrics = new OtlpReceiver();

    Map<String, String> collectorEnv = OtelConfig.env("otlp-collector.env");
    otlpRun =
        OtelConfig.apply(
                ChildJvm.of(AZURE)
                    .against(server)
                    .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
                    .env("AZURE_OPENAI_API_KEY", server.azureKey),
                "otlp-collector.env",
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
                    "OTEL_RESOURCE_ATTRIBUTES",
                    collectorEnv.get("OTEL_RESOURCE_ATTRIBUTES") + ",host.name=web-2"))
            .args("chat", "content-filter", "content-filter", "content-filter")
            .run();
    grpc = OtlpReceiver.grpc();
    grpcRun =
        OtelConfig.apply(
                openAi("api.openai.com"),
                "otlp-grpc.env",
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", grpc.endpoint(),
                    "OTEL_RESOURCE_ATTRIBUTES",
                    OtelConfig.env("otlp-grpc.env").get("OTEL_RESOURCE_ATTRIBUTES") + ",host.name=web-7"))
            .args("chat", "stream", "embeddings")
            .run();
    consoleRun =
        OtelConfig.apply(
                openAi("proxy.example.test").env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-3"),
                "console.env",
                Map.of())
            .args("chat")
            .run();
    ownSdkRun =
        traced("own-sdk").env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-4").args("own-sdk").run();
    javaagentRun =
        traced("global")
            .env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-5")
            .jvmArg("-javaagent:" + otelJavaagent())
            .jvmArg("-Dotel.traces.exporter=none")
            .jvmArg("-Dotel.metrics.exporter=none")
            .jvmArg("-Dotel.logs.exporter=none")
            .args("global")
            .run();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    deadBackendRun =
        openAi("api.openai.com")
            .env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-6")
            .env("OTEL_TRACES_EXPORTER", "otlp")
            .env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + deadPort + "/v1/traces")
            .env("OTEL_JAVA_EXPORTER_OTLP_RETRY_DISABLED", "true")
            .env("OTEL_BSP_SCHEDULE_DELAY", "100")
            .env("OTEL_METRICS_EXPORTER", "otlp")
            .env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", deadBackendMetrics.endpoint() + "/v1/metrics")
            .args("chat", "stream", "embeddings")
            .run();
    zipkin = ZipkinServer.get();
    zipkinRun =
        OtelConfig.apply(
                openAi("api.openai.com").env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-1"),
                "zipkin.env",
                Map.of("OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.spansEndpoint()))
            .args("chat", "stream")
            .run();
    for (ChildJvm.Result r : List.of(zipkinRun, otlpRun, consoleRun, ownSdkRun, javaagentRun, deadBackendRun, grpcRun)) {
      assertThat(r.exitCode).as(r.toString()).isZero();
    }
  }

  @AfterAll
  static void stop() {
    if (otlp != null) {
      otlp.close();
    }
    if (grpc != null) {
      grpc.close();
    }
    if (deadBackendMetrics != null) {
      deadBackendMetrics.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static ChildJvm openAi(String host) {
    return ChildJvm.of(OPENAI)
        .against(server)
        .env("OPENAI_BASE_URL", server.https(host) + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  private static ChildJvm traced(String mode) {
    return ChildJvm.of(TRACED)
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  static Path otelJavaagent() {
    return Paths.get(
            System.getProperty("aiwarden.test.otelJavaagent", "target/tools/opentelemetry-javaagent.jar"))
        .toAbsolutePath();
  }

  // --- Zipkin ---------------------------------------------------------------------------------

  @Test
  void zipkinConfigPutsTheSpanIntoARealZipkin() throws Exception {
    List<Spans.Span> written = zipkinRun.spans("chat");
    assertThat(written).as(zipkinRun.toString()).hasSize(2);
    for (Spans.Span span : written) {
      JsonNode trace = zipkin.trace(span.traceId);
      assertThat(trace).hasSize(1);
      JsonNode z = trace.get(0);
      assertThat(z.path("name").asText()).isEqualTo("chat gpt-4o");
      assertThat(z.path("kind").asText()).isEqualTo("CLIENT");
      assertThat(z.path("id").asText()).isEqualTo(span.spanId);
      assertThat(z.path("localEndpoint").path("serviceName").asText()).isEqualTo("billing");
      JsonNode tags = z.path("tags");
      assertThat(tags.path("aiwarden.key.fingerprint").asText()).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(tags.path("aiwarden.key.source").asText()).isEqualTo("env:OPENAI_API_KEY");
      assertThat(tags.path("aiwarden.key.kind").asText()).isEqualTo("openai_api_key");
      assertThat(tags.path("aiwarden.endpoint.kind").asText()).isEqualTo("openai");
      assertThat(tags.path("gen_ai.provider.name").asText()).isEqualTo("openai");
      assertThat(tags.path("gen_ai.request.model").asText()).isEqualTo("gpt-4o");
      assertThat(tags.path("aiwarden.policy.decision").asText()).isEqualTo("allow");
      assertThat(tags.path("code.function.name").asText()).startsWith("dev.aiwarden.examples.openai.OpenAiJavaExample");
      assertThat(Long.parseLong(tags.path("gen_ai.usage.output_tokens").asText())).isPositive();
      assertThat(tags.path("http.response.status_code").asText()).isEqualTo("200");
      assertThat(z.path("duration").asLong()).isPositive();
    }
    // Zipkin's query API finds the service and both traces; nothing it stores holds the key.
    JsonNode traces = zipkin.traces("billing");
    assertThat(traces.size()).isGreaterThanOrEqualTo(2);
    assertThat(traces.toString()).doesNotContain(server.openAiKey);
  }

  // --- OTLP -----------------------------------------------------------------------------------

  @Test
  void otlpCollectorConfigDeliversSpansAndMetrics() {
    assertThat(otlp.contentTypes).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo("application/x-protobuf"));
    List<OtlpReceiver.Received> spans = otlp.spans();
    assertThat(spans).hasSize(4);
    for (OtlpReceiver.Received s : spans) {
      assertThat(s.scope).isEqualTo("ai-warden");
      assertThat(s.span.getKind().name()).isEqualTo("SPAN_KIND_CLIENT");
      assertThat(s.resource).containsEntry("service.name", "billing");
      assertThat(s.resource).containsEntry("service.namespace", "payments");
      assertThat(s.resource).containsEntry("deployment.environment.name", "prod");
      assertThat(s.resource).containsEntry("host.name", "web-2");
      assertThat(s.resource).containsKey("process.pid");
      assertThat(s.resource).doesNotContainKey("process.command_line");
      assertThat(s.attributes).containsEntry("gen_ai.provider.name", "azure.ai.openai");
      assertThat(s.attributes).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.azureKey));
      assertThat(s.attributes).containsEntry("aiwarden.key.source", "env:AZURE_OPENAI_API_KEY");
    }
    assertThat(spans.stream().filter(s -> Boolean.TRUE.equals(s.attributes.get("aiwarden.content_filter.blocked"))))
        .hasSize(3);
    // The same spans as in the traces.file, byte for byte in their ids.
    Set<String> fileIds = otlpRun.spans.stream().map(s -> s.spanId).collect(Collectors.toSet());
    Set<String> otlpIds = new HashSet<>();
    for (OtlpReceiver.Received s : spans) {
      otlpIds.add(hex(s.span.getSpanId().toByteArray()));
    }
    assertThat(otlpIds).isEqualTo(fileIds);

    Map<String, Metric> metrics = otlp.metricsByName();
    assertThat(metrics)
        .containsKeys(
            "gen_ai.client.token.usage",
            "gen_ai.client.operation.duration",
            "aiwarden.policy.decisions",
            "aiwarden.key.calls");
    Metric tokens = metrics.get("gen_ai.client.token.usage");
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    Set<Object> tokenTypes = new HashSet<>();
    for (HistogramDataPoint p : tokens.getHistogram().getDataPointsList()) {
      Map<String, Object> a = OtlpReceiver.attributes(p.getAttributesList());
      tokenTypes.add(a.get("gen_ai.token.type"));
      assertThat(a).containsEntry("gen_ai.operation.name", "chat");
      assertThat(a).containsEntry("gen_ai.provider.name", "azure.ai.openai");
      assertThat(a).containsEntry("server.address", "myres.openai.azure.com");
      assertThat(a).containsKey("gen_ai.request.model");
    }
    assertThat(tokenTypes).containsExactlyInAnyOrder("input", "output");
    Metric duration = metrics.get("gen_ai.client.operation.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    long calls = duration.getHistogram().getDataPointsList().stream().mapToLong(HistogramDataPoint::getCount).sum();
    assertThat(calls).isEqualTo(4);
    assertThat(
            duration.getHistogram().getDataPointsList().stream()
                .map(p -> OtlpReceiver.attributes(p.getAttributesList()).get("error.type"))
                .filter(e -> e != null)
                .collect(Collectors.toList()))
        .containsOnly("400")
        .hasSize(1); // the three blocked calls share one error series
    NumberDataPoint keyCalls = metrics.get("aiwarden.key.calls").getSum().getDataPoints(0);
    assertThat(keyCalls.getAsInt()).isEqualTo(4);
    assertThat(OtlpReceiver.attributes(keyCalls.getAttributesList()))
        .containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.azureKey))
        .containsEntry("aiwarden.key.source", "env:AZURE_OPENAI_API_KEY");
    NumberDataPoint decisions = metrics.get("aiwarden.policy.decisions").getSum().getDataPoints(0);
    assertThat(decisions.getAsInt()).isEqualTo(4);
    assertThat(OtlpReceiver.attributes(decisions.getAttributesList())).containsEntry("aiwarden.policy.decision", "allow");

    // Bounded cardinality: no metric attribute is per request.
    Set<String> metricAttributes = new HashSet<>();
    for (Metric m : metrics.values()) {
      m.getHistogram().getDataPointsList().forEach(p -> metricAttributes.addAll(OtlpReceiver.attributes(p.getAttributesList()).keySet()));
      m.getSum().getDataPointsList().forEach(p -> metricAttributes.addAll(OtlpReceiver.attributes(p.getAttributesList()).keySet()));
    }
    assertThat(metricAttributes)
        .doesNotContain(
            "aiwarden.prompt.sha256", "gen_ai.response.id", "enduser.id", "code.function.name",
            "code.line.number", "aiwarden.key.hint");

    // The agent's own exporter traffic is not an AI call: one log line per application call only.
    long lines = otlpRun.stderr.lines().filter(l -> l.matches("\\[ai-warden\\] (INFO|WARN) chat .*")).count();
    assertThat(lines).isEqualTo(4);
  }

  @Test
  void otlpGrpcConfigDeliversSpansAndMetrics() {
    // A real grpc-java server: every export arrived as a gRPC call (application/grpc, HTTP/2).
    assertThat(grpc.contentTypes).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("application/grpc"));
    List<OtlpReceiver.Received> spans = grpc.spans();
    assertThat(spans).hasSize(3);
    for (OtlpReceiver.Received s : spans) {
      assertThat(s.scope).isEqualTo("ai-warden");
      assertThat(s.span.getKind().name()).isEqualTo("SPAN_KIND_CLIENT");
      assertThat(s.resource).containsEntry("service.name", "billing");
      assertThat(s.resource).containsEntry("host.name", "web-7");
      assertThat(s.attributes).containsEntry("gen_ai.provider.name", "openai");
      assertThat(s.attributes).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));
      assertThat(s.attributes).containsEntry("aiwarden.key.source", "env:OPENAI_API_KEY");
      assertThat(s.attributes).containsKey("code.function.name");
    }
    assertThat(spans.stream().map(s -> s.attributes.get("gen_ai.operation.name")).collect(Collectors.toList()))
        .containsExactlyInAnyOrder("chat", "chat", "embeddings");
    // The same spans as in the traces.file: the exporter's own gRPC traffic recorded nothing.
    Set<String> fileIds = grpcRun.spans.stream().map(s -> s.spanId).collect(Collectors.toSet());
    Set<String> grpcIds = new HashSet<>();
    for (OtlpReceiver.Received s : spans) {
      grpcIds.add(hex(s.span.getSpanId().toByteArray()));
    }
    assertThat(grpcIds).isEqualTo(fileIds);

    Map<String, Metric> metrics = grpc.metricsByName();
    assertThat(metrics)
        .containsKeys(
            "gen_ai.client.token.usage",
            "gen_ai.client.operation.duration",
            "aiwarden.policy.decisions",
            "aiwarden.key.calls");
    NumberDataPoint keyCalls = metrics.get("aiwarden.key.calls").getSum().getDataPoints(0);
    assertThat(keyCalls.getAsInt()).isEqualTo(3);
    assertThat(OtlpReceiver.attributes(keyCalls.getAttributesList()))
        .containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));

    long lines = grpcRun.stderr.lines().filter(l -> l.matches("\\[ai-warden\\] (INFO|WARN) (chat|embeddings) .*")).count();
    assertThat(lines).isEqualTo(3);
    assertThat(grpcRun.stderr)
        .doesNotContain("not supported")
        .doesNotContain("Multiple HttpSenderProvider")
        .doesNotContain("Multiple GrpcSenderProvider")
        .doesNotContain("ERROR");
  }

  // --- Console --------------------------------------------------------------------------------

  @Test
  void consoleConfigPrintsSpansAndMetrics() {
    String err = consoleRun.stderr;
    assertThat(err).as(consoleRun.toString()).contains("'chat gpt-4o' : " + consoleRun.spans.get(0).traceId);
    assertThat(err).contains("aiwarden.key.fingerprint=" + Keys.fingerprint(server.openAiKey));
    assertThat(err).contains("name=gen_ai.client.token.usage");
    assertThat(err).contains("name=aiwarden.key.calls");
    // Through an OpenAI-compatible host: recorded as such.
    assertThat(consoleRun.spans.get(0).attr("aiwarden.endpoint.kind")).isEqualTo("openai_compatible");
  }

  // --- The application's trace ----------------------------------------------------------------

  @Test
  void aSpanOfTheApplicationsOwnSdkIsTheParent() {
    assertAiSpanIsChildOfRequest(ownSdkRun, true);
  }

  @Test
  void aSpanOfTheOpenTelemetryJavaAgentIsTheParent() {
    assertThat(javaagentRun.stderr).contains("opentelemetry-javaagent");
    // The Java agent's OkHttp instrumentation may put its own HTTP span between the request and
    // the AI call: same trace either way.
    assertAiSpanIsChildOfRequest(javaagentRun, false);
  }

  private static void assertAiSpanIsChildOfRequest(ChildJvm.Result run, boolean direct) {
    String request =
        run.results().stream().filter(l -> l.startsWith("RESULT request ")).findFirst().orElseThrow(
            () -> new AssertionError(run.toString()));
    String traceId = request.replaceAll(".*trace=([0-9a-f]{32}).*", "$1");
    String spanId = request.replaceAll(".*span=([0-9a-f]{16}).*", "$1");
    assertThat(traceId).isNotEqualTo("00000000000000000000000000000000");
    List<Spans.Span> ai = run.spans("chat");
    assertThat(ai).as(run.toString()).hasSize(1);
    assertThat(ai.get(0).traceId).isEqualTo(traceId);
    if (direct) {
      assertThat(ai.get(0).parentSpanId).isEqualTo(spanId);
    } else {
      assertThat(ai.get(0).parentSpanId).isNotEmpty();
    }
  }

  // --- A dead backend -------------------------------------------------------------------------

  @Test
  void aDeadBackendLeavesTheApplicationAloneAndCountsTheLoss() {
    assertThat(deadBackendRun.results()).hasSize(3);
    assertThat(deadBackendRun.spans).hasSize(3); // the traces.file is independent of the backend
    assertThat(deadBackendRun.millis).isLessThan(30_000);
    Metric dropped = deadBackendMetrics.metricsByName().get("aiwarden.spans.dropped");
    assertThat(dropped).as(deadBackendRun.toString()).isNotNull();
    NumberDataPoint p = dropped.getSum().getDataPoints(0);
    assertThat(OtlpReceiver.attributes(p.getAttributesList())).containsEntry("error.type", "export_failed");
    assertThat(p.getAsInt()).isBetween(1L, 3L);
    assertThat(deadBackendRun.stderr).contains("ai-warden dropped");
  }

  // --- Secrets --------------------------------------------------------------------------------

  @Test
  void noRunWritesOrSendsTheKeys() throws Exception {
    for (ChildJvm.Result r : List.of(zipkinRun, otlpRun, consoleRun, ownSdkRun, javaagentRun, deadBackendRun, grpcRun)) {
      Leaks.assertNoSecret(r, server.openAiKey, server.azureKey);
    }
    String received = otlp.traces.toString() + otlp.metrics + grpc.traces + grpc.metrics;
    assertThat(received).doesNotContain(server.openAiKey).doesNotContain(server.azureKey);
  }

  // --- The fleet pipeline (otel-config/collector) ---------------------------------------------

  private static final Set<String> KNOWN_COMPONENTS =
      Set.of(
          "receivers.otlp",
          "processors.memory_limiter", "processors.batch", "processors.filter", "processors.transform",
          "connectors.spanmetrics", "connectors.count",
          "exporters.zipkin", "exporters.prometheus", "exporters.otlp", "exporters.otlphttp", "exporters.debug");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) throws Exception {
    Load load = new Load(LoadSettings.builder().setLabel(file).build());
    return (Map<String, Object>) load.loadFromString(Files.readString(OtelConfig.file(file), StandardCharsets.UTF_8));
  }

  private static List<Spans.Span> allSpans() {
    List<Spans.Span> all = new ArrayList<>();
    for (ChildJvm.Result r : List.of(zipkinRun, otlpRun, consoleRun, ownSdkRun, javaagentRun, deadBackendRun, grpcRun)) {
      all.addAll(r.spans);
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  private static List<String> dimensions(Map<String, Object> gateway) {
    Map<String, Object> connectors = (Map<String, Object>) gateway.get("connectors");
    Map<String, Object> spanmetrics = (Map<String, Object>) connectors.get("spanmetrics/ai_calls");
    return ((List<Map<String, Object>>) spanmetrics.get("dimensions")).stream()
        .map(d -> (String) d.get("name"))
        .collect(Collectors.toList());
  }

  @Test
  @SuppressWarnings("unchecked")
  void fleetGatewayReferencesOnlyDefinedComponentsAndRealAttributes() throws Exception {
    Map<String, Object> gateway = yaml("collector/fleet-gateway.yaml");
    Map<String, Set<String>> defined = new HashMap<>();
    for (String section : List.of("receivers", "processors", "connectors", "exporters")) {
      Map<String, Object> components = (Map<String, Object>) gateway.getOrDefault(section, Map.of());
      defined.put(section, components.keySet());
      for (String id : components.keySet()) {
        String type = id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
        assertThat(KNOWN_COMPONENTS).as("a Collector component type").contains(section + "." + type);
      }
    }
    Map<String, Object> pipelines = (Map<String, Object>) ((Map<String, Object>) gateway.get("service")).get("pipelines");
    Set<String> used = new HashSet<>();
    Set<String> connectorsAsExporter = new HashSet<>();
    Set<String> connectorsAsReceiver = new HashSet<>();
    for (Map.Entry<String, Object> p : pipelines.entrySet()) {
      String signal = p.getKey().contains("/") ? p.getKey().substring(0, p.getKey().indexOf('/')) : p.getKey();
      assertThat(signal).isIn("traces", "metrics", "logs");
      Map<String, List<String>> pipeline = (Map<String, List<String>>) p.getValue();
      for (String r : pipeline.get("receivers")) {
        boolean connector = defined.get("connectors").contains(r);
        assertThat(defined.get("receivers").contains(r) || connector).as(p.getKey() + " receiver " + r).isTrue();
        if (connector) {
          connectorsAsReceiver.add(r);
          assertThat(signal).isEqualTo("metrics");
        }
        used.add(r);
      }
      for (String proc : pipeline.getOrDefault("processors", List.of())) {
        assertThat(defined.get("processors")).as(p.getKey() + " processor").contains(proc);
        used.add(proc);
      }
      for (String e : pipeline.get("exporters")) {
        boolean connector = defined.get("connectors").contains(e);
        assertThat(defined.get("exporters").contains(e) || connector).as(p.getKey() + " exporter " + e).isTrue();
        if (connector) {
          connectorsAsExporter.add(e);
          assertThat(signal).isEqualTo("traces");
        }
        used.add(e);
      }
    }
    for (Set<String> ids : defined.values()) {
      assertThat(used).as("every defined component is in a pipeline").containsAll(ids);
    }
    assertThat(connectorsAsExporter).isEqualTo(connectorsAsReceiver).isEqualTo(defined.get("connectors"));

    // Attribute names: every one the gateway reads is in the agent's real output (span
    // attributes, or the resource for host.name), except aiwarden.policy.rule, which the agent
    // writes only on (would-)denials, which no run here makes: checked against the contract docs.
    List<Spans.Span> spans = allSpans();
    Set<String> spanKeys = new HashSet<>();
    Set<String> resourceKeys = new HashSet<>();
    Set<String> scopes = new HashSet<>();
    for (Spans.Span s : spans) {
      spanKeys.addAll(s.attributes.keySet());
      resourceKeys.addAll(s.resource.keySet());
      scopes.add(s.scope);
    }
    String attributesDoc = Files.readString(Paths.get(OtelConfig.dir().toString(), "..", "docs", "attributes.md"));
    for (String d : dimensions(gateway)) {
      if (d.equals("host.name")) {
        assertThat(resourceKeys).contains(d);
      } else if (d.equals("aiwarden.policy.rule")) {
        assertThat(attributesDoc).contains("`" + d + "`");
      } else {
        assertThat(spanKeys).as("dimension " + d + " in the agent's spans").contains(d);
      }
    }
    String text = Files.readString(OtelConfig.file("collector/fleet-gateway.yaml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(resource\\.)?attributes\\[\"([^\"]+)\"\\]").matcher(text);
    while (m.find()) {
      if (m.group(1) != null) {
        assertThat(resourceKeys).contains(m.group(2));
      } else if (!m.group(2).equals("host.name")) {
        assertThat(spanKeys).contains(m.group(2));
      }
    }
    assertThat(text).contains("instrumentation_scope.name != \"ai-warden\"");
    assertThat(scopes).containsExactly("ai-warden");
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesReadOnlyWhatTheGatewayProducesAndFireOnRealOutput() throws Exception {
    Map<String, Object> gateway = yaml("collector/fleet-gateway.yaml");
    List<String> dims = dimensions(gateway);
    Map<String, Object> spanmetrics =
        (Map<String, Object>) ((Map<String, Object>) gateway.get("connectors")).get("spanmetrics/ai_calls");
    String calls = FleetModel.promLabel(spanmetrics.get("namespace") + ".calls") + "_total";
    Set<String> producedLabels = new HashSet<>(Set.of("service_name", "span_name", "span_kind", "status_code"));
    dims.forEach(d -> producedLabels.add(FleetModel.promLabel(d)));

    Map<String, String> rules = new HashMap<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) yaml("collector/ai-warden-alerts.yaml").get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        String expr = (String) rule.get("expr");
        assertThat(FleetModel.metric(expr)).as(rule.get("alert") + " metric").isEqualTo(calls);
        assertThat(producedLabels).as(rule.get("alert") + " labels").containsAll(FleetModel.labels(expr));
        rules.put((String) rule.get("alert"), expr);
      }
    }
    assertThat(rules.keySet())
        .containsExactlyInAnyOrder(
            "AiKeyUsedFromManyHosts", "AiKeyFromLiteralOrUnknownSource", "AiCallsThroughOpenAiCompatibleProxy",
            "AiContentFilterBlocksPerKey", "AiPolicyDenies");

    // Replayed on what the six runs exported: the OpenAI key from five hosts (web-1, 3, 4, 5, 6),
    // the Azure key from one; three content-filter blocks of the Azure key; one call through
    // proxy.example.test.
    Map<Map<String, String>, Long> series = FleetModel.series(allSpans(), dims, "ai-warden");
    assertThat(FleetModel.firing(rules.get("AiKeyUsedFromManyHosts"), series))
        .containsExactly(Map.of("aiwarden_key_fingerprint", Keys.fingerprint(server.openAiKey)));
    assertThat(FleetModel.firing(rules.get("AiContentFilterBlocksPerKey"), series))
        .containsExactly(Map.of("aiwarden_key_fingerprint", Keys.fingerprint(server.azureKey)));
    assertThat(FleetModel.firing(rules.get("AiCallsThroughOpenAiCompatibleProxy"), series))
        .containsExactly(Map.of("service_name", "OpenAiJavaExample", "host_name", "web-3", "server_address", "proxy.example.test"));
    assertThat(FleetModel.firing(rules.get("AiKeyFromLiteralOrUnknownSource"), series)).isEmpty();
    assertThat(FleetModel.firing(rules.get("AiPolicyDenies"), series)).isEmpty();

    // The two that real output here cannot trigger (no hard-coded key, no enforcing policy in
    // these runs): a real span with the attribute values the agent writes in those cases.
    Spans.Span real = zipkinRun.spans.get(0);
    Map<String, Object> literal = new HashMap<>(real.attributes);
    literal.put("aiwarden.key.source", "literal:com.acme.Keys");
    Map<String, Object> denied = new HashMap<>(real.attributes);
    denied.put("aiwarden.policy.decision", "deny");
    denied.put("aiwarden.policy.rule", "model.not_allowed");
    List<Spans.Span> variants =
        List.of(
            new Spans.Span(real.name, real.kind, real.traceId, "", 0, 0, real.scope, literal, real.resource),
            new Spans.Span(real.name, real.kind, real.traceId, Spans.STATUS_ERROR, 0, 0, real.scope, denied, real.resource));
    Map<Map<String, String>, Long> variantSeries = FleetModel.series(variants, dims, "ai-warden");
    assertThat(FleetModel.firing(rules.get("AiKeyFromLiteralOrUnknownSource"), variantSeries)).hasSize(1);
    assertThat(FleetModel.firing(rules.get("AiPolicyDenies"), variantSeries))
        .containsExactly(Map.of("service_name", "billing", "aiwarden_policy_rule", "model.not_allowed"));
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }
}
