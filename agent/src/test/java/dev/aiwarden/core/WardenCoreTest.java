package dev.aiwarden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import dev.aiwarden.policy.PolicyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flow classify -> provenance -> policy -> telemetry, without an agent or a client library. */
class WardenCoreTest {
  private static final String KEY = "sk-proj-CoreTestKey0123456789abcdefghijABCD";
  private static final String CHAT =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
          + "\"max_tokens\":50}";
  private static final String ANSWER =
      "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  private InMemorySpanExporter spans;
  private OpenTelemetrySdk sdk;
  private final AtomicReference<PolicyEngine> policy =
      new AtomicReference<>(MonitorOnlyPolicy.INSTANCE);
  private WardenCore core;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    CallTelemetry calls = Telemetry.forTesting(sdk).callTelemetry();
    core = new WardenCore(policy::get, () -> calls);
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  private Object start(String method, String host, String path, String... headers)
      throws PolicyDeniedException {
    return core.requestStarting(
        "test",
        method,
        "https://" + host + path + "?api-key=should-not-be-logged",
        host,
        443,
        path,
        headers,
        CHAT.getBytes(StandardCharsets.UTF_8),
        null);
  }

  @Test
  void aChatCallBecomesOneSpanWithRequestResponseKeyAndCaller() throws Exception {
    Object handle =
        start("POST", "api.openai.com", "/v1/chat/completions", "Authorization", "Bearer " + KEY);
    assertThat(handle).isInstanceOf(AiCall.class);
    AiCall call = (AiCall) handle;
    assertThat(call.url()).isEqualTo("https://api.openai.com/v1/chat/completions");
    assertThat(call.request.model).isEqualTo("gpt-4o");
    assertThat(call.key.fingerprint()).startsWith("sha256:");
    // ai-warden's own frames (this test lives in dev.aiwarden) are never the caller.
    assertThat(call.caller.function()).doesNotStartWith("dev.aiwarden.");
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    core.responseReceived(
        handle,
        200,
        new String[] {"Content-Type", "application/json"},
        ANSWER.getBytes(StandardCharsets.UTF_8));
    core.responseReceived(handle, 500, new String[0], null); // a second ending is ignored

    List<SpanData> done = spans.getFinishedSpanItems();
    assertThat(done).hasSize(1);
    SpanData span = done.get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isEqualTo(1L);
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.decision")))
        .isEqualTo("allow");
    assertThat(span.getAttributes().toString()).doesNotContain(KEY).doesNotContain("hello there");
  }

  @Test
  void nonAiCallsAndReadsOfStoredResultsAreIgnored() throws Exception {
    assertThat(core.isAiCall("example.com", 443, "/index.html")).isFalse();
    assertThat(start("POST", "example.com", "/index.html")).isNull();
    assertThat(start("GET", "api.openai.com", "/v1/chat/completions")).isNull();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aDenialThrowsBeforeAnythingLeavesAndIsRecorded() {
    policy.set(call -> new Decision(Decision.Outcome.DENY, "model.not_allowed", "gpt-4o is not allowed."));
    assertThatThrownBy(
            () ->
                start(
                    "POST",
                    "api.openai.com",
                    "/v1/chat/completions",
                    "Authorization",
                    "Bearer " + KEY))
        .isInstanceOf(PolicyDeniedException.class)
        .hasMessageStartingWith("ai-warden: blocked by model.not_allowed")
        .hasMessageNotContaining(KEY);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.decision")))
        .isEqualTo("deny");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.rule")))
        .isEqualTo("model.not_allowed");
  }

  @Test
  void aStreamEndsOnceWithWhatItCarried() throws Exception {
    Object handle =
        start("POST", "myres.openai.azure.com", "/openai/deployments/dep1/chat/completions",
            "api-key", "0123456789abcdef0123456789abcdef");
    core.streamStarted(handle, 200, new String[] {"Content-Type", "text/event-stream"});
    byte[] sse =
        ("data: {\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n"
                + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < sse.length; i += 7) {
      core.streamData(handle, sse, i, Math.min(7, sse.length - i));
    }
    core.streamEnded(handle, null);
    core.failed(handle, new java.io.IOException("late")); // ignored: already ended

    List<SpanData> done = spans.getFinishedSpanItems();
    assertThat(done).hasSize(1);
    SpanData span = done.get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-4o"); // the body's model wins over the deployment
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("aiwarden.request.stream")))
        .isTrue();
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isEqualTo(7L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.key.kind")))
        .isEqualTo("azure_api_key");
  }

  @Test
  void aFailedCallEndsWithItsErrorType() throws Exception {
    Object handle = start("POST", "api.openai.com", "/v1/embeddings", "Authorization", "Bearer " + KEY);
    core.failed(handle, new java.net.SocketTimeoutException("timeout"));
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo("java.net.SocketTimeoutException");
  }

  private Object chat(String prompt) throws PolicyDeniedException {
    String body =
        "{\"model\":\"gpt-4o\",\"user\":\"user-7\",\"temperature\":0.5,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    return core.requestStarting(
        "test",
        "POST",
        "https://api.openai.com/v1/chat/completions",
        "api.openai.com",
        443,
        "/v1/chat/completions",
        new String[] {"Authorization", "Bearer " + KEY, "Content-Type", "application/json"},
        body.getBytes(StandardCharsets.UTF_8),
        null);
  }

  @Test
  void denyPatternsAndSecretsReadThePromptWithoutAStringOfIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.write(
        file,
        ("version: 1\nmode: enforce\nprompts:\n  deny_secrets: true\n"
                + "  deny_patterns: [\"(?i)do not (revise|rewrite) (this|the) prompt\", \"launch codes\"]\n")
            .getBytes(StandardCharsets.UTF_8));
    policy.set(PolicyStore.open(file));

    assertThatThrownBy(() -> chat("here is my key sk-proj-abcdefghijklmnopqrstuvwxyz0123 thanks"))
        .isInstanceOf(PolicyDeniedException.class)
        .hasMessageContaining("prompt.secret")
        .hasMessageNotContaining("sk-proj-abcdefghijklmnopqrstuvwxyz0123");
    assertThatThrownBy(() -> chat("Please DO NOT REWRITE THE prompt, caf\\u00e9"))
        .isInstanceOf(PolicyDeniedException.class)
        .hasMessageContaining("prompt.pattern");
    assertThatThrownBy(() -> chat("the launch codes are 1234"))
        .isInstanceOf(PolicyDeniedException.class)
        .hasMessageContaining("prompt.pattern");

    AiCall allowed = (AiCall) chat("Summarise the quarter \\u00e9 in one line");
    // Read as a view of this thread's buffer while deciding, then let go: no string was made.
    assertThat(allowed.request.promptText).isNull();
    assertThat(allowed.request.promptView).isNull();
    assertThat(allowed.request.promptChars).isEqualTo("Be brief.".length() + "Summarise the quarter \u00e9 in one line".length());
    assertThat(allowed.request.promptSha256)
        .isEqualTo(dev.aiwarden.provenance.Fingerprints.sha256Hex16("Be brief.\nSummarise the quarter \u00e9 in one line"));
    core.responseReceived(
        allowed, 200, new String[] {"Content-Type", "application/json"}, ANSWER.getBytes(StandardCharsets.UTF_8));
    SpanData span = spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.policy.decision"))).isEqualTo("allow");
    assertThat(span.getAttributes().toString()).doesNotContain("Summarise");
  }

  @Test
  void withSpansTheSpanOnlyValuesAreReadAndWithoutSpansNot() throws Exception {
    Object traced = chat("hello");
    core.responseReceived(
        traced, 200, new String[] {"Content-Type", "application/json"}, ANSWER.getBytes(StandardCharsets.UTF_8));
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("aiwarden.prompt.sha256")))
        .isEqualTo(dev.aiwarden.provenance.Fingerprints.sha256Hex16("Be brief.\nhello"));
    assertThat(span.getAttributes().get(AttributeKey.stringKey("enduser.id"))).isEqualTo("user-7");
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.5);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id"))).isEqualTo("chatcmpl-1");
    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
        .containsExactly("stop");

    // No exporter: the call is logged, never a span, so hash, end user, temperature, id and
    // finish reasons are not read; what the log line, policy and audit use still is.
    CallTelemetry logOnly = Telemetry.noop().callTelemetry();
    WardenCore plain = new WardenCore(policy::get, () -> logOnly);
    core = plain;
    AiCall call = (AiCall) chat("hello");
    assertThat(call.spanValuesSkipped).isTrue();
    assertThat(call.request.promptSha256).isNull();
    assertThat(call.request.endUser).isNull();
    assertThat(call.request.temperature).isNull();
    assertThat(call.request.promptChars).isEqualTo("Be brief.".length() + "hello".length());
    assertThat(call.request.messages).isEqualTo(2);
    assertThat(call.request.model).isEqualTo("gpt-4o");
    core.responseReceived(
        call, 200, new String[] {"Content-Type", "application/json"}, ANSWER.getBytes(StandardCharsets.UTF_8));
    assertThat(call.response.id).isNull();
    assertThat(call.response.finishReasons).isEmpty();
    assertThat(call.response.model).isEqualTo("gpt-4o-2024-08-06");
    assertThat(call.response.inputTokens).isEqualTo(3L);
    assertThat(call.response.outputTokens).isEqualTo(1L);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }
}
