package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.policy.Decision;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.SenderUtil;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Metrics, the application's parent span, the bounded span queue, Zipkin, suppressed threads. */
class TelemetryExportTest {
  private InMemoryMetricReader metricReader;
  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;
  private Telemetry telemetry;

  @BeforeEach
  void setUp() {
    metricReader = InMemoryMetricReader.create();
    spans = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metricReader).build())
            .build();
    telemetry = Telemetry.forTesting(sdk);
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  private MetricData metric(String name) {
    return metricReader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Test
  void aCallRecordsTokensDurationDecisionAndKeyMetrics() {
    AiCall call = Calls.chat();
    telemetry.callTelemetry().onStart(call);
    telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));

    List<MetricData> all = new ArrayList<>(metricReader.collectAllMetrics());
    Map<String, MetricData> byName =
        all.stream().collect(Collectors.toMap(MetricData::getName, m -> m));
    assertThat(byName)
        .containsKeys(
            "gen_ai.client.token.usage",
            "gen_ai.client.operation.duration",
            "aiwarden.policy.decisions",
            "aiwarden.key.calls");

    MetricData tokens = byName.get("gen_ai.client.token.usage");
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    Map<String, Double> sums = new HashMap<>();
    for (HistogramPointData p : tokens.getHistogramData().getPoints()) {
      Attributes a = p.getAttributes();
      assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
      assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
      assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o");
      assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo("api.openai.com");
      assertThat(p.getBoundaries()).startsWith(1.0, 4.0, 16.0);
      sums.put(a.get(AttributeKey.stringKey("gen_ai.token.type")), p.getSum());
    }
    assertThat(sums).containsEntry("input", 12.0).containsEntry("output", 40.0);

    MetricData duration = byName.get("gen_ai.client.operation.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    HistogramPointData d = duration.getHistogramData().getPoints().iterator().next();
    assertThat(d.getSum()).isCloseTo(0.412, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(d.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();

    LongPointData decision = byName.get("aiwarden.policy.decisions").getLongSumData().getPoints().iterator().next();
    assertThat(decision.getValue()).isEqualTo(1);
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.decision"))).isEqualTo("allow");

    LongPointData key = byName.get("aiwarden.key.calls").getLongSumData().getPoints().iterator().next();
    assertThat(key.getAttributes().get(AttributeKey.stringKey("aiwarden.key.fingerprint")))
        .isEqualTo("sha256:0123456789abcdef");
    assertThat(key.getAttributes().get(AttributeKey.stringKey("aiwarden.key.source")))
        .isEqualTo("env:OPENAI_API_KEY");

    // Bounded cardinality: nothing per-request ever becomes a metric attribute.
    String everything = all.toString();
    assertThat(everything)
        .doesNotContain("aiwarden.prompt.sha256")
        .doesNotContain("00112233aabbccdd")
        .doesNotContain("chatcmpl-123")
        .doesNotContain("user-42")
        .doesNotContain("App.java")
        .doesNotContain(Calls.SECRET)
        .doesNotContain(Calls.PROMPT);
  }

  @Test
  void aDeniedCallCountsItsDecisionAndRuleButNoTokensOrDuration() {
    AiCall call = Calls.chat();
    call.decision = new Decision(Decision.Outcome.DENY, "model.not_allowed", "gpt-4o is not allowed.");
    telemetry.callTelemetry().onDenied(call);

    LongPointData decision = metric("aiwarden.policy.decisions").getLongSumData().getPoints().iterator().next();
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.decision"))).isEqualTo("deny");
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.rule")))
        .isEqualTo("model.not_allowed");
    assertThat(metricReader.collectAllMetrics().stream().map(MetricData::getName))
        .doesNotContain("gen_ai.client.token.usage", "gen_ai.client.operation.duration");
  }

  @Test
  void aFailedCallHasErrorTypeOnItsDuration() {
    AiCall call = Calls.chat();
    telemetry.callTelemetry().onStart(call);
    telemetry.callTelemetry().onEnd(Calls.answered(call, 503, null));
    HistogramPointData d =
        metric("gen_ai.client.operation.duration").getHistogramData().getPoints().iterator().next();
    assertThat(d.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
  }

  // --- Parent context -------------------------------------------------------------------------

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  @Test
  void theAgentsOwnCurrentSpanIsTheParentWhenThereIsOne() {
    SpanContext parent =
        SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
    try (Scope ignored = Span.wrap(parent).makeCurrent()) {
      AiCall call = Calls.chat();
      telemetry.callTelemetry().onStart(call);
      telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    }
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void theApplicationsActiveSpanInItsOwnClassLoaderIsTheParent() throws Exception {
    // The application's own (unrelocated) OpenTelemetry API, in a class loader of its own, as in
    // an application next to the shaded agent.
    ClassLoader app =
        new URLClassLoader(
            new URL[] {
              jarOf(io.opentelemetry.api.trace.Span.class),
              jarOf(io.opentelemetry.context.Context.class),
              jarOf(io.opentelemetry.common.ComponentLoader.class)
            },
            ClassLoader.getPlatformClassLoader());
    Class<?> spanClass = Class.forName("io.opentelemetry.api.trace.Span", true, app);
    assertThat(spanClass).isNotSameAs(Span.class);
    Class<?> contextClass = Class.forName("io.opentelemetry.api.trace.SpanContext", true, app);
    Class<?> flagsClass = Class.forName("io.opentelemetry.api.trace.TraceFlags", true, app);
    Class<?> stateClass = Class.forName("io.opentelemetry.api.trace.TraceState", true, app);
    Object flags = flagsClass.getMethod("getSampled").invoke(null);
    Object state = stateClass.getMethod("getDefault").invoke(null);
    Object context =
        contextClass
            .getMethod("create", String.class, String.class, flagsClass, stateClass)
            .invoke(null, TRACE_ID, SPAN_ID, flags, state);
    Object appSpan = spanClass.getMethod("wrap", contextClass).invoke(null, context);
    Method makeCurrent = spanClass.getMethod("makeCurrent");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(app);
    AutoCloseable scope = (AutoCloseable) makeCurrent.invoke(appSpan);
    try {
      AiCall call = Calls.chat();
      telemetry.callTelemetry().onStart(call);
      telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    } finally {
      scope.close();
      thread.setContextClassLoader(previous);
    }
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(SPAN_ID);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();

    // Outside the application's span: a new trace.
    spans.reset();
    thread.setContextClassLoader(app);
    try {
      AiCall call = Calls.chat();
      telemetry.callTelemetry().onStart(call);
      telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    } finally {
      thread.setContextClassLoader(previous);
    }
    assertThat(spans.getFinishedSpanItems().get(0).getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void aClassLoaderWithoutOpenTelemetryMeansNoParentAndNoError() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(new URLClassLoader(new URL[0], null));
    try {
      long errors = AgentLog.internalErrorCount();
      AiCall call = Calls.chat();
      telemetry.callTelemetry().onStart(call);
      telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
      assertThat(AgentLog.internalErrorCount()).isEqualTo(errors);
    } finally {
      thread.setContextClassLoader(previous);
    }
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  private static URL jarOf(Class<?> type) throws Exception {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  // --- The bounded queue ----------------------------------------------------------------------

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean suppressedWhileExporting = new AtomicBoolean();
    SpanExporter stuck =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> batch) {
            suppressedWhileExporting.set(Warden.suppressed());
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
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
        };
    AtomicReference<CallMetrics> metrics = new AtomicReference<>(telemetry.metrics());
    BoundedSpanProcessor processor =
        new BoundedSpanProcessor(stuck, 4, 1, Duration.ofMillis(10), Duration.ofSeconds(30), metrics, "test");
    try (OpenTelemetrySdk other =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(processor).build())
            .build()) {
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        other.getTracer("t").spanBuilder("s" + i).startSpan().end();
        if (i == 0) {
          Thread.sleep(200); // the worker takes the first span and blocks in export
        }
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
      release.countDown();
    }
    assertThat(suppressedWhileExporting).isTrue();
    LongPointData dropped =
        metric("aiwarden.spans.dropped").getLongSumData().getPoints().iterator().next();
    assertThat(dropped.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("queue_full");
    assertThat(dropped.getValue()).isBetween(40L, 49L);
  }

  @Test
  void aFailedExportIsCountedAsDropped() {
    SpanExporter failing =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> batch) {
            return CompletableResultCode.ofFailure();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    BoundedSpanProcessor processor =
        new BoundedSpanProcessor(
            failing, 100, 10, Duration.ofSeconds(5), Duration.ofSeconds(5),
            new AtomicReference<>(telemetry.metrics()), "test");
    try (OpenTelemetrySdk other =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(processor).build())
            .build()) {
      for (int i = 0; i < 3; i++) {
        other.getTracer("t").spanBuilder("s").startSpan().end();
      }
      assertThat(other.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    LongPointData dropped =
        metric("aiwarden.spans.dropped").getLongSumData().getPoints().iterator().next();
    assertThat(dropped.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("export_failed");
    assertThat(dropped.getValue()).isEqualTo(3);
  }

  @Test
  void exportThreadsAreMarkedAsTheAgentsOwnIo() throws Exception {
    AtomicBoolean seen = new AtomicBoolean();
    AtomicReference<String> name = new AtomicReference<>();
    Thread t =
        ExportThreads.FACTORY.newThread(
            () -> {
              seen.set(Warden.suppressed());
              name.set(Thread.currentThread().getName());
            });
    t.start();
    t.join();
    assertThat(seen).isTrue();
    assertThat(name.get()).startsWith("ai-warden-export-");
    assertThat(Warden.suppressed()).isFalse();
    boolean before = Warden.setSuppressed(true);
    assertThat(Warden.suppressed()).isTrue();
    Warden.setSuppressed(before);
    assertThat(Warden.suppressed()).isFalse();
  }

  // --- Exporters by their standard settings ---------------------------------------------------

  @Test
  void zipkinExporterPostsJsonOverTheJdkClient() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
                  + new String(body, StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    server.start();
    try {
      Map<String, String> settings = new HashMap<>();
      settings.put("otel.traces.exporter", "zipkin");
      settings.put(
          "otel.exporter.zipkin.endpoint",
          "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans");
      settings.put("otel.service.name", "zipkin-unit");
      Telemetry built = SdkFactory.build(config(), settings, false);
      try {
        AiCall call = Calls.chat();
        built.callTelemetry().onStart(call);
        built.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
        assertThat(built.flush(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        built.shutdown(5_000);
      }
    } finally {
      server.stop(0);
    }
    assertThat(received).hasSize(1);
    String request = received.get(0);
    assertThat(request).startsWith("POST /api/v2/spans application/json\n");
    assertThat(request)
        .contains("\"aiwarden.key.fingerprint\":\"sha256:0123456789abcdef\"")
        .contains("\"serviceName\":\"zipkin-unit\"")
        .contains("\"kind\":\"CLIENT\"")
        .doesNotContain(Calls.SECRET)
        .doesNotContain(Calls.PROMPT);
  }

  @Test
  void otlpMetricsGoOutWithTheStandardSetting() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(exchange.getRequestURI().getPath() + " " + new String(body, StandardCharsets.ISO_8859_1));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      Map<String, String> settings = new HashMap<>();
      settings.put("otel.metrics.exporter", "otlp");
      settings.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
      Telemetry built = SdkFactory.build(config(), settings, false);
      try {
        AiCall call = Calls.chat();
        built.callTelemetry().onStart(call);
        built.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
      } finally {
        built.shutdown(5_000); // the final collection exports the metrics
      }
    } finally {
      server.stop(0);
    }
    assertThat(received).anySatisfy(r -> assertThat(r).startsWith("/v1/metrics ").contains("gen_ai.client.token.usage"));
  }

  @Test
  void httpGoesOverTheJdkSenderAndGrpcOverOkHttp() {
    // Both sender modules are on the agent's class path; the agent's SPI loader leaves one each.
    AgentComponentLoader loader = new AgentComponentLoader();
    assertThat(SenderUtil.resolveHttpSenderProvider(loader).getClass().getName())
        .endsWith(".JdkHttpSenderProvider");
    assertThat(SenderUtil.resolveGrpcSenderProvider(loader).getClass().getName())
        .endsWith(".OkHttpGrpcSenderProvider");
  }

  private static AgentConfig config() {
    return new AgentConfig(Collections.emptyMap(), Collections.emptyMap(), Collections.emptyMap());
  }

}
