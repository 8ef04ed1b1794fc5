package dev.aiwarden.hook.okhttp;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

/**
 * Turns OkHttp's request and response into ai-warden's neutral exchange. Injected into the class
 * loader that loaded OkHttp; uses only OkHttp, JDK and {@link Warden} types. Never throws, except
 * that {@link #onRequest} returns (not throws) a {@link PolicyDeniedException} for the advice to
 * throw.
 */
public final class OkHttp4Adapter {
  /**
   * Largest response body read for inspection (a larger one is inspected in part), and largest
   * request body copied for inspection (a larger one is not inspected).
   */
  static final long MAX_INSPECTED_BODY = 16L * 1024 * 1024;

  /** Callers of enqueued AI calls, captured on the application thread. Removed when they run. */
  private static final ConcurrentHashMap<Object, Object> CALLERS = new ConcurrentHashMap<>();

  /**
   * In {@link #CALLERS} for an enqueued call an outer hook (azure-core) already handles: the
   * per-request form of {@link Warden#handledOutside()}, carried to the dispatcher thread.
   */
  private static final Object HANDLED_OUTSIDE = new Object();

  private OkHttp4Adapter() {}

  public static void onEnqueue(Object call) {
    try {
      HttpUrl url = ((Call) call).request().url();
      if (Warden.isAiCall(url.host(), url.port(), url.encodedPath())) {
        if (Warden.handledOutside()) {
          CALLERS.put(call, HANDLED_OUTSIDE);
          return;
        }
        Object caller = Warden.captureCaller();
        if (caller != null) {
          CALLERS.put(call, caller);
        }
      }
    } catch (Throwable t) {
      Warden.hookError("okhttp.enqueue", t);
    }
  }

  /** Returns the call handle, a {@link PolicyDeniedException}, or null when not an AI call. */
  public static Object onRequest(Object call) {
    Object caller = CALLERS.isEmpty() ? null : CALLERS.remove(call);
    if (caller == HANDLED_OUTSIDE) {
      return null;
    }
    try {
      Request request = ((Call) call).request();
      HttpUrl url = request.url();
      if (!Warden.isAiCall(url.host(), url.port(), url.encodedPath()) || Warden.handledOutside()) {
        return null;
      }
      RequestBody body = request.body();
      return Warden.requestStarting(
          "okhttp",
          request.method(),
          url.toString(),
          url.host(),
          url.port(),
          url.encodedPath(),
          headers(request.headers(), body == null ? null : body.contentType()),
          bodyBytes(body),
          caller);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("okhttp.request", t);
      return null;
    }
  }

  public static Object onResponse(Object handle, Object okResponse, Throwable thrown) {
    Response response = (Response) okResponse;
    if (thrown != null || response == null) {
      Warden.failed(handle, thrown);
      return response;
    }
    try {
      ResponseBody body = response.body();
      String contentType = response.header("Content-Type");
      String[] headers = headers(response.headers(), null);
      if (body != null && isEventStream(contentType)) {
        Warden.streamStarted(handle, response.code(), headers);
        return response.newBuilder().body(new OkHttp4TappedBody(body, handle)).build();
      }
      byte[] bytes = null;
      if (body != null && isJson(contentType)) {
        try {
          bytes = response.peekBody(MAX_INSPECTED_BODY).bytes();
        } catch (java.io.IOException unreadable) {
          // The body broke off (the server closed the connection mid-body): the application sees
          // the same exception when it reads what peekBody buffered, so the call failed.
          Warden.failed(handle, unreadable);
          return response;
        }
      }
      Warden.responseReceived(handle, response.code(), headers, bytes);
      return response;
    } catch (Throwable t) {
      Warden.hookError("okhttp.response", t);
      Warden.failed(handle, t);
      return response;
    }
  }

  private static String[] headers(Headers headers, MediaType bodyType) {
    int n = headers.size();
    String[] flat = new String[(n + (bodyType == null ? 0 : 1)) * 2];
    for (int i = 0; i < n; i++) {
      flat[2 * i] = headers.name(i);
      flat[2 * i + 1] = headers.value(i);
    }
    if (bodyType != null) {
      flat[2 * n] = "Content-Type";
      flat[2 * n + 1] = bodyType.toString();
    }
    return flat;
  }

  /**
   * The request body's bytes, written into a private buffer: the body itself is not consumed. A
   * body longer than {@link #MAX_INSPECTED_BODY} is not copied at all (null: not inspected).
   */
  static byte[] bodyBytes(RequestBody body) throws java.io.IOException {
    if (body == null || body.contentLength() > MAX_INSPECTED_BODY) {
      return null;
    }
    try {
      if (body.isOneShot() || body.isDuplex()) {
        return null;
      }
    } catch (NoSuchMethodError olderThan314) {
      // OkHttp 3.x before 3.14 has neither; its bodies are replayable unless the app says not.
    }
    Buffer buffer = new Buffer();
    body.writeTo(buffer);
    return buffer.readByteArray();
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  private static boolean isJson(String contentType) {
    return contentType == null || contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
  }
}
