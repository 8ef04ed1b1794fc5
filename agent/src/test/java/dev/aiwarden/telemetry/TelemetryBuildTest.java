package dev.aiwarden.telemetry;

import static dev.aiwarden.telemetry.JsonTree.array;
import static dev.aiwarden.telemetry.JsonTree.attributes;
import static dev.aiwarden.telemetry.JsonTree.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.AiCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real SDK, built by autoconfigure the way the agent builds it. */
class TelemetryBuildTest {

  private static AgentConfig config(String tracesFile) {
    Map<String, String> agentArgs = new HashMap<>();
    if (tracesFile != null) {
      agentArgs.put(AgentConfig.TRACES_FILE, tracesFile);
    }
    return new AgentConfig(agentArgs, Collections.emptyMap(), Collections.emptyMap());
  }

  private static void recordChat(Telemetry telemetry) {
    AiCall call = Calls.chat();
    telemetry.callTelemetry().onStart(call);
    telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static Map<String, Object> resourceAttributes(String line) throws Exception {
    Map<String, Object> request = object(JsonTree.parse(line));
    Map<String, Object> resourceSpans = object(array(request.get("resourceSpans")).get(0));
    return attributes(object(resourceSpans.get("resource")).get("attributes"));
  }

  private static String stringValue(Object attributeValue) {
    return attributeValue == null ? null : (String) object(attributeValue).get("stringValue");
  }

  @Test
  void exportersDefaultToNone() {
    Telemetry telemetry = SdkFactory.build(config(null), Collections.emptyMap(), false);
    try {
      assertThat(telemetry.isNoop()).isFalse();
      assertThat(telemetry.otelConfig().getList("otel.traces.exporter")).containsExactly("none");
      assertThat(telemetry.otelConfig().getList("otel.metrics.exporter")).containsExactly("none");
      assertThat(telemetry.otelConfig().getList("otel.logs.exporter")).containsExactly("none");
      String tracerProvider = telemetry.sdk().getSdkTracerProvider().toString();
      assertThat(tracerProvider)
          .doesNotContainIgnoringCase("otlp")
          .doesNotContain("BatchSpanProcessor")
          .doesNotContain("SimpleSpanProcessor");
      recordChat(telemetry); // goes nowhere, and does not fail
      assertThat(telemetry.flush(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      telemetry.shutdown(30_000);
    }
  }

  @Test
  void theUsersOwnSettingsWinOverOurDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.jsonl");
    System.setProperty("otel.traces.exporter", "console");
    System.setProperty("otel.service.name", "billing-from-sysprop");
    Telemetry telemetry;
    try {
      telemetry = SdkFactory.build(config(file.toString()), Collections.emptyMap(), false);
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.service.name");
    }
    try {
      assertThat(telemetry.otelConfig().getList("otel.traces.exporter")).containsExactly("console");
      String out = AgentLogTest.captureStderr(() -> {
        recordChat(telemetry);
        telemetry.flush(30, TimeUnit.SECONDS);
      });
      // the console exporter logs through JUL, which the agent routes into its own log
      assertThat(out).contains("[ai-warden] INFO 'chat gpt-4o' : ");
    } finally {
      telemetry.shutdown(30_000);
    }
    assertThat(stringValue(resourceAttributes(lines(file).get(0)).get("service.name")))
        .isEqualTo("billing-from-sysprop");
  }

  @Test
  void serviceNameFromResourceAttributesIsKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.jsonl");
    Map<String, String> overrides = new HashMap<>();
    overrides.put("otel.resource.attributes", "service.name=from-attributes,team=ai");
    Telemetry telemetry = SdkFactory.build(config(file.toString()), overrides, false);
    try {
      recordChat(telemetry);
    } finally {
      telemetry.shutdown(30_000);
    }
    Map<String, Object> resource = resourceAttributes(lines(file).get(0));
    assertThat(stringValue(resource.get("service.name"))).isEqualTo("from-attributes");
    assertThat(stringValue(resource.get("team"))).isEqualTo("ai");
  }

  @Test
  void tracesFileHasOneExportTraceServiceRequestPerLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("not/yet/there/traces.jsonl");
    Telemetry telemetry = SdkFactory.build(config(file.toString()), Collections.emptyMap(), false);
    try {
      assertThat(telemetry.tracesFile()).isEqualTo(file.toAbsolutePath());
      recordChat(telemetry);
      assertThat(telemetry.flush(30, TimeUnit.SECONDS)).isTrue();
      assertThat(lines(file)).hasSize(1); // flushed to the file after each batch
      recordChat(telemetry);
      recordChat(telemetry);
      assertThat(telemetry.flush(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      telemetry.shutdown(30_000);
    }

    // 1 line for the first flush; the next two spans are usually one batch (one line), but the
    // 200 ms batch timer may fire between them (two lines)
    List<String> lines = lines(file);
    assertThat(lines).hasSizeBetween(2, 3);
    int[] spansPerLine = new int[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Object> request = object(JsonTree.parse(lines.get(i)));
      assertThat(request).containsOnlyKeys("resourceSpans");
      List<Object> resourceSpans = array(request.get("resourceSpans"));
      assertThat(resourceSpans).hasSize(1);
      Map<String, Object> rs = object(resourceSpans.get(0));

      Map<String, Object> resource = attributes(object(rs.get("resource")).get("attributes"));
      assertThat(stringValue(resource.get("service.name")))
          .isNotBlank()
          .isNotEqualTo("unknown_service:java")
          .isEqualTo(SdkFactory.defaultServiceName(System.getProperty("sun.java.command")));
      assertThat(stringValue(resource.get("host.name"))).isNotBlank();
      assertThat(object(resource.get("process.pid")).get("intValue"))
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
      assertThat(resource)
          .containsKeys("os.type", "process.runtime.name", "telemetry.sdk.language")
          .doesNotContainKeys("process.command_line", "process.command_args");

      List<Object> scopeSpans = array(rs.get("scopeSpans"));
      assertThat(scopeSpans).hasSize(1);
      Map<String, Object> ss = object(scopeSpans.get(0));
      assertThat(object(ss.get("scope")).get("name")).isEqualTo("ai-warden");
      List<Object> spans = array(ss.get("spans"));
      spansPerLine[i] = spans.size();
      for (Object s : spans) {
        Map<String, Object> span = object(s);
        assertThat(span.get("name")).isEqualTo("chat gpt-4o");
        assertThat(span.get("kind")).isEqualTo(3L); // SPAN_KIND_CLIENT
        assertThat(span.get("startTimeUnixNano")).isEqualTo(String.valueOf(Calls.START_EPOCH_NANOS));
        Map<String, Object> attrs = attributes(span.get("attributes"));
        assertThat(stringValue(attrs.get("gen_ai.request.model"))).isEqualTo("gpt-4o");
        assertThat(stringValue(attrs.get("aiwarden.key.fingerprint")))
            .isEqualTo("sha256:0123456789abcdef");
        assertThat(object(attrs.get("gen_ai.usage.output_tokens")).get("intValue")).isEqualTo("40");
      }
    }
    assertThat(spansPerLine[0]).isEqualTo(1);
    assertThat(Arrays.stream(spansPerLine).sum()).isEqualTo(3);
  }

  @Test
  void tracesFileIsAppendedTo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("traces.jsonl");
    Files.write(file, "{\"resourceSpans\":[]}\n".getBytes(StandardCharsets.UTF_8));
    Telemetry telemetry = SdkFactory.build(config(file.toString()), Collections.emptyMap(), false);
    try {
      recordChat(telemetry);
    } finally {
      telemetry.shutdown(30_000);
    }
    List<String> lines = lines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("{\"resourceSpans\":[]}");
  }

  @Test
  void anUnwritableTracesFileDoesNotStopTelemetry(@TempDir Path dir) throws Exception {
    Path blocker = dir.resolve("a-file");
    Files.write(blocker, new byte[0]);
    String out = AgentLogTest.captureStderr(() -> {
      Telemetry telemetry =
          SdkFactory.build(config(blocker.resolve("sub/t.jsonl").toString()), Collections.emptyMap(), false);
      try {
        assertThat(telemetry.isNoop()).isFalse();
        assertThat(telemetry.tracesFile()).isNull();
        recordChat(telemetry);
      } finally {
        telemetry.shutdown(30_000);
      }
    });
    assertThat(out).contains("[ai-warden] WARN ai-warden cannot write traces.file");
  }

  @Test
  void neitherTheKeyNorThePromptReachTheFileOrTheLog(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.jsonl");
    String out = AgentLogTest.captureStderr(() -> {
      Telemetry telemetry = SdkFactory.build(config(file.toString()), Collections.emptyMap(), false);
      try {
        recordChat(telemetry);
        AiCall denied = Calls.chat();
        denied.decision =
            new dev.aiwarden.policy.Decision(
                dev.aiwarden.policy.Decision.Outcome.DENY, "prompt.secret", "A key in the prompt.");
        telemetry.callTelemetry().onDenied(denied);
      } finally {
        telemetry.shutdown(30_000);
      }
    });
    String written = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    assertThat(written).contains("sha256:0123456789abcdef").contains("ai_warden.policy_denied");
    assertThat(out).contains("[ai-warden] INFO chat gpt-4o -> 200").contains("[ai-warden] WARN chat gpt-4o -> blocked");
    for (String text : Arrays.asList(written, out)) {
      assertThat(text)
          .doesNotContain(Calls.SECRET)
          .doesNotContain(Calls.SECRET.substring(8, 24))
          .doesNotContain(Calls.PROMPT)
          .doesNotContain("Zanzibar");
    }
  }

  @Test
  void everySpanIsInTheFileWhenTheJvmExits(@TempDir Path dir) throws Exception {
    for (String how : Arrays.asList("exit", "return")) {
      Path file = dir.resolve(how + "/traces.jsonl");
      Fork fork =
          Fork.run(
              Collections.emptyList(),
              ForkedMains.RecordOneCallThenLeave.class,
              file.toString(),
              how);
      assertThat(fork.exitCode).as(fork.output).isZero();
      assertThat(fork.output)
          .contains("[ai-warden] INFO ai-warden (dev) recording AI calls: traces exporter none, traces.file")
          .contains("[ai-warden] INFO chat gpt-4o -> 200 openai api.openai.com");
      List<String> lines = lines(file);
      assertThat(lines).as(how).hasSize(1);
      assertThat(lines.get(0)).contains("\"name\":\"chat gpt-4o\"");
    }
  }

  @Test
  void serviceNameFromTheCommandLine() {
    assertThat(SdkFactory.defaultServiceName("com.acme.billing.BillingApp --port 8080"))
        .isEqualTo("BillingApp");
    assertThat(SdkFactory.defaultServiceName("/opt/apps/billing-2.1.jar --spring.profiles=x"))
        .isEqualTo("billing-2.1");
    assertThat(SdkFactory.defaultServiceName("C:\\My Apps\\Billing.JAR")).isEqualTo("Billing");
    assertThat(SdkFactory.defaultServiceName("app.jar")).isEqualTo("app");
    assertThat(SdkFactory.defaultServiceName("com.acme.jar.Main")).isEqualTo("Main");
    assertThat(SdkFactory.defaultServiceName("acme.billing/com.acme.billing.Main a b"))
        .isEqualTo("Main");
    assertThat(
            SdkFactory.defaultServiceName(
                "com.sun.tools.javac.launcher.Main /home/me/Hello.java arg"))
        .isEqualTo("Hello");
    assertThat(SdkFactory.defaultServiceName("")).isNull();
    assertThat(SdkFactory.defaultServiceName(null)).isNull();
  }

  @Test
  void getNeverFailsAndInstallForTestingReplacesIt() {
    Telemetry noop = Telemetry.noop();
    Telemetry.installForTesting(noop);
    try {
      assertThat(Telemetry.get()).isSameAs(noop);
      assertThat(Telemetry.calls()).isSameAs(noop.callTelemetry());
    } finally {
      Telemetry.installForTesting(null);
    }
  }

  @Test
  void otlpEndpointFromTheStandardSettingsGetsTheSpansOverHttp() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body.length);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      Map<String, String> settings = new HashMap<>();
      settings.put("otel.traces.exporter", "otlp");
      settings.put(
          "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
      Telemetry telemetry = SdkFactory.build(config(null), settings, false);
      try {
        assertThat(telemetry.otelConfig().getString("otel.exporter.otlp.protocol"))
            .isEqualTo("http/protobuf");
        recordChat(telemetry);
        assertThat(telemetry.flush(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        telemetry.shutdown(30_000);
      }
    } finally {
      server.stop(0);
    }
    assertThat(received).hasSize(1);
    assertThat(received.get(0)).startsWith("POST /v1/traces application/x-protobuf ");
  }

  @Test
  void aBuildThatFailsGivesTheNoopAndSaysWhy() {
    System.setProperty("otel.traces.exporter", "no-such-exporter");
    try {
      String out =
          AgentLogTest.captureStderr(
              () -> assertThat(SdkFactory.buildOrNoop(config(null)).isNoop()).isTrue());
      assertThat(out)
          .contains("[ai-warden] ERROR ai-warden could not start OpenTelemetry, calls get no spans")
          .contains("no-such-exporter");
    } finally {
      System.clearProperty("otel.traces.exporter");
    }
  }

  @Test
  void aDisabledSdkWritesNoFile(@TempDir Path dir) {
    Path file = dir.resolve("t.jsonl");
    Map<String, String> settings = new HashMap<>();
    settings.put("otel.sdk.disabled", "true");
    Telemetry telemetry = SdkFactory.build(config(file.toString()), settings, false);
    try {
      assertThat(telemetry.tracesFile()).isNull();
      recordChat(telemetry);
    } finally {
      telemetry.shutdown(30_000);
    }
    assertThat(file).satisfiesAnyOf(
        f -> assertThat(f).doesNotExist(), f -> assertThat(f).isEmptyFile());
  }
}
