package dev.aiwarden.core;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointClassifier;
import dev.aiwarden.classify.RequestBodyParser;
import dev.aiwarden.classify.ResponseBodyParser;
import dev.aiwarden.classify.SseStreamParser;
import dev.aiwarden.exchange.HeaderList;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.CallerLocator;
import dev.aiwarden.provenance.KeyExtractor;
import dev.aiwarden.provenance.KeySources;
import dev.aiwarden.telemetry.AgentLog;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.audit.AuditLog;
import java.util.function.Supplier;

/**
 * The one direction of flow for every AI call a hook hands over: classify, provenance, policy,
 * telemetry. Knows no client library: hooks speak to it through {@link
 * dev.aiwarden.bootstrap.Warden} with JDK types only.
 */
public final class WardenCore implements WardenHooks {
  private final Supplier<PolicyEngine> policy;
  private final Supplier<CallTelemetry> telemetry;
  private final AuditLog audit;

  public WardenCore(Supplier<PolicyEngine> policy, Supplier<CallTelemetry> telemetry) {
    this(policy, telemetry, null);
  }

  /**
   * @param policy the policy in force (looked up per call, so a reload takes effect at once)
   * @param telemetry the span recorder (looked up lazily: the SDK starts off the calling thread)
   * @param audit the audit log, or null when {@code audit.file} is not set
   */
  public WardenCore(
      Supplier<PolicyEngine> policy, Supplier<CallTelemetry> telemetry, AuditLog audit) {
    this.policy = policy;
    this.telemetry = telemetry;
    this.audit = audit;
  }

  @Override
  public boolean isAiCall(String host, int port, String path) {
    return EndpointClassifier.classify(host, port, path) != null;
  }

  @Override
  public boolean isAiCall(String host, int port, String url, int pathStart, int pathEnd) {
    return EndpointClassifier.classify(host, port, url, pathStart, pathEnd) != null;
  }

  @Override
  public Object captureCaller() {
    return CallerLocator.find(); // Warden.captureCaller's walk expects exactly these two frames
  }

  @Override
  public StackWalker callerWalker() {
    return CallerLocator.bridgeWalker();
  }

  @Override
  public java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      callerSearch() {
    return CallerLocator.BRIDGE_SEARCH;
  }

  @Override
  public StackWalker hookCallerWalker() {
    return CallerLocator.hookWalker();
  }

  @Override
  public java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      hookCallerSearch() {
    return CallerLocator.HOOK_SEARCH;
  }

  @Override
  public Object requestStarting(
      String client,
      String method,
      String url,
      String host,
      int port,
      String path,
      String[] headers,
      byte[] body,
      Object caller)
      throws PolicyDeniedException {
    TestFaults.at(TestFaults.HOOK);
    long startNanoTime = System.nanoTime();
    long startEpochNanos = epochNanos(startNanoTime);
    Endpoint endpoint = path == null ? null : endpoint(method, host, port, path, 0, path.length());
    if (endpoint == null) {
      return null;
    }
    // The walk is made here, not in start(): a frame more below it would cost one more frame slot.
    Caller where = caller instanceof Caller ? (Caller) caller : CallerLocator.find();
    return start(client, method, url, endpoint, headers, body, where, startEpochNanos, startNanoTime);
  }

  /** The same with the path given as {@code url[pathStart, pathEnd)}: no path string per call. */
  @Override
  public Object requestStarting(
      String client,
      String method,
      String url,
      String host,
      int port,
      int pathStart,
      int pathEnd,
      String[] headers,
      byte[] body,
      Object caller)
      throws PolicyDeniedException {
    TestFaults.at(TestFaults.HOOK);
    long startNanoTime = System.nanoTime();
    long startEpochNanos = epochNanos(startNanoTime);
    Endpoint endpoint = url == null ? null : endpoint(method, host, port, url, pathStart, pathEnd);
    if (endpoint == null) {
      return null;
    }
    Caller where = caller instanceof Caller ? (Caller) caller : CallerLocator.find();
    return start(client, method, url, endpoint, headers, body, where, startEpochNanos, startNanoTime);
  }

  /** The AI endpoint of a request whose path is {@code text[from, to)}, or null. */
  private static Endpoint endpoint(String method, String host, int port, String text, int from, int to) {
    // Every AI operation is a POST; a GET on the same path reads back stored results.
    if (!"POST".equalsIgnoreCase(method)) {
      return null;
    }
    return EndpointClassifier.classify(host, port, text, from, to);
  }

  /** An AI call to {@code endpoint} made from {@code where}: read, decide, record. */
  private Object start(
      String client,
      String method,
      String url,
      Endpoint endpoint,
      String[] headers,
      byte[] body,
      Caller where,
      long startEpochNanos,
      long startNanoTime)
      throws PolicyDeniedException {
    PolicyEngine engine = policy.get();
    CallTelemetry calls = telemetry.get();
    // Without spans, the values only a span shows (prompt hash, end user, response id) are not read.
    boolean spans = calls.recordsSpans();
    RequestInfo request =
        RequestBodyParser.parse(
            body,
            0,
            body == null ? 0 : body.length,
            HeaderList.get(headers, "content-type"),
            HeaderList.get(headers, "content-encoding"),
            endpoint.operation(),
            promptText(engine, spans),
            spans);
    ApiKey key =
        KeyExtractor.fromHeaders(
            HeaderList.get(headers, "authorization"), HeaderList.get(headers, "api-key"));
    String keySource = KeySources.sourceOf(key);
    AiCall call =
        new AiCall(
            client,
            endpoint,
            method,
            url,
            request,
            key,
            keySource,
            where,
            startEpochNanos,
            startNanoTime);
    call.spanValuesSkipped = !spans;

    Decision decision;
    try {
      decision = engine.decide(call);
    } finally {
      request.promptView = null; // a view of this thread's buffer: valid only until the next body
    }
    call.decision = decision;
    if (decision.blocks()) {
      call.endNanoTime = System.nanoTime();
      call.end();
      calls.onDenied(call);
      if (audit != null) {
        audit.recordCall(call);
      }
      throw new PolicyDeniedException(decision.rule(), decision.reason());
    }
    calls.onStart(call);
    return call;
  }

  /**
   * How the prompt text is read for the policy: not at all when it does not look at it; as a
   * string only when a span will carry it ({@code prompts.capture: full}); else as a view of a
   * per-thread buffer that the policy reads while deciding, with no string made per call.
   */
  private static int promptText(PolicyEngine engine, boolean spans) {
    if (!engine.needsPromptText()) {
      return RequestBodyParser.TEXT_NONE;
    }
    return spans && engine.needsPromptString()
        ? RequestBodyParser.TEXT_STRING
        : RequestBodyParser.TEXT_VIEW;
  }

  @Override
  public void responseReceived(Object handle, int status, String[] headers, byte[] body) {
    responseReceived(handle, status, headers, body, 0, body == null ? 0 : body.length);
  }

  @Override
  public void responseReceived(
      Object handle, int status, String[] headers, byte[] body, int offset, int length) {
    AiCall call = (AiCall) handle;
    if (!call.end()) {
      return;
    }
    call.endNanoTime = System.nanoTime();
    call.status = status;
    CallTelemetry calls = telemetry.get();
    call.response =
        ResponseBodyParser.parse(
            body,
            offset,
            length,
            HeaderList.get(headers, "content-type"),
            HeaderList.get(headers, "content-encoding"),
            status,
            call.request,
            calls.recordsSpans());
    if (status >= 400) {
      call.errorType = String.valueOf(status);
    }
    finish(call, calls);
  }

  @Override
  public void streamStarted(Object handle, int status, String[] headers) {
    AiCall call = (AiCall) handle;
    call.status = status;
    call.streamed = true;
    if (status >= 400) {
      call.errorType = String.valueOf(status);
    }
    call.streamState = new SseStreamParser();
  }

  @Override
  public void streamData(Object handle, byte[] bytes, int offset, int length) {
    AiCall call = (AiCall) handle;
    Object state = call.streamState;
    if (state instanceof SseStreamParser && !call.hasEnded()) {
      ((SseStreamParser) state).feed(bytes, offset, length);
    }
  }

  @Override
  public void streamEnded(Object handle, Throwable error) {
    AiCall call = (AiCall) handle;
    if (!call.end()) {
      return;
    }
    call.endNanoTime = System.nanoTime();
    Object state = call.streamState;
    call.response = state instanceof SseStreamParser ? ((SseStreamParser) state).result() : null;
    if (error != null) {
      call.errorType = error.getClass().getName();
    }
    finish(call);
  }

  @Override
  public void failed(Object handle, Throwable error) {
    AiCall call = (AiCall) handle;
    if (!call.end()) {
      return;
    }
    call.endNanoTime = System.nanoTime();
    call.errorType = error == null ? "cancelled" : error.getClass().getName();
    finish(call);
  }

  @Override
  public void hookError(String where, Throwable error) {
    AgentLog.errorOnce("hook:" + where, "ai-warden hook error in " + where, error);
  }

  @Override
  public void hookDebug(String message) {
    AgentLog.get("dev.aiwarden.hook").debug(message);
  }

  private void finish(AiCall call) {
    finish(call, telemetry.get());
  }

  private void finish(AiCall call, CallTelemetry calls) {
    try {
      policy.get().onCompleted(call);
    } catch (Throwable t) {
      AgentLog.errorOnce("policy.onCompleted", "ai-warden policy error", t);
    }
    calls.onEnd(call);
    if (audit != null) {
      audit.recordCall(call);
    }
  }

  /**
   * The wall clock in epoch nanoseconds at {@code nanoTime} (a {@link System#nanoTime()} just
   * read): the last reading of the wall clock plus the monotonic time since, read anew at least
   * once a second. {@code Instant.now()} per call would be a 24-byte object each time.
   */
  private static long epochNanos(long nanoTime) {
    Clock c = clock;
    long since = c == null ? -1 : nanoTime - c.nanoTime;
    if (since < 0 || since > CLOCK_NANOS) {
      long before = System.nanoTime();
      java.time.Instant now = java.time.Instant.now();
      c = new Clock(now.getEpochSecond() * 1_000_000_000L + now.getNano(), before);
      clock = c;
      since = nanoTime - before;
    }
    return c.epochNanos + since;
  }

  /** How long a reading of the wall clock is used for ({@link #epochNanos}). */
  private static final long CLOCK_NANOS = 1_000_000_000L;

  /** The last reading of the wall clock, and the monotonic time just before it. Replaced whole. */
  private static volatile Clock clock;

  private static final class Clock {
    final long epochNanos;
    final long nanoTime;

    Clock(long epochNanos, long nanoTime) {
      this.epochNanos = epochNanos;
      this.nanoTime = nanoTime;
    }
  }
}
