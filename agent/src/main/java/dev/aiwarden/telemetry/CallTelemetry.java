package dev.aiwarden.telemetry;

import static dev.aiwarden.telemetry.AttributeKeys.*;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.core.TestFaults;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.policy.PromptCapture;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.KeyKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Records AI calls: one CLIENT span per call, named {@code {gen_ai.operation.name}
 * {gen_ai.request.model}}, and one readable log line, e.g.
 *
 * <pre>
 * [ai-warden] INFO chat gpt-4o -&gt; 200 openai api.openai.com key=sha256:0123456789abcdef (env:OPENAI_API_KEY) caller=com.acme.App.main(App.java:42) tokens=12/40 412ms policy=allow
 * </pre>
 *
 * <p>Attributes are set only when known, never as placeholders. The raw key is never read here;
 * the prompt text only when the policy says {@code prompts.capture: full}. Every method catches everything: a telemetry failure is logged once
 * ({@link AgentLog#errorOnce}) and never reaches the application.
 */
public final class CallTelemetry {
  /** Null when no span can be received (no traces exporter, no {@code traces.file}): no spans. */
  private final Tracer tracer;
  /** Null for the no-op telemetry. */
  private final CallMetrics metrics;
  private volatile Logger log;

  CallTelemetry(Tracer tracer) {
    this(tracer, null);
  }

  CallTelemetry(Tracer tracer, CallMetrics metrics) {
    this.tracer = tracer;
    this.metrics = metrics;
  }

  /**
   * Whether calls get spans (an exporter or {@code traces.file} is set): without, the values only
   * a span shows need not be read.
   */
  public boolean recordsSpans() {
    return tracer != null;
  }

  /** The call was let through: starts its span (stored in {@code call.span}). */
  public void onStart(AiCall call) {
    if (tracer == null) {
      return;
    }
    try {
      TestFaults.at(TestFaults.TELEMETRY);
      startSpan(call);
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.onStart", "ai-warden could not start the span of an AI call", t);
    }
  }

  /** The call's response (or stream, or failure) is complete: ends its span, logs its line. */
  public void onEnd(AiCall call) {
    try {
      if (tracer != null) {
        endSpan(call);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.onEnd", "ai-warden could not end the span of an AI call", t);
    }
    try {
      if (metrics != null) {
        metrics.onEnd(call);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.metrics", "ai-warden could not record the metrics of an AI call", t);
    }
    try {
      Logger l = logger();
      if (isWouldDeny(call)) {
        if (l.isWarnEnabled()) {
          emit(l, "WARN", call, false);
        }
      } else if (l.isInfoEnabled()) {
        emit(l, "INFO", call, false);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.log", "ai-warden could not log an AI call", t);
    }
  }

  /** The policy blocked the call before it left: a span ended at once, and a WARN line. */
  public void onDenied(AiCall call) {
    try {
      Span span = tracer == null ? null : existingSpan(call);
      if (span == null && tracer != null) {
        span = startSpan(call);
      }
      if (span != null && !hasEnded(span)) {
        putPolicy(new ToSpan(span), call.decision);
        span.setAttribute(ERROR_TYPE_KEY, ERROR_TYPE_POLICY_DENIED);
        Decision d = call.decision;
        span.setStatus(
            StatusCode.ERROR,
            "blocked by " + (d == null || d.rule() == null ? "policy" : d.rule()));
        end(span, call);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.onDenied", "ai-warden could not record a denied AI call", t);
    }
    try {
      if (metrics != null) {
        metrics.onDenied(call);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.metrics", "ai-warden could not record the metrics of an AI call", t);
    }
    try {
      Logger l = logger();
      if (l.isWarnEnabled()) {
        emit(l, "WARN", call, true);
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.log", "ai-warden could not log an AI call", t);
    }
  }

  // --- Spans ----------------------------------------------------------------------------------

  Span startSpan(AiCall call) {
    SpanBuilder builder =
        tracer.spanBuilder(spanName(call)).setSpanKind(SpanKind.CLIENT).setParent(parentContext());
    putRequest(new ToSpanBuilder(builder), call); // straight onto the builder: no Attributes copy
    if (call.startEpochNanos > 0) {
      builder.setStartTimestamp(call.startEpochNanos, TimeUnit.NANOSECONDS);
    }
    Span span = builder.startSpan();
    call.span = span;
    Decision decision = call.decision;
    if (decision != null && decision.policyError() != null) {
      span.addEvent(
          EVENT_POLICY_RELOAD_FAILED,
          Attributes.of(AIWARDEN_POLICY_ERROR_KEY, decision.policyError()));
    }
    return span;
  }

  /**
   * The parent of a call's span: the agent's own current context when it has a span (tests),
   * else the application's active span ({@link ApplicationSpan}), else none (a new trace).
   */
  static Context parentContext() {
    Context current = Context.current();
    if (Span.fromContext(current).getSpanContext().isValid()) {
      return current;
    }
    SpanContext application = ApplicationSpan.current();
    return application == null ? current : current.with(Span.wrap(application));
  }

  private void endSpan(AiCall call) {
    Span span = existingSpan(call);
    if (span == null) {
      if (call.spanValuesSkipped) {
        return; // started while telemetry recorded no spans (not ready yet): logged, no span
      }
      span = startSpan(call); // onStart failed or was skipped: still record the call
    }
    if (hasEnded(span)) {
      return;
    }
    Sink onSpan = new ToSpan(span);
    putResponse(onSpan, call);
    putPolicy(onSpan, call.decision); // the policy may have revised it on completion
    String errorType = errorType(call);
    if (errorType != null) {
      span.setStatus(StatusCode.ERROR, statusDescription(call, errorType));
    }
    end(span, call);
  }

  private static Span existingSpan(AiCall call) {
    Object s = call.span;
    return s instanceof Span ? (Span) s : null;
  }

  private static boolean hasEnded(Span span) {
    return span instanceof ReadableSpan && ((ReadableSpan) span).hasEnded();
  }

  private static void end(Span span, AiCall call) {
    if (call.startEpochNanos > 0) {
      span.end(endEpochNanos(call), TimeUnit.NANOSECONDS);
    } else {
      span.end();
    }
  }

  /** The start epoch plus the monotonic duration (now, for a call not yet marked ended). */
  static long endEpochNanos(AiCall call) {
    long end = call.endNanoTime != 0 ? call.endNanoTime : System.nanoTime();
    return call.startEpochNanos + Math.max(0, end - call.startNanoTime);
  }

  static String spanName(AiCall call) {
    String operation = operation(call);
    String model = model(call);
    String name = operation == null ? "ai" : operation;
    return model == null ? name : name + " " + model;
  }

  /** Everything known when the request leaves: set at span start, so samplers can see it. */
  static Attributes requestAttributes(AiCall call) {
    AttributesBuilder b = Attributes.builder();
    putRequest(new ToBuilder(b), call);
    return b.build();
  }

  private static void putRequest(Sink a, AiCall call) {
    a.put(GEN_AI_OPERATION_NAME_KEY, operation(call));
    Endpoint endpoint = call.endpoint;
    if (endpoint != null) {
      a.put(GEN_AI_PROVIDER_NAME_KEY, endpoint.provider() == null ? null : endpoint.provider().id());
      a.put(AIWARDEN_ENDPOINT_KIND_KEY, endpoint.kind() == null ? null : endpoint.kind().id());
      a.put(SERVER_ADDRESS_KEY, endpoint.host());
      if (endpoint.port() > 0) {
        a.set(SERVER_PORT_KEY, (long) endpoint.port());
      }
    }
    a.put(GEN_AI_REQUEST_MODEL_KEY, model(call));
    a.put(AIWARDEN_CLIENT_KEY, call.client);

    RequestInfo request = call.request;
    if (request != null) {
      a.put(GEN_AI_REQUEST_MAX_TOKENS_KEY, request.maxTokens);
      a.put(GEN_AI_REQUEST_TEMPERATURE_KEY, request.temperature);
      if (request.n != null) {
        a.set(GEN_AI_REQUEST_CHOICE_COUNT_KEY, request.n.longValue());
      }
      a.put(AIWARDEN_IMAGE_SIZE_KEY, request.imageSize);
      a.put(ENDUSER_ID_KEY, request.endUser);
      if (request.stream) {
        a.set(AIWARDEN_REQUEST_STREAM_KEY, true);
      }
      if (promptKnown(request)) {
        a.set(AIWARDEN_PROMPT_CHARS_KEY, request.promptChars);
      }
      if (request.messages != null) {
        a.set(AIWARDEN_PROMPT_MESSAGES_KEY, request.messages.longValue());
      }
      PromptCapture capture = call.decision == null ? PromptCapture.HASH : call.decision.capture();
      if (capture != PromptCapture.NONE) {
        a.put(AIWARDEN_PROMPT_SHA256_KEY, request.promptSha256);
      }
      if (capture == PromptCapture.FULL) {
        a.put(AIWARDEN_PROMPT_TEXT_KEY, request.promptText);
      }
    }

    Caller caller = call.caller;
    if (caller != null) {
      a.put(CODE_FUNCTION_NAME_KEY, caller.function());
      a.put(CODE_FILE_PATH_KEY, caller.file());
      if (caller.line() > 0) {
        a.set(CODE_LINE_NUMBER_KEY, (long) caller.line());
      }
    }

    ApiKey key = call.key;
    if (key != null) {
      a.put(AIWARDEN_KEY_KIND_KEY, key.kind() == null ? null : key.kind().id());
      a.put(AIWARDEN_KEY_FINGERPRINT_KEY, key.fingerprint());
      a.put(AIWARDEN_KEY_HINT_KEY, key.hint());
      a.put(AIWARDEN_KEY_ENTRA_TENANT_ID_KEY, key.entraTenantId());
      a.put(AIWARDEN_KEY_ENTRA_APP_ID_KEY, key.entraAppId());
    }
    a.put(AIWARDEN_KEY_SOURCE_KEY, call.keySource);

    putPolicy(a, call.decision);
  }

  /** Everything the response told. */
  static Attributes responseAttributes(AiCall call) {
    AttributesBuilder b = Attributes.builder();
    putResponse(new ToBuilder(b), call);
    return b.build();
  }

  private static void putResponse(Sink a, AiCall call) {
    ResponseInfo response = call.response;
    if (response != null) {
      a.put(GEN_AI_RESPONSE_ID_KEY, response.id);
      a.put(GEN_AI_RESPONSE_MODEL_KEY, response.model);
      a.put(GEN_AI_USAGE_INPUT_TOKENS_KEY, response.inputTokensOrNull());
      a.put(GEN_AI_USAGE_OUTPUT_TOKENS_KEY, response.outputTokensOrNull());
      if (!response.finishReasons.isEmpty()) {
        a.set(GEN_AI_RESPONSE_FINISH_REASONS_KEY, new ArrayList<>(response.finishReasons));
      }
      if (response.contentFilterBlocked) {
        a.set(AIWARDEN_CONTENT_FILTER_BLOCKED_KEY, true);
      }
      if (!response.contentFilterCategories.isEmpty()) {
        a.set(
            AIWARDEN_CONTENT_FILTER_CATEGORIES_KEY,
            new ArrayList<>(response.contentFilterCategories));
      }
      Boolean revised = promptRevised(response);
      if (revised != null) {
        a.set(AIWARDEN_IMAGE_PROMPT_REVISED_KEY, revised);
      }
    }
    if (call.status > 0) {
      a.set(HTTP_RESPONSE_STATUS_CODE_KEY, (long) call.status);
    }
    if (call.streamed) {
      a.set(AIWARDEN_REQUEST_STREAM_KEY, true);
    }
    a.put(ERROR_TYPE_KEY, errorType(call));
  }

  /**
   * {@code aiwarden.image.prompt_revised}: for an image response with at least one image, whether
   * any came back with a revised prompt; null (absent) for anything else.
   */
  static Boolean promptRevised(ResponseInfo response) {
    if (response.images == null || response.images <= 0) {
      return null;
    }
    return response.imagesRevised > 0;
  }

  private static void putPolicy(Sink a, Decision decision) {
    if (decision == null) {
      return;
    }
    a.put(AIWARDEN_POLICY_DECISION_KEY, decision.outcome() == null ? null : decision.outcome().id());
    a.put(AIWARDEN_POLICY_RULE_KEY, decision.rule());
    a.put(AIWARDEN_POLICY_REASON_KEY, decision.reason());
  }

  /** {@code error.type}: the hook's, else the HTTP status for 4xx/5xx; null for success. */
  static String errorType(AiCall call) {
    String e = call.errorType;
    if (e != null && !e.isEmpty()) {
      return e;
    }
    return call.status >= 400 ? String.valueOf(call.status) : null;
  }

  private static String statusDescription(AiCall call, String errorType) {
    ResponseInfo response = call.response;
    if (response != null && response.errorCode != null) {
      return errorType + " " + response.errorCode;
    }
    return errorType;
  }

  /** Prompt size is known when the body had a prompt at all (an empty one counts). */
  private static boolean promptKnown(RequestInfo request) {
    return request.promptChars > 0
        || request.messages != null
        || request.promptSha256 != null
        || request.promptText != null;
  }

  private static String operation(AiCall call) {
    Endpoint endpoint = call.endpoint;
    return endpoint == null || endpoint.operation() == null ? null : endpoint.operation().id();
  }

  private static String model(AiCall call) {
    if (call.request != null && call.request.model != null) {
      return call.request.model;
    }
    return call.endpoint == null ? null : call.requestModel();
  }

  /**
   * Where a call's attributes go: straight onto the span builder (at start) or the span (at the
   * end), with no {@link Attributes} built in between; a builder only for tests.
   */
  private abstract static class Sink {
    /** Sets a value as it is. */
    abstract <T> void set(AttributeKey<T> key, T value);

    /** Sets a value when known: not null, and not an empty string. */
    final <T> void put(AttributeKey<T> key, T value) {
      if (value == null) {
        return;
      }
      if (value instanceof String && ((String) value).isEmpty()) {
        return;
      }
      set(key, value);
    }
  }

  private static final class ToSpanBuilder extends Sink {
    private final SpanBuilder builder;

    ToSpanBuilder(SpanBuilder builder) {
      this.builder = builder;
    }

    @Override
    <T> void set(AttributeKey<T> key, T value) {
      builder.setAttribute(key, value);
    }
  }

  private static final class ToSpan extends Sink {
    private final Span span;

    ToSpan(Span span) {
      this.span = span;
    }

    @Override
    <T> void set(AttributeKey<T> key, T value) {
      span.setAttribute(key, value);
    }
  }

  private static final class ToBuilder extends Sink {
    private final AttributesBuilder builder;

    ToBuilder(AttributesBuilder builder) {
      this.builder = builder;
    }

    @Override
    <T> void set(AttributeKey<T> key, T value) {
      builder.put(key, value);
    }
  }

  // --- The log line ---------------------------------------------------------------------------

  private static boolean isWouldDeny(AiCall call) {
    Decision d = call.decision;
    return d != null && d.outcome() == Decision.Outcome.WOULD_DENY;
  }

  /**
   * The readable line of a call: {@code chat gpt-4o -> 200 openai api.openai.com
   * key=sha256:0123456789abcdef (env:OPENAI_API_KEY) caller=com.acme.App.main(App.java:42)
   * tokens=12/40 412ms policy=allow}. Built from the same values as the span attributes: never the
   * prompt text, never the key itself.
   */
  static String line(AiCall call, boolean denied) {
    StringBuilder b = new StringBuilder(LINE_CAPACITY);
    appendLine(b, call, denied);
    return b.toString();
  }

  /** A line's usual length: most fit without growing the builder. */
  private static final int LINE_CAPACITY = 320;

  /** Appends {@link #line} to {@code b}: no intermediate strings. */
  static void appendLine(StringBuilder b, AiCall call, boolean denied) {
    String operation = operation(call);
    b.append(operation == null ? "ai" : operation);
    String model = model(call);
    if (model != null) {
      b.append(' ').append(model);
    }
    b.append(" -> ");
    String errorType = errorType(call);
    if (denied) {
      b.append("blocked");
    } else if (call.status > 0) {
      b.append(call.status);
      if (errorType != null && !errorType.equals(String.valueOf(call.status))) {
        b.append(" (").append(errorType).append(')');
      }
    } else if (errorType != null) {
      b.append(errorType);
    } else {
      b.append("no response");
    }

    Endpoint endpoint = call.endpoint;
    if (endpoint != null) {
      if (endpoint.kind() != null) {
        b.append(' ').append(endpoint.kind().id());
      }
      if (endpoint.host() != null) {
        b.append(' ').append(endpoint.host());
        if (endpoint.port() > 0 && endpoint.port() != 443) {
          b.append(':').append(endpoint.port());
        }
      }
    }

    ApiKey key = call.key;
    b.append(" key=");
    if (key == null || key.kind() == KeyKind.NONE) {
      b.append("none");
    } else if (key.fingerprint() != null) {
      b.append(key.fingerprint());
    } else {
      b.append(key.kind() == null ? "unknown" : key.kind().id());
    }
    if (call.keySource != null && key != null && key.kind() != KeyKind.NONE) {
      b.append(" (").append(call.keySource).append(')');
    }
    if (key != null && key.entraTenantId() != null) {
      b.append(" tenant=").append(key.entraTenantId());
    }

    if (call.caller != null) {
      b.append(" caller=").append(call.caller);
    }

    if (!denied) {
      ResponseInfo response = call.response;
      if (response != null && (response.hasInputTokens() || response.hasOutputTokens())) {
        b.append(" tokens=");
        appendCount(b, response.inputTokens);
        b.append('/');
        appendCount(b, response.outputTokens);
      }
      if (call.endNanoTime != 0) {
        b.append(' ').append(TimeUnit.NANOSECONDS.toMillis(call.durationNanos())).append("ms");
      }
      if (call.streamed || (call.request != null && call.request.stream)) {
        b.append(" stream");
      }
      if (response != null) {
        if (response.contentFilterBlocked || !response.contentFilterCategories.isEmpty()) {
          b.append(" content_filter=")
              .append(response.contentFilterBlocked ? "blocked" : "detected");
          if (!response.contentFilterCategories.isEmpty()) {
            b.append('(').append(String.join(",", response.contentFilterCategories)).append(')');
          }
        }
      }
    }

    Decision decision = call.decision;
    if (decision != null && decision.outcome() != null) {
      b.append(" policy=").append(decision.outcome().id());
      if (decision.rule() != null) {
        b.append(" rule=").append(decision.rule());
      }
      if (decision.reason() != null) {
        b.append(" (").append(decision.reason()).append(')');
      }
    }
  }

  private static void appendCount(StringBuilder b, long count) {
    if (count == ResponseInfo.NO_COUNT) {
      b.append('?');
    } else {
      b.append(count);
    }
  }

  /**
   * Writes a call's line. With the agent's own slf4j-simple logger (set up by {@link
   * AgentLogSetup} as {@code [ai-warden] LEVEL message} on {@code System.err}) the same line is
   * written directly, by {@link LogWriter}: slf4j-simple would take two global locks per line (its
   * date formatter, which prints the prefix, and its write lock) and format a date. An INFO line is
   * handed to the writer thread; a WARN line (a denial, or a call the policy would deny) is written
   * by the caller after the queued lines, so it is on stderr before the caller goes on. An INFO
   * line is handed over as the call itself and built by the writer, straight into the batch it
   * writes (the call is complete, and never changed after its end): the calling thread only
   * queues it. A WARN line's prefix, level and line are built in one of the thread's reusable
   * builders ({@link LogWriter.Line}). Any other logger gets the line as its message.
   */
  private static void emit(Logger l, String level, AiCall call, boolean denied) {
    if (l instanceof org.slf4j.simple.SimpleLogger) {
      if (!denied && "INFO".equals(level)) {
        LogWriter.shared().info(call);
        return;
      }
      LogWriter.Line line = LogWriter.take();
      try {
        StringBuilder b = line.text();
        b.append(AgentLog.PREFIX).append(' ').append(level).append(' ');
        appendLine(b, call, denied);
        if ("INFO".equals(level)) {
          LogWriter.shared().info(line);
        } else {
          LogWriter.shared().warn(line);
        }
      } finally {
        line.done();
      }
    } else if ("WARN".equals(level)) {
      l.warn(line(call, denied));
    } else {
      l.info(line(call, denied));
    }
  }

  private Logger logger() {
    Logger l = log;
    if (l == null) {
      l = AgentLog.get(CallTelemetry.class);
      log = l;
    }
    return l;
  }
}
