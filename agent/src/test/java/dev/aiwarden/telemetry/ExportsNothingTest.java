package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.config.AgentConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** When no exporter is configured the agent starts no OpenTelemetry SDK (start-up, memory). */
class ExportsNothingTest {
  private static boolean nothing(
      Map<String, String> agentArgs, Properties properties, Map<String, String> env) {
    return Telemetry.exportsNothing(new AgentConfig(agentArgs, new HashMap<>(), env), properties, env);
  }

  @Test
  void theDefaultsExportNothing() {
    assertThat(nothing(Map.of(), new Properties(), Map.of())).isTrue();
    Properties none = new Properties();
    none.setProperty("otel.traces.exporter", " None ");
    assertThat(nothing(Map.of(), none, Map.of("OTEL_METRICS_EXPORTER", "none"))).isTrue();
  }

  @Test
  void anExporterAnywhereBuildsTheSdk() {
    Properties traces = new Properties();
    traces.setProperty("otel.traces.exporter", "otlp");
    assertThat(nothing(Map.of(), traces, Map.of())).isFalse();
    assertThat(nothing(Map.of(), new Properties(), Map.of("OTEL_METRICS_EXPORTER", "prometheus")))
        .isFalse();
    assertThat(nothing(Map.of(), new Properties(), Map.of("OTEL_LOGS_EXPORTER", "console")))
        .isFalse();
    assertThat(nothing(Map.of("otel.traces.exporter", "zipkin"), new Properties(), Map.of()))
        .isFalse();
    Properties dashes = new Properties();
    dashes.setProperty("otel-traces-exporter", "console");
    assertThat(nothing(Map.of(), dashes, Map.of())).isFalse();
    // ai-warden's own setting wins over the standard one
    assertThat(nothing(Map.of(), new Properties(), Map.of("AIWARDEN_OTEL_TRACES_EXPORTER", "otlp")))
        .isFalse();
    Properties ownNone = new Properties();
    ownNone.setProperty("otel.traces.exporter", "otlp");
    assertThat(nothing(Map.of("otel.traces.exporter", "none"), ownNone, Map.of())).isTrue();
  }

  @Test
  void aBlankValueATracesFileOrAConfigFileBuildsTheSdk() {
    Properties blank = new Properties();
    blank.setProperty("otel.traces.exporter", "");
    assertThat(nothing(Map.of(), blank, Map.of())).as("blank: autoconfigure's default, otlp").isFalse();
    assertThat(nothing(Map.of(AgentConfig.TRACES_FILE, "/tmp/t.jsonl"), new Properties(), Map.of()))
        .isFalse();
    assertThat(nothing(Map.of(), new Properties(), Map.of("OTEL_CONFIG_FILE", "/etc/otel.yaml")))
        .isFalse();
    assertThat(
            nothing(Map.of(), new Properties(), Map.of("OTEL_EXPERIMENTAL_CONFIG_FILE", "/etc/o.yaml")))
        .isFalse();
  }

  @Test
  void warmUpWithNothingToExportGivesTheLoggingNoopAtOnce() {
    Telemetry.installForTesting(null);
    try {
      Telemetry.warmUp(new AgentConfig(new HashMap<>(), new HashMap<>(), new HashMap<>()));
      Telemetry t = Telemetry.get();
      assertThat(t).isSameAs(Telemetry.noop());
      assertThat(t.callTelemetry()).isNotNull();
    } finally {
      Telemetry.installForTesting(null);
    }
  }
}
