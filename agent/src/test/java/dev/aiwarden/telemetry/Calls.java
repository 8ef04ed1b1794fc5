package dev.aiwarden.telemetry;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointKind;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.classify.Provider;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.KeyKind;
import java.util.concurrent.TimeUnit;

/** Hand-built AI calls for the telemetry tests. */
final class Calls {
  /** A made-up OpenAI-looking key: must never appear in any output. */
  static final String SECRET = "sk-proj-LEAKCANARY0123456789abcdefWXYZ";
  /** A prompt that must never appear in any output. */
  static final String PROMPT = "PROMPT-CANARY: summarise the quarterly numbers for Zanzibar";

  /** 2026-01-02T03:04:05.123456789Z */
  static final long START_EPOCH_NANOS = 1_767_323_045_123_456_789L;
  static final long START_NANO_TIME = 5_000_000_000L;

  private Calls() {}

  static ApiKey openAiKey() {
    return new ApiKey(
        KeyKind.OPENAI_API_KEY, SECRET, "sha256:0123456789abcdef", "...WXYZ", null, null);
  }

  static Endpoint openAiChat() {
    return new Endpoint(
        EndpointKind.OPENAI, Provider.OPENAI, Operation.CHAT, "api.openai.com", 443, null);
  }

  static RequestInfo chatRequest() {
    RequestInfo r = new RequestInfo();
    r.model = "gpt-4o";
    r.messages = 2;
    r.promptChars = PROMPT.length();
    r.promptSha256 = "00112233aabbccdd";
    r.promptText = PROMPT;
    r.maxTokens = 256L;
    r.temperature = 0.2;
    r.n = 1;
    r.endUser = "user-42";
    return r;
  }

  /** A complete, successful OpenAI chat call of 412 ms. */
  static AiCall chat() {
    AiCall call =
        new AiCall(
            "okhttp",
            openAiChat(),
            "POST",
            "https://api.openai.com/v1/chat/completions",
            chatRequest(),
            openAiKey(),
            "env:OPENAI_API_KEY",
            new Caller("com.acme.App.main", "App.java", 42),
            START_EPOCH_NANOS,
            START_NANO_TIME);
    return call;
  }

  static ResponseInfo chatResponse() {
    ResponseInfo r = new ResponseInfo();
    r.id = "chatcmpl-123";
    r.model = "gpt-4o-2024-08-06";
    r.inputTokens = 12L;
    r.outputTokens = 40L;
    r.addFinishReason("stop");
    return r;
  }

  /** Marks a call answered with {@code status} after 412 ms. */
  static AiCall answered(AiCall call, int status, ResponseInfo response) {
    call.status = status;
    call.response = response;
    call.endNanoTime = call.startNanoTime + TimeUnit.MILLISECONDS.toNanos(412);
    if (status >= 400) {
      call.errorType = String.valueOf(status);
    }
    return call;
  }

  /** A call about which nearly nothing is known. */
  static AiCall bare(Endpoint endpoint) {
    return new AiCall(
        "azure-core", endpoint, "POST", null, null, null, null, null, START_EPOCH_NANOS,
        START_NANO_TIME);
  }
}
