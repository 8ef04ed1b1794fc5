package dev.aiwarden.telemetry;

import static dev.aiwarden.telemetry.AttributeKeys.*;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.telemetry.audit.AuditLoss;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.Arrays;
import java.util.List;

/**
 * The agent's metrics, recorded when a call ends (or is denied). Exported with the standard
 * {@code otel.metrics.exporter} / {@code OTEL_METRICS_EXPORTER} setting (default {@code none}).
 *
 * <p>Every attribute has bounded cardinality: operation, provider, model, server, key
 * fingerprint and source, decision and rule. Prompt hashes, response ids, end-user ids and the
 * caller frame never become metric attributes.
 */
final class CallMetrics {
  /** GenAI semantic conventions: tokens per call, by {@code gen_ai.token.type}. */
  static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  /** GenAI semantic conventions: seconds per call. */
  static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  /** Policy decisions by {@code aiwarden.policy.decision} and {@code aiwarden.policy.rule}. */
  static final String POLICY_DECISIONS = "aiwarden.policy.decisions";
  /** Calls per key, by {@code aiwarden.key.fingerprint}, {@code aiwarden.key.source}, {@code aiwarden.key.kind}. */
  static final String KEY_CALLS = "aiwarden.key.calls";
  /** Spans the agent could not deliver, by {@code error.type}: {@code queue_full}, {@code export_failed}. */
  static final String SPANS_DROPPED = "aiwarden.spans.dropped";

  /** The bucket boundaries the GenAI semantic conventions advise. */
  static final List<Long> TOKEN_BUCKETS =
      Arrays.asList(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  static final List<Double> DURATION_BUCKETS =
      Arrays.asList(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  static final String TOKEN_TYPE_INPUT = "input";
  static final String TOKEN_TYPE_OUTPUT = "output";

  private final LongHistogram tokens;
  private final DoubleHistogram duration;
  private final LongCounter decisions;
  private final LongCounter keyCalls;
  private final LongCounter droppedSpans;

  CallMetrics(MeterProvider meterProvider) {
    Meter meter = meterProvider.meterBuilder(Telemetry.SCOPE_NAME).build();
    tokens =
        meter
            .histogramBuilder(TOKEN_USAGE)
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Number of input and output tokens used per AI call.")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    duration =
        meter
            .histogramBuilder(OPERATION_DURATION)
            .setUnit("s")
            .setDescription("Duration of AI calls, from the request leaving to the response (or stream) ending.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    decisions =
        meter
            .counterBuilder(POLICY_DECISIONS)
            .setUnit("{decision}")
            .setDescription("ai-warden policy decisions on AI calls.")
            .build();
    keyCalls =
        meter
            .counterBuilder(KEY_CALLS)
            .setUnit("{call}")
            .setDescription("AI calls per API key fingerprint and key source.")
            .build();
    droppedSpans =
        meter
            .counterBuilder(SPANS_DROPPED)
            .setUnit("{span}")
            .setDescription("Spans of AI calls ai-warden could not deliver to its exporters.")
            .build();
    InternalErrors.register(meter);
    AuditLoss.register(meter);
  }

  /** A call that ran (successfully or not). */
  void onEnd(AiCall call) {
    Attributes common = operationAttributes(call, CallTelemetry.errorType(call));
    ResponseInfo response = call.response;
    if (response != null) {
      Attributes base = operationAttributes(call, null);
      if (response.hasInputTokens()) {
        tokens.record(
            response.inputTokens, base.toBuilder().put(GEN_AI_TOKEN_TYPE_KEY, TOKEN_TYPE_INPUT).build());
      }
      if (response.hasOutputTokens()) {
        tokens.record(
            response.outputTokens,
            base.toBuilder().put(GEN_AI_TOKEN_TYPE_KEY, TOKEN_TYPE_OUTPUT).build());
      }
    }
    if (call.endNanoTime != 0) {
      duration.record(call.durationNanos() / 1e9, common);
    }
    recordDecisionAndKey(call);
  }

  /** A call the policy blocked before it left: no duration, no tokens. */
  void onDenied(AiCall call) {
    recordDecisionAndKey(call);
  }

  void spansDropped(long count, String reason) {
    if (count > 0) {
      droppedSpans.add(count, Attributes.of(ERROR_TYPE_KEY, reason));
    }
  }

  private void recordDecisionAndKey(AiCall call) {
    Decision d = call.decision;
    if (d != null && d.outcome() != null) {
      AttributesBuilder a = Attributes.builder();
      a.put(AIWARDEN_POLICY_DECISION_KEY, d.outcome().id());
      put(a, AIWARDEN_POLICY_RULE_KEY, d.rule());
      decisions.add(1, a.build());
    }
    AttributesBuilder k = Attributes.builder();
    ApiKey key = call.key;
    if (key != null) {
      put(k, AIWARDEN_KEY_FINGERPRINT_KEY, key.fingerprint());
      put(k, AIWARDEN_KEY_KIND_KEY, key.kind() == null ? null : key.kind().id());
    }
    put(k, AIWARDEN_KEY_SOURCE_KEY, call.keySource);
    keyCalls.add(1, k.build());
  }

  /** The GenAI conventions' attributes of a call's operation metrics. */
  static Attributes operationAttributes(AiCall call, String errorType) {
    AttributesBuilder a = Attributes.builder();
    Endpoint endpoint = call.endpoint;
    if (endpoint != null) {
      put(a, GEN_AI_OPERATION_NAME_KEY, endpoint.operation() == null ? null : endpoint.operation().id());
      put(a, GEN_AI_PROVIDER_NAME_KEY, endpoint.provider() == null ? null : endpoint.provider().id());
      put(a, SERVER_ADDRESS_KEY, endpoint.host());
      if (endpoint.port() > 0) {
        a.put(SERVER_PORT_KEY, (long) endpoint.port());
      }
      put(a, GEN_AI_REQUEST_MODEL_KEY, call.requestModel());
    }
    put(a, ERROR_TYPE_KEY, errorType);
    return a.build();
  }

  private static void put(AttributesBuilder a, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      a.put(key, value);
    }
  }
}
