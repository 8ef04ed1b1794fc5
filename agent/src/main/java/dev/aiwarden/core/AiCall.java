package dev.aiwarden.core;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Caller;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One AI call in flight, from the moment a hook hands over its request until its response (or
 * stream) ends. Filled in order by classify, provenance, policy; read by telemetry.
 */
public final class AiCall {
  /** Which hook saw the call, e.g. {@code okhttp}, {@code azure-core}. */
  public final String client;
  public final Endpoint endpoint;
  public final String method;
  /** The URL as the hook saw it (query string included): read through {@link #url()}. */
  private final String rawUrl;
  public final RequestInfo request;
  public final ApiKey key;
  /** {@code env:NAME}, {@code sysprop:NAME}, ... or {@code unknown}. */
  public final String keySource;
  /** The application frame that made the call, or null when none was on the stack. */
  public final Caller caller;
  public final long startEpochNanos;
  public final long startNanoTime;

  /**
   * True when the call was read without the values only a span shows (no span was to be recorded
   * when it started: telemetry had no exporter, or was not ready yet): it gets no span later either.
   */
  public boolean spanValuesSkipped;

  public volatile Decision decision = Decision.ALLOW;
  /**
   * What the policy keeps with the call until it completes (a token reservation: the key's token
   * book), or null; written after {@link #policyTicketSeq}, which it publishes.
   */
  public volatile Object policyTicket;
  /** The number of the call's token reservation in {@link #policyTicket}. */
  public long policyTicketSeq;
  /** The span of this call, owned by telemetry (an OpenTelemetry span), or null. */
  public volatile Object span;

  // Response side, set when it arrives.
  public volatile int status = -1;
  public volatile ResponseInfo response;
  /** {@code error.type}: the HTTP status as text for 4xx/5xx, or the exception class name. */
  public volatile String errorType;
  public volatile boolean streamed;
  public volatile long endNanoTime;
  /** 1 once ended ({@link #end()}): a field, not an AtomicBoolean, so a call is one object less. */
  private volatile int ended;

  private static final AtomicIntegerFieldUpdater<AiCall> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(AiCall.class, "ended");
  /** The incremental parser of a streamed response, owned by the core. */
  public volatile Object streamState;

  public AiCall(
      String client,
      Endpoint endpoint,
      String method,
      String url,
      RequestInfo request,
      ApiKey key,
      String keySource,
      Caller caller,
      long startEpochNanos,
      long startNanoTime) {
    this.client = client;
    this.endpoint = endpoint;
    this.method = method;
    this.rawUrl = url;
    this.request = request;
    this.key = key;
    this.keySource = keySource;
    this.caller = caller;
    this.startEpochNanos = startEpochNanos;
    this.startNanoTime = startNanoTime;
  }

  /**
   * The URL without its query string (never a key), made when asked for, not per call: nothing on
   * a call's path reads it.
   */
  public String url() {
    String url = rawUrl;
    if (url == null) {
      return null;
    }
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /** The model the call asked for: the body's {@code model}, else the Azure deployment. */
  public String requestModel() {
    if (request != null && request.model != null) {
      return request.model;
    }
    return endpoint.deployment();
  }

  /** Marks the call ended: true for the one caller that ended it, false when it already was. */
  public boolean end() {
    return ENDED.compareAndSet(this, 0, 1);
  }

  /** Whether {@link #end()} was called. */
  public boolean hasEnded() {
    return ended != 0;
  }

  public long durationNanos() {
    return endNanoTime == 0 ? 0 : endNanoTime - startNanoTime;
  }
}
