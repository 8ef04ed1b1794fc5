package dev.aiwarden.telemetry;

import static dev.aiwarden.telemetry.AttributeKeys.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointKind;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.classify.Provider;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.KeyKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallTelemetryTest {
  private InMemorySpanExporter exporter;
  private OpenTelemetrySdk sdk;
  private CallTelemetry calls;

  @BeforeEach
  void setUp() {
    exporter = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    calls = Telemetry.forTesting(sdk).callTelemetry();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  private SpanData onlySpan() {
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void chatCallHasNameKindTimesAndEveryKnownAttribute() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    assertThat(call.span).isInstanceOf(Span.class);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();

    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("ai-warden");
    assertThat(span.getStartEpochNanos()).isEqualTo(Calls.START_EPOCH_NANOS);
    assertThat(span.getEndEpochNanos())
        .isEqualTo(Calls.START_EPOCH_NANOS + TimeUnit.MILLISECONDS.toNanos(412));
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getParentSpanContext().isValid()).isFalse();

    assertThat(span.getAttributes().asMap())
        .containsEntry(GEN_AI_OPERATION_NAME_KEY, "chat")
        .containsEntry(GEN_AI_PROVIDER_NAME_KEY, "openai")
        .containsEntry(GEN_AI_REQUEST_MODEL_KEY, "gpt-4o")
        .containsEntry(GEN_AI_REQUEST_MAX_TOKENS_KEY, 256L)
        .containsEntry(GEN_AI_REQUEST_TEMPERATURE_KEY, 0.2)
        .containsEntry(GEN_AI_REQUEST_CHOICE_COUNT_KEY, 1L)
        .containsEntry(GEN_AI_RESPONSE_MODEL_KEY, "gpt-4o-2024-08-06")
        .containsEntry(GEN_AI_RESPONSE_ID_KEY, "chatcmpl-123")
        .containsEntry(GEN_AI_RESPONSE_FINISH_REASONS_KEY, Arrays.asList("stop"))
        .containsEntry(GEN_AI_USAGE_INPUT_TOKENS_KEY, 12L)
        .containsEntry(GEN_AI_USAGE_OUTPUT_TOKENS_KEY, 40L)
        .containsEntry(SERVER_ADDRESS_KEY, "api.openai.com")
        .containsEntry(SERVER_PORT_KEY, 443L)
        .containsEntry(HTTP_RESPONSE_STATUS_CODE_KEY, 200L)
        .containsEntry(CODE_FUNCTION_NAME_KEY, "com.acme.App.main")
        .containsEntry(CODE_FILE_PATH_KEY, "App.java")
        .containsEntry(CODE_LINE_NUMBER_KEY, 42L)
        .containsEntry(AIWARDEN_ENDPOINT_KIND_KEY, "openai")
        .containsEntry(AIWARDEN_CLIENT_KEY, "okhttp")
        .containsEntry(AIWARDEN_KEY_KIND_KEY, "openai_api_key")
        .containsEntry(AIWARDEN_KEY_FINGERPRINT_KEY, "sha256:0123456789abcdef")
        .containsEntry(AIWARDEN_KEY_HINT_KEY, "...WXYZ")
        .containsEntry(AIWARDEN_KEY_SOURCE_KEY, "env:OPENAI_API_KEY")
        .containsEntry(AIWARDEN_PROMPT_CHARS_KEY, (long) Calls.PROMPT.length())
        .containsEntry(AIWARDEN_PROMPT_MESSAGES_KEY, 2L)
        .containsEntry(AIWARDEN_PROMPT_SHA256_KEY, "00112233aabbccdd")
        .containsEntry(ENDUSER_ID_KEY, "user-42")
        .containsEntry(AIWARDEN_POLICY_DECISION_KEY, "allow");
    assertThat(span.getAttributes().asMap())
        .doesNotContainKeys(
            ERROR_TYPE_KEY,
            AIWARDEN_REQUEST_STREAM_KEY,
            AIWARDEN_CONTENT_FILTER_BLOCKED_KEY,
            AIWARDEN_CONTENT_FILTER_CATEGORIES_KEY,
            AIWARDEN_IMAGE_PROMPT_REVISED_KEY,
            AIWARDEN_IMAGE_SIZE_KEY,
            AIWARDEN_KEY_ENTRA_TENANT_ID_KEY,
            AIWARDEN_KEY_ENTRA_APP_ID_KEY,
            AIWARDEN_POLICY_RULE_KEY,
            AIWARDEN_POLICY_REASON_KEY);
  }

  @Test
  void aCallStartedWhileNoSpansWereRecordedGetsNoneAtItsEnd() {
    // (telemetry not ready when the call started: read without the values only spans show)
    AiCall call = Calls.chat();
    call.spanValuesSkipped = true;
    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    AiCall started = Calls.chat(); // one whose start failed or was skipped is still recorded
    calls.onEnd(Calls.answered(started, 200, Calls.chatResponse()));
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(calls.recordsSpans()).isTrue();
    assertThat(Telemetry.noop().callTelemetry().recordsSpans()).isFalse();
  }

  @Test
  void requestAttributesAreThereAtStartForSamplers() {
    AiCall call = Calls.chat();
    assertThat(CallTelemetry.requestAttributes(call).asMap())
        .containsEntry(GEN_AI_REQUEST_MODEL_KEY, "gpt-4o")
        .containsEntry(AIWARDEN_KEY_FINGERPRINT_KEY, "sha256:0123456789abcdef")
        .doesNotContainKey(HTTP_RESPONSE_STATUS_CODE_KEY);
  }

  @Test
  void unknownValuesAreAbsentNotPlaceholders() {
    Endpoint endpoint =
        new Endpoint(
            EndpointKind.OPENAI_COMPATIBLE, null, Operation.EMBEDDINGS, "llm.internal", -1, null);
    AiCall call = Calls.bare(endpoint);
    calls.onStart(call);
    call.endNanoTime = call.startNanoTime + 1_000_000;
    calls.onEnd(call);

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("embeddings");
    assertThat(span.getAttributes().asMap())
        .containsOnlyKeys(
            GEN_AI_OPERATION_NAME_KEY,
            AIWARDEN_ENDPOINT_KIND_KEY,
            SERVER_ADDRESS_KEY,
            AIWARDEN_CLIENT_KEY,
            AIWARDEN_POLICY_DECISION_KEY);
  }

  @Test
  void emptyRequestBodyGivesNoPromptOrModelAttributes() {
    AiCall call =
        new AiCall(
            "okhttp", Calls.openAiChat(), "POST", null, new RequestInfo(), ApiKey.NONE, null,
            null, Calls.START_EPOCH_NANOS, Calls.START_NANO_TIME);
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, new ResponseInfo()));

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("chat");
    assertThat(span.getAttributes().asMap())
        .doesNotContainKeys(
            GEN_AI_REQUEST_MODEL_KEY,
            AIWARDEN_PROMPT_CHARS_KEY,
            AIWARDEN_PROMPT_MESSAGES_KEY,
            AIWARDEN_PROMPT_SHA256_KEY,
            GEN_AI_RESPONSE_FINISH_REASONS_KEY,
            GEN_AI_USAGE_INPUT_TOKENS_KEY,
            AIWARDEN_KEY_FINGERPRINT_KEY)
        .containsEntry(AIWARDEN_KEY_KIND_KEY, "none");
  }

  @Test
  void azureDeploymentIsTheModelWhenTheBodyHasNone() {
    Endpoint endpoint =
        new Endpoint(
            EndpointKind.AZURE_OPENAI,
            Provider.AZURE_OPENAI,
            Operation.CHAT,
            "myres.openai.azure.com",
            443,
            "prod-gpt4o");
    ApiKey entra =
        new ApiKey(KeyKind.ENTRA_ID_TOKEN, "eyJ.secret.token", "sha256:fedcba9876543210", null,
            "tenant-1", "app-2");
    AiCall call =
        new AiCall("azure-core", endpoint, "POST", null, new RequestInfo(), entra, "entra_id",
            null, Calls.START_EPOCH_NANOS, Calls.START_NANO_TIME);
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, null));

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("chat prod-gpt4o");
    assertThat(span.getAttributes().asMap())
        .containsEntry(GEN_AI_PROVIDER_NAME_KEY, "azure.ai.openai")
        .containsEntry(AIWARDEN_ENDPOINT_KIND_KEY, "azure_openai")
        .containsEntry(GEN_AI_REQUEST_MODEL_KEY, "prod-gpt4o")
        .containsEntry(AIWARDEN_KEY_KIND_KEY, "entra_id_token")
        .containsEntry(AIWARDEN_KEY_SOURCE_KEY, "entra_id")
        .containsEntry(AIWARDEN_KEY_ENTRA_TENANT_ID_KEY, "tenant-1")
        .containsEntry(AIWARDEN_KEY_ENTRA_APP_ID_KEY, "app-2");
  }

  @Test
  void imagePromptRevisedRules() {
    assertThat(revisedAttribute(null, 0)).isNull();
    assertThat(revisedAttribute(0, 0)).isNull();
    assertThat(revisedAttribute(2, 0)).isFalse();
    assertThat(revisedAttribute(2, 1)).isTrue();
    assertThat(revisedAttribute(1, 1)).isTrue();
  }

  private Boolean revisedAttribute(Integer images, int revised) {
    exporter.reset();
    Endpoint endpoint =
        new Endpoint(
            EndpointKind.OPENAI, Provider.OPENAI, Operation.IMAGE_GENERATION, "api.openai.com",
            443, null);
    RequestInfo request = new RequestInfo();
    request.model = "dall-e-3";
    request.imageSize = "1024x1024";
    request.n = 1;
    AiCall call =
        new AiCall("okhttp", endpoint, "POST", null, request, Calls.openAiKey(), null, null,
            Calls.START_EPOCH_NANOS, Calls.START_NANO_TIME);
    ResponseInfo response = new ResponseInfo();
    response.images = images;
    response.imagesRevised = revised;
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, response));
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("image_generation dall-e-3");
    assertThat(span.getAttributes().get(AIWARDEN_IMAGE_SIZE_KEY)).isEqualTo("1024x1024");
    return span.getAttributes().get(AIWARDEN_IMAGE_PROMPT_REVISED_KEY);
  }

  @Test
  void httpErrorSetsErrorStatusAndType() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    ResponseInfo response = new ResponseInfo();
    response.errorCode = "rate_limit_exceeded";
    calls.onEnd(Calls.answered(call, 429, response));

    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("429 rate_limit_exceeded");
    assertThat(span.getAttributes().get(ERROR_TYPE_KEY)).isEqualTo("429");
    assertThat(span.getAttributes().get(HTTP_RESPONSE_STATUS_CODE_KEY)).isEqualTo(429L);
  }

  @Test
  void httpErrorWithoutErrorTypeFromTheHookStillGetsOne() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    call.status = 503;
    call.endNanoTime = call.startNanoTime + 10;
    calls.onEnd(call);
    assertThat(onlySpan().getAttributes().get(ERROR_TYPE_KEY)).isEqualTo("503");
    assertThat(onlySpan().getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void exceptionSetsErrorStatusWithoutStatusCode() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    call.errorType = "java.net.SocketTimeoutException";
    call.endNanoTime = call.startNanoTime + TimeUnit.SECONDS.toNanos(30);
    calls.onEnd(call);

    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(ERROR_TYPE_KEY))
        .isEqualTo("java.net.SocketTimeoutException");
    assertThat(span.getAttributes().asMap()).doesNotContainKey(HTTP_RESPONSE_STATUS_CODE_KEY);
    assertThat(CallTelemetry.line(call, false))
        .startsWith("chat gpt-4o -> java.net.SocketTimeoutException openai api.openai.com");
  }

  @Test
  void streamIsRecordedOnlyWhenTrue() {
    AiCall call = Calls.chat();
    call.request.stream = true;
    calls.onStart(call);
    call.streamed = true;
    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    assertThat(onlySpan().getAttributes().get(AIWARDEN_REQUEST_STREAM_KEY)).isTrue();
    assertThat(CallTelemetry.line(call, false)).contains(" 412ms stream ");
  }

  @Test
  void contentFilterBlockedAndCategories() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    ResponseInfo response = new ResponseInfo();
    response.contentFilterBlocked = true;
    response.addContentFilterCategory("violence");
    response.addContentFilterCategory("jailbreak");
    response.errorCode = "content_filter";
    calls.onEnd(Calls.answered(call, 400, response));

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(AIWARDEN_CONTENT_FILTER_BLOCKED_KEY)).isTrue();
    assertThat(span.getAttributes().get(AIWARDEN_CONTENT_FILTER_CATEGORIES_KEY))
        .containsExactly("jailbreak", "violence");
    assertThat(CallTelemetry.line(call, false))
        .contains("-> 400 openai")
        .contains(" content_filter=blocked(jailbreak,violence) ");
  }

  @Test
  void detectedButNotBlockedCategoriesHaveNoBlockedAttribute() {
    AiCall call = Calls.chat();
    calls.onStart(call);
    ResponseInfo response = Calls.chatResponse();
    response.addContentFilterCategory("self_harm");
    calls.onEnd(Calls.answered(call, 200, response));
    assertThat(onlySpan().getAttributes().asMap())
        .doesNotContainKey(AIWARDEN_CONTENT_FILTER_BLOCKED_KEY)
        .containsEntry(AIWARDEN_CONTENT_FILTER_CATEGORIES_KEY, Arrays.asList("self_harm"));
    assertThat(CallTelemetry.line(call, false)).contains(" content_filter=detected(self_harm) ");
  }

  @Test
  void deniedCallGetsAnEndedErrorSpan() {
    AiCall call = Calls.chat();
    call.decision =
        new Decision(
            Decision.Outcome.DENY, "model.not_allowed", "Model gpt-4o is not in models.allow.");
    call.endNanoTime = call.startNanoTime + 50_000;
    calls.onDenied(call);

    SpanData span = onlySpan();
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("blocked by model.not_allowed");
    assertThat(span.getEndEpochNanos()).isEqualTo(Calls.START_EPOCH_NANOS + 50_000);
    assertThat(span.getAttributes().asMap())
        .containsEntry(ERROR_TYPE_KEY, "ai_warden.policy_denied")
        .containsEntry(AIWARDEN_POLICY_DECISION_KEY, "deny")
        .containsEntry(AIWARDEN_POLICY_RULE_KEY, "model.not_allowed")
        .containsEntry(AIWARDEN_POLICY_REASON_KEY, "Model gpt-4o is not in models.allow.")
        .doesNotContainKey(HTTP_RESPONSE_STATUS_CODE_KEY);
    assertThat(CallTelemetry.line(call, true))
        .isEqualTo(
            "chat gpt-4o -> blocked openai api.openai.com key=sha256:0123456789abcdef"
                + " (env:OPENAI_API_KEY) caller=com.acme.App.main(App.java:42)"
                + " policy=deny rule=model.not_allowed (Model gpt-4o is not in models.allow.)");
  }

  @Test
  void wouldDenyIsRecordedOnANormalSpan() {
    AiCall call = Calls.chat();
    call.decision =
        new Decision(Decision.Outcome.WOULD_DENY, "key.source_not_allowed", "Key from env.");
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    SpanData span = onlySpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().asMap())
        .containsEntry(AIWARDEN_POLICY_DECISION_KEY, "would_deny")
        .containsEntry(AIWARDEN_POLICY_RULE_KEY, "key.source_not_allowed");
  }

  @Test
  void endWithoutStartStillRecordsAndSecondEndIsIgnored() {
    AiCall call = Calls.answered(Calls.chat(), 200, Calls.chatResponse());
    calls.onEnd(call);
    calls.onEnd(call);
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getAttributes().get(HTTP_RESPONSE_STATUS_CODE_KEY)).isEqualTo(200L);
  }

  @Test
  void readableLineOfTheContractExample() {
    AiCall call = Calls.answered(Calls.chat(), 200, Calls.chatResponse());
    assertThat(CallTelemetry.line(call, false))
        .isEqualTo(
            "chat gpt-4o -> 200 openai api.openai.com key=sha256:0123456789abcdef"
                + " (env:OPENAI_API_KEY) caller=com.acme.App.main(App.java:42) tokens=12/40 412ms"
                + " policy=allow");
  }

  @Test
  void readableLineOfAnAlmostUnknownCall() {
    Endpoint endpoint =
        new Endpoint(
            EndpointKind.OPENAI_COMPATIBLE, null, Operation.EMBEDDINGS, "llm.internal", 8080,
            null);
    AiCall call = Calls.bare(endpoint);
    assertThat(CallTelemetry.line(call, false))
        .isEqualTo("embeddings -> no response openai_compatible llm.internal:8080 key=none"
            + " policy=allow");
  }

  @Test
  void neitherTheKeyNorThePromptAppearAnywhere() {
    AiCall call = Calls.chat();
    call.decision = new Decision(Decision.Outcome.WOULD_DENY, "prompt.secret", "A key in the prompt.");
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    String everything = onlySpan().toString() + "\n" + CallTelemetry.line(call, false);
    assertThat(everything)
        .contains("sha256:0123456789abcdef")
        .doesNotContain(Calls.SECRET)
        .doesNotContain(Calls.SECRET.substring(8, 28))
        .doesNotContain(Calls.PROMPT)
        .doesNotContain("Zanzibar");
  }

  @Test
  void aFailingTracerNeverReachesTheCaller() {
    Tracer broken = mock(Tracer.class);
    when(broken.spanBuilder(anyString())).thenThrow(new IllegalStateException("boom"));
    CallTelemetry recorder = new CallTelemetry(broken);
    AiCall call = Calls.answered(Calls.chat(), 200, Calls.chatResponse());
    long before = AgentLog.internalErrorCount();

    assertThatCode(() -> recorder.onStart(call)).doesNotThrowAnyException();
    assertThatCode(() -> recorder.onEnd(call)).doesNotThrowAnyException();
    assertThatCode(() -> recorder.onDenied(call)).doesNotThrowAnyException();
    assertThat(AgentLog.internalErrorCount()).isGreaterThanOrEqualTo(before + 3);
  }

  @Test
  void noopTelemetryStillAcceptsCalls() {
    CallTelemetry noop = Telemetry.noop().callTelemetry();
    AiCall call = Calls.chat();
    assertThatCode(
            () -> {
              noop.onStart(call);
              noop.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
            })
        .doesNotThrowAnyException();
    assertThat(Telemetry.noop().isNoop()).isTrue();
  }

  @Test
  void attributeNamesAreTheContractsOwn() {
    List<AttributeKey<?>> keys =
        Arrays.asList(
            GEN_AI_OPERATION_NAME_KEY, GEN_AI_PROVIDER_NAME_KEY, GEN_AI_REQUEST_CHOICE_COUNT_KEY,
            AIWARDEN_KEY_ENTRA_TENANT_ID_KEY, AIWARDEN_IMAGE_PROMPT_REVISED_KEY, ENDUSER_ID_KEY);
    assertThat(keys)
        .extracting(AttributeKey::getKey)
        .containsExactly(
            "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.choice.count",
            "aiwarden.key.entra.tenant_id", "aiwarden.image.prompt_revised", "enduser.id");
  }

  @Test
  void promptCaptureNoneDropsTheHashAndFullAddsTheText() {
    AiCall none = Calls.chat();
    none.decision = new dev.aiwarden.policy.Decision(dev.aiwarden.policy.Decision.Outcome.ALLOW, null,
        null, dev.aiwarden.policy.PromptCapture.NONE, null);
    calls.onStart(none);
    calls.onEnd(Calls.answered(none, 200, Calls.chatResponse()));
    assertThat(onlySpan().getAttributes().asMap())
        .doesNotContainKeys(AIWARDEN_PROMPT_SHA256_KEY, AIWARDEN_PROMPT_TEXT_KEY)
        .containsKey(AIWARDEN_PROMPT_CHARS_KEY);
    exporter.reset();

    AiCall full = Calls.chat();
    full.decision = new dev.aiwarden.policy.Decision(dev.aiwarden.policy.Decision.Outcome.ALLOW, null,
        null, dev.aiwarden.policy.PromptCapture.FULL, null);
    calls.onStart(full);
    calls.onEnd(Calls.answered(full, 200, Calls.chatResponse()));
    assertThat(onlySpan().getAttributes().asMap())
        .containsEntry(AIWARDEN_PROMPT_TEXT_KEY, Calls.PROMPT)
        .containsEntry(AIWARDEN_PROMPT_SHA256_KEY, "00112233aabbccdd");
  }

  @Test
  void aRefusedPolicyEditIsASpanEvent() {
    AiCall call = Calls.chat();
    call.decision = new dev.aiwarden.policy.Decision(dev.aiwarden.policy.Decision.Outcome.ALLOW, null,
        null, dev.aiwarden.policy.PromptCapture.HASH, "/etc/p.yaml:3:5: unknown key \"modles\"");
    calls.onStart(call);
    calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
    SpanData span = onlySpan();
    assertThat(span.getEvents()).hasSize(1);
    assertThat(span.getEvents().get(0).getName()).isEqualTo("aiwarden.policy.reload_failed");
    assertThat(span.getEvents().get(0).getAttributes().get(AIWARDEN_POLICY_ERROR_KEY))
        .isEqualTo("/etc/p.yaml:3:5: unknown key \"modles\"");
  }
}
