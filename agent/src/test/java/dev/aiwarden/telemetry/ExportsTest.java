package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.config.AgentConfig;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Spans and metrics are built only when some exporter can receive them. */
class ExportsTest {
  @Test
  void theDefaultExportersNoneBuildNoSpansWhileATestSdkDoes() {
    Telemetry telemetry =
        SdkFactory.build(
            new AgentConfig(Collections.emptyMap(), Collections.emptyMap(), Collections.emptyMap()),
            Collections.emptyMap(),
            false);
    try {
      assertThat(Telemetry.exports(telemetry.otelConfig(), "otel.traces.exporter")).isFalse();
      assertThat(Telemetry.exports(telemetry.otelConfig(), "otel.metrics.exporter")).isFalse();
      assertThat(Telemetry.exports(null, "otel.traces.exporter")).isTrue();
      dev.aiwarden.core.AiCall call = Calls.chat();
      telemetry.callTelemetry().onStart(call);
      telemetry.callTelemetry().onEnd(Calls.answered(call, 200, Calls.chatResponse()));
      assertThat(call.span).isNull();
    } finally {
      telemetry.shutdown(1000);
    }
  }
}
