package dev.aiwarden.hook.apache;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;

/**
 * Apache HttpClient 5 async, for requests made with {@code SimpleHttpRequest} (the async API's
 * in-memory request and response). The call starts on the application's thread when {@code
 * execute} is called, and ends when the response, a failure or a cancellation reaches the
 * callback. Never throws.
 */
public final class ApacheAsyncClient5Adapter {
  private ApacheAsyncClient5Adapter() {}

  /**
   * Returns null (not an AI call: leave it alone), an {@link ObservingCallback} to put in place
   * of the application's callback, or a failed {@code Future} for a denied call (the advice
   * skips the client and returns it; the application's callback has been told).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Object onExecute(Object request, Object callback) {
    try {
      SimpleHttpRequest req = (SimpleHttpRequest) request;
      ApacheHttpClient5Adapter.Target t = ApacheHttpClient5Adapter.Target.of(null, req);
      if (t == null || !Warden.isAiCall(t.host, t.port, t.path) || Warden.handledOutside()) {
        return null;
      }
      ContentType type = req.getContentType();
      Object handle;
      try {
        handle = start(t, req, type == null ? null : type.toString(), req.getBodyBytes());
      } catch (PolicyDeniedException denied) {
        BasicFuture<SimpleHttpResponse> failed =
            new BasicFuture<>((FutureCallback<SimpleHttpResponse>) callback);
        failed.failed(denied);
        return failed;
      }
      return handle == null
          ? null
          : new ObservingCallback(handle, (FutureCallback<SimpleHttpResponse>) callback);
    } catch (Throwable t) {
      Warden.hookError("apache5-async.request", t);
      return null;
    }
  }

  /**
   * Woven before {@code execute(SimpleHttpRequest, HttpContext, FutureCallback)}: {@link
   * #onExecute}'s result; with an observing callback the thread is marked handled (the general
   * {@code execute} underneath stays out) until {@link #exitSimple} or {@link #simpleThrown}.
   */
  public static Object enterSimple(Object request, Object callback) {
    Object r = onExecute(request, callback);
    if (r instanceof ObservingCallback) {
      Warden.enterHandled();
    }
    return r;
  }

  /** The callback the client gets: the observing one when {@link #enterSimple} made one. */
  public static Object callbackFor(Object entered, Object callback) {
    return entered instanceof ObservingCallback ? entered : callback;
  }

  /** What a skipped (denied) {@code execute} returns: the failed future {@link #onExecute} made. */
  public static Object deniedFuture(Object future) {
    return future;
  }

  /** Woven before {@code execute} returns: ends the handled mark. */
  public static void exitSimple(Object entered) {
    if (entered instanceof ObservingCallback) {
      Warden.exitHandled();
    }
  }

  /** Woven where {@code execute} throws (a client not started): the callback will never be told. */
  public static Throwable simpleThrown(Object entered, Throwable thrown) {
    if (entered instanceof ObservingCallback) {
      Warden.exitHandled();
      ((ObservingCallback) entered).abandon(thrown);
    }
    return thrown;
  }

  /** Starts an async call (both async forms): its handle, null, or the policy's denial. */
  static Object start(
      ApacheHttpClient5Adapter.Target t,
      org.apache.hc.core5.http.HttpRequest req,
      String contentType,
      byte[] body)
      throws PolicyDeniedException {
    return Warden.requestStarting(
        "apache-httpclient-5-async",
        req.getMethod(),
        t.url,
        t.host,
        t.port,
        t.path,
        ApacheHttpClient5Adapter.headers(req.getHeaders(), contentType),
        body,
        null);
  }

  /** The application's callback (may be null), told everything after ai-warden has seen it. */
  public static final class ObservingCallback implements FutureCallback<SimpleHttpResponse> {
    private final Object handle;
    private final FutureCallback<SimpleHttpResponse> delegate;

    ObservingCallback(Object handle, FutureCallback<SimpleHttpResponse> delegate) {
      this.handle = handle;
      this.delegate = delegate;
    }

    @Override
    public void completed(SimpleHttpResponse response) {
      try {
        ContentType type = response.getContentType();
        String[] headers =
            ApacheHttpClient5Adapter.headers(response.getHeaders(), null);
        byte[] bytes = response.getBodyBytes();
        ObservedBody body =
            new ObservedBody(
                handle,
                ObservedBody.isEventStream(type == null ? null : type.toString()),
                response.getCode(),
                headers);
        if (bytes != null) {
          body.wrap(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
        }
        body.end(null);
      } catch (Throwable t) {
        Warden.hookError("apache5-async.response", t);
        Warden.failed(handle, t);
      }
      if (delegate != null) {
        delegate.completed(response);
      }
    }

    /** {@code execute} itself threw: the client will never call back. */
    public void abandon(Throwable error) {
      Warden.failed(handle, error);
    }

    @Override
    public void failed(Exception ex) {
      Warden.failed(handle, ex);
      if (delegate != null) {
        delegate.failed(ex);
      }
    }

    @Override
    public void cancelled() {
      Warden.failed(handle, null);
      if (delegate != null) {
        delegate.cancelled();
      }
    }
  }
}
