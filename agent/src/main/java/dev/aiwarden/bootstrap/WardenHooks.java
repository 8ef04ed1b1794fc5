package dev.aiwarden.bootstrap;

/**
 * What the agent core offers the hooks. Implemented by the core in the agent's class loader;
 * called only through {@link Warden}. JDK types only: this interface lives in the bootstrap
 * class loader. Headers travel as flat {@code name, value, name, value...} arrays.
 */
public interface WardenHooks {

  /** Cheap: is a request to this host and path an AI call? No allocation when it is not. */
  boolean isAiCall(String host, int port, String path);

  /**
   * {@link #isAiCall(String, int, String)} of the path {@code url[pathStart, pathEnd)}: a hook whose
   * client keeps the whole URL as a string need not cut the path out of it per call.
   */
  default boolean isAiCall(String host, int port, String url, int pathStart, int pathEnd) {
    return isAiCall(host, port, url.substring(pathStart, pathEnd));
  }

  /** The application frame on the current thread, for calls that leave on another thread. */
  Object captureCaller();

  /**
   * The walker with which {@link Warden#captureCaller()} may search for the caller itself, from its
   * own frame (two frames fewer to fill than the core's search from inside {@link #captureCaller()}:
   * the walk's cost grows with every frame), or null to call {@link #captureCaller()}. Non-null only
   * when the walk's answer and cost are known to be the same either way; used with {@link
   * #callerSearch()}.
   */
  default StackWalker callerWalker() {
    return null;
  }

  /** The search {@link Warden#captureCaller()} runs with {@link #callerWalker()}'s walker. */
  default java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      callerSearch() {
    return null;
  }

  /**
   * As {@link #callerWalker()}, for a walk from a hook's own entry method, the frame that would
   * call {@link Warden#captureCaller()} (one frame fewer to fill: {@link Warden#captureCaller()}'s
   * own), or null to call {@link Warden#captureCaller()}; used with {@link #hookCallerSearch()}.
   */
  default StackWalker hookCallerWalker() {
    return null;
  }

  /** The search a hook runs with {@link #hookCallerWalker()}'s walker. */
  default java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      hookCallerSearch() {
    return null;
  }

  /**
   * An AI request is about to leave. Returns the call handle (pass it back below), or null when
   * ai-warden ignores the request.
   *
   * @param caller a value from {@link #captureCaller()} or null to look at the current thread
   * @throws PolicyDeniedException when the policy blocks the call
   */
  Object requestStarting(
      String client,
      String method,
      String url,
      String host,
      int port,
      String path,
      String[] headers,
      byte[] body,
      Object caller)
      throws PolicyDeniedException;

  /**
   * {@link #requestStarting(String, String, String, String, int, String, String[], byte[], Object)}
   * with the path given as {@code url[pathStart, pathEnd)} (no path string made per call).
   */
  default Object requestStarting(
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
    return requestStarting(
        client, method, url, host, port, url.substring(pathStart, pathEnd), headers, body, caller);
  }

  /** The complete response has arrived ({@code body} may be null or truncated); ends the call. */
  void responseReceived(Object call, int status, String[] headers, byte[] body);

  /**
   * {@link #responseReceived(Object, int, String[], byte[])} with the body in {@code body[offset,
   * offset + length)}, read only during this call and never kept: the hook may reuse the array.
   */
  default void responseReceived(
      Object call, int status, String[] headers, byte[] body, int offset, int length) {
    responseReceived(
        call, status, headers, body == null ? null : java.util.Arrays.copyOfRange(body, offset, offset + length));
  }

  /** The response is a stream: the call ends at {@link #streamEnded}. */
  void streamStarted(Object call, int status, String[] headers);

  /** Bytes of a streamed response as the application reads them. Must be cheap. */
  void streamData(Object call, byte[] bytes, int offset, int length);

  /** The stream ended, was closed early ({@code error} null) or failed. Idempotent. */
  void streamEnded(Object call, Throwable error);

  /** The call failed before a response arrived. Idempotent with the other endings. */
  void failed(Object call, Throwable error);

  /** An error inside a hook: logged once per key, never thrown. */
  void hookError(String where, Throwable error);

  /**
   * A hook's note for users diagnosing it, logged at debug level only (so {@code message} must
   * hold no request data). For rare events (once per client, never per call).
   */
  default void hookDebug(String message) {}
}
