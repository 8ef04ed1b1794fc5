package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.config.AgentConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code otel.*} settings for ai-warden alone, apart from the ones an OpenTelemetry Java agent reads. */
class OwnOtelSettingsTest {

  @Test
  void agentArgumentsSystemPropertiesAndEnvironmentInThatOrder() {
    Map<String, String> args = new HashMap<>();
    args.put("otel.exporter.otlp.protocol", "http/protobuf");
    args.put("traces.file", "/tmp/x.jsonl");
    Map<String, String> props = new HashMap<>();
    props.put("aiwarden.otel.service.name", "from-sysprop");
    props.put("aiwarden.otel.exporter.otlp.protocol", "http/json");
    props.put("otel.traces.sampler", "not-ours");
    Map<String, String> env = new HashMap<>();
    env.put("AIWARDEN_OTEL_TRACES_SAMPLER", "always_on");
    env.put("AIWARDEN_OTEL_SERVICE_NAME", "from-env");
    env.put("OTEL_TRACES_EXPORTER", "not-ours");
    env.put("AIWARDEN_LOG_LEVEL", "debug");

    Map<String, String> own = SdkFactory.ownOtelSettings(new AgentConfig(args, props, env));
    assertThat(own)
        .containsOnly(
            Map.entry("otel.exporter.otlp.protocol", "http/protobuf"),
            Map.entry("otel.service.name", "from-sysprop"),
            Map.entry("otel.traces.sampler", "always_on"));
  }

  @Test
  void ourOwnProtocolWinsOverAGrpcSettingMeantForTheJavaAgent() {
    System.setProperty("otel.exporter.otlp.protocol", "grpc");
    System.setProperty("otel.traces.exporter", "otlp");
    try {
      Map<String, String> args = new HashMap<>();
      args.put("otel.exporter.otlp.protocol", "http/protobuf");
      Telemetry t = SdkFactory.buildOrNoop(new AgentConfig(args, new HashMap<>(), new HashMap<>()));
      try {
        assertThat(t.isNoop()).isFalse();
        assertThat(t.otelConfig().getString("otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
      } finally {
        t.shutdown(2_000);
      }
    } finally {
      System.clearProperty("otel.exporter.otlp.protocol");
      System.clearProperty("otel.traces.exporter");
    }
  }
}
