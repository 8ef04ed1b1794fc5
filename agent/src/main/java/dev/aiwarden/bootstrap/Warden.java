package dev.aiwarden.bootstrap;

/**
 * The door between hooked client libraries and the agent core. Lives in the bootstrap class
 * loader (JDK types only), so advice and adapters in any class loader can reach it. Until the
 * agent installs its core every method is a cheap no-op, and none of them ever throws, except
 * {@link #requestStarting} with a {@link PolicyDeniedException}. Its per-thread state (the
 * handled mark, suppression, the offered body, the kept caller) is in the thread's {@link
 * WardenThread}.
 */
public final class Warden {
  private static volatile WardenHooks hooks;

  /**
   * The Reactor {@code Context} key an outer reactive hook (azure-core) writes into the
   * subscription of the inner client's {@code Mono}: the per-request form of {@link
   * #enterHandled()} for clients whose exchange runs on event-loop threads (Reactor Netty).
   */
  public static final String HANDLED_CONTEXT_KEY = "dev.aiwarden.handled";

  private Warden() {}

  /**
   * True on a thread that is doing the agent's own I/O (exporting spans or metrics): a hook must
   * then let the call through untouched and unrecorded. Cheap (one thread-local read of the
   * thread's {@link WardenThread}, made by none of these checks), never throws. Every hook of an
   * HTTP client the agent's exporters might use (the JDK {@code HttpClient}, {@code
   * HttpURLConnection}) checks it before it records or polices anything: once the endpoint
   * classifier said AI call, so other calls never touch the thread's state.
   */
  public static boolean suppressed() {
    WardenThread t = WardenThread.peek();
    return t != null && t.suppressed;
  }

  /**
   * {@link #suppressed()} or {@link #handledOutside()}, with one thread-local lookup: a hook that
   * asks both asks this, once it knows the call is an AI call. Never throws.
   */
  public static boolean suppressedOrHandledOutside() {
    WardenThread t = WardenThread.peek();
    return t != null && (t.suppressed || t.handling > 0);
  }

  /**
   * Marks the current thread as doing (or no longer doing) the agent's own I/O; returns the
   * previous state, to be given back to {@link #setSuppressed} in a {@code finally}.
   */
  public static boolean setSuppressed(boolean suppressed) {
    WardenThread t = suppressed ? WardenThread.current() : WardenThread.peek();
    if (t == null) {
      return false;
    }
    boolean previous = t.suppressed;
    t.suppressed = suppressed;
    return previous;
  }

  private static volatile boolean sealed;

  /**
   * Called once by the agent when it starts. After {@link #seal()} it does nothing: application
   * code that finds this class (it is in the bootstrap class loader, visible to everyone) cannot
   * replace or remove the agent's core through it.
   */
  public static void install(WardenHooks core) {
    if (!sealed) {
      hooks = core;
    }
  }

  /** Makes the core installed now final for the life of the JVM (the agent calls it at start-up). */
  public static void seal() {
    sealed = true;
  }

  public static boolean installed() {
    return hooks != null;
  }

  /**
   * One AI call, one span, when one client sits on another (azure-core over OkHttp or the JDK
   * client, Spring over the JDK client): the outermost hook wins. A hook that takes an AI call
   * marks the current thread with this for as long as the inner client may run on it, and ends
   * with {@link #exitHandled()} in a {@code finally}. Inner hooks ask {@link #handledOutside()}
   * before they start a call; where an inner client hands the request to another thread
   * ({@code enqueue}, {@code sendAsync}), the inner hook asks on the calling thread and carries
   * the answer with its own request object. Never throws.
   */
  public static void enterHandled() {
    WardenThread.current().handling++;
  }

  /** Ends one {@link #enterHandled()} on this thread. */
  public static void exitHandled() {
    WardenThread t = WardenThread.peek();
    if (t != null && t.handling > 0) {
      t.handling--;
    }
  }

  /** True when an outer hook on this thread already handles the AI call being made. */
  public static boolean handledOutside() {
    WardenThread t = WardenThread.peek();
    return t != null && t.handling > 0;
  }

  /**
   * Offers a request body seen by an outer library layer to an inner client that cannot read its
   * own (Spring's {@code RestClient} and {@code WebClient} hand the JDK client a one-shot streaming
   * publisher); set and taken on the same thread. Offers the body of the request to {@code url} about to be sent on this thread to the inner
   * client's hook; {@code body} null withdraws any offer. The outer layer withdraws in a {@code
   * finally}, so an offer never outlives the call it was made for. Never throws.
   */
  public static void offerRequestBody(String url, byte[] body) {
    WardenThread t = url == null || body == null ? WardenThread.peek() : WardenThread.current();
    if (t != null) {
      t.offeredUrl = body == null ? null : url;
      t.offeredBody = url == null ? null : body;
    }
  }

  /**
   * Takes (and clears) the body offered on this thread for a request to {@code url}; null when
   * none was offered, or the offer was for another URL.
   */
  public static byte[] takeRequestBody(String url) {
    WardenThread t = WardenThread.peek();
    if (t == null || t.offeredUrl == null) {
      return null;
    }
    String offeredUrl = t.offeredUrl;
    byte[] offered = t.offeredBody;
    t.offeredUrl = null;
    t.offeredBody = null;
    return offeredUrl.equals(url) ? offered : null;
  }

  /** {@link #keepCaller}'s token when nothing was kept on the thread before. */
  private static final Object NOTHING_KEPT = new Object();

  /**
   * Keeps {@code caller} (from {@link #captureCaller()}) on this thread for the request to {@code
   * host}, {@code port} and {@code path} that an inner client's hook will start on this thread
   * before {@link #restoreCaller} (see {@link #keptCaller}). Only for a caller the inner hook's
   * own walk would find too: every frame between the two must be one the caller walk skips.
   * Returns the token to give {@link #restoreCaller} when the outer layer returns or throws (what
   * was kept before, for nested calls), or null when nothing was kept. Never throws.
   */
  public static Object keepCaller(String host, int port, String path, Object caller) {
    if (host == null || path == null || caller == null) {
      return null;
    }
    try {
      WardenThread t = WardenThread.current();
      Object token =
          t.keptHost == null
              ? NOTHING_KEPT
              : new Object[] {t.keptHost, t.keptPort, t.keptPath, t.keptCaller};
      t.keptHost = host;
      t.keptPort = port;
      t.keptPath = path;
      t.keptCaller = caller;
      return token;
    } catch (Throwable t) {
      hookError("keepCaller", t);
      return null;
    }
  }

  /** Ends a {@link #keepCaller}: puts back what this thread kept before it. Never throws. */
  public static void restoreCaller(Object token) {
    if (token == null) {
      return;
    }
    try {
      WardenThread t = WardenThread.peek();
      if (t == null) {
        return;
      }
      if (token instanceof Object[]) {
        Object[] before = (Object[]) token;
        t.keptHost = (String) before[0];
        t.keptPort = (Integer) before[1];
        t.keptPath = (String) before[2];
        t.keptCaller = before[3];
      } else {
        t.keptHost = null;
        t.keptPath = null;
        t.keptCaller = null;
      }
    } catch (Throwable t) {
      hookError("restoreCaller", t);
    }
  }

  /**
   * The caller kept on this thread ({@link #keepCaller}) for a request to {@code host} and {@code
   * port} whose path is {@code url[pathStart, pathEnd)}, or null (none kept, or kept for another
   * request: the hook then walks for itself). No allocation. Never throws.
   */
  public static Object keptCaller(String host, int port, String url, int pathStart, int pathEnd) {
    try {
      WardenThread t = WardenThread.peek();
      if (t == null || t.keptHost == null || host == null || url == null || pathStart < 0) {
        return null;
      }
      String path = t.keptPath;
      return t.keptPort == port
              && pathEnd - pathStart == path.length()
              && url.regionMatches(pathStart, path, 0, path.length())
              && host.equals(t.keptHost)
          ? t.keptCaller
          : null;
    } catch (Throwable t) {
      hookError("keptCaller", t);
      return null;
    }
  }

  public static boolean isAiCall(String host, int port, String path) {
    WardenHooks h = hooks;
    if (h == null || host == null || path == null) {
      return false;
    }
    try {
      return h.isAiCall(host, port, path);
    } catch (Throwable t) {
      hookError("isAiCall", t);
      return false;
    }
  }

  /**
   * {@link #isAiCall(String, int, String)} of the path {@code url[pathStart, pathEnd)}, for a hook
   * whose client keeps the whole URL as one string: no path string per call.
   */
  public static boolean isAiCall(String host, int port, String url, int pathStart, int pathEnd) {
    WardenHooks h = hooks;
    if (h == null || host == null || url == null) {
      return false;
    }
    try {
      return h.isAiCall(host, port, url, pathStart, pathEnd);
    } catch (Throwable t) {
      hookError("isAiCall", t);
      return false;
    }
  }

  public static Object captureCaller() {
    WardenHooks h = hooks;
    if (h == null) {
      return null;
    }
    try {
      // The walk runs from this frame when the core allows it: the frames of the core's own
      // captureCaller and search are then not filled (see WardenHooks.callerWalker).
      StackWalker walker = h.callerWalker();
      return walker == null ? h.captureCaller() : walker.walk(h.callerSearch());
    } catch (Throwable t) {
      hookError("captureCaller", t);
      return null;
    }
  }

  /**
   * For a hook that finds its call's caller in its own entry method, one frame nearer the caller
   * than {@link #captureCaller()}'s walk: the walker to call from that method, {@code
   * walker.walk(hookCallerSearch())}, with the same answer as {@link #captureCaller()}; or null,
   * then call {@link #captureCaller()} (a thread whose walks do not repeat, or no core). Never
   * throws.
   */
  public static StackWalker hookCallerWalker() {
    WardenHooks h = hooks;
    if (h == null) {
      return null;
    }
    try {
      return h.hookCallerWalker();
    } catch (Throwable t) {
      hookError("hookCallerWalker", t);
      return null;
    }
  }

  /** The search to run with {@link #hookCallerWalker()}'s walker (null when there is no core). */
  public static java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      hookCallerSearch() {
    WardenHooks h = hooks;
    if (h == null) {
      return null;
    }
    try {
      return h.hookCallerSearch();
    } catch (Throwable t) {
      hookError("hookCallerSearch", t);
      return null;
    }
  }

  public static Object requestStarting(
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
    WardenHooks h = hooks;
    if (h == null) {
      return null;
    }
    try {
      return h.requestStarting(client, method, url, host, port, path, headers, body, caller);
    } catch (PolicyDeniedException denied) {
      throw denied;
    } catch (Throwable t) {
      hookError("requestStarting", t);
      return null;
    }
  }

  /** {@link #requestStarting} with the path given as {@code url[pathStart, pathEnd)}. */
  public static Object requestStarting(
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
    WardenHooks h = hooks;
    if (h == null) {
      return null;
    }
    try {
      return h.requestStarting(client, method, url, host, port, pathStart, pathEnd, headers, body, caller);
    } catch (PolicyDeniedException denied) {
      throw denied;
    } catch (Throwable t) {
      hookError("requestStarting", t);
      return null;
    }
  }

  public static void responseReceived(Object call, int status, String[] headers, byte[] body) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.responseReceived(call, status, headers, body);
    } catch (Throwable t) {
      hookError("responseReceived", t);
    }
  }

  /** The body in {@code body[offset, offset + length)}, not kept after this returns (see {@link WardenHooks}). */
  public static void responseReceived(
      Object call, int status, String[] headers, byte[] body, int offset, int length) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.responseReceived(call, status, headers, body, offset, length);
    } catch (Throwable t) {
      hookError("responseReceived", t);
    }
  }

  public static void streamStarted(Object call, int status, String[] headers) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.streamStarted(call, status, headers);
    } catch (Throwable t) {
      hookError("streamStarted", t);
    }
  }

  public static void streamData(Object call, byte[] bytes, int offset, int length) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.streamData(call, bytes, offset, length);
    } catch (Throwable t) {
      hookError("streamData", t);
    }
  }

  public static void streamEnded(Object call, Throwable error) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.streamEnded(call, error);
    } catch (Throwable t) {
      hookError("streamEnded", t);
    }
  }

  public static void failed(Object call, Throwable error) {
    WardenHooks h = hooks;
    if (h == null || call == null) {
      return;
    }
    try {
      h.failed(call, error);
    } catch (Throwable t) {
      hookError("failed", t);
    }
  }

  /**
   * The woven code's handler for a failed entry call: a policy denial (even wrapped) is thrown on
   * to the caller; anything else is reported once under {@code "hook:" + the hooked method} (its
   * caller's frame, so the woven code needs no name constant) and null is returned (the handle the
   * original then runs with). Called only from woven bytecode, where {@code throws Throwable}
   * costs nothing; one call here keeps the handler in every hooked method small.
   */
  public static Object enterFailed(Throwable error) throws Throwable {
    if (PolicyDeniedException.isDenial(error)) {
      throw error;
    }
    String where = "hook";
    try {
      StackTraceElement[] frames = new Throwable().getStackTrace();
      if (frames.length > 1) {
        where = "hook:" + frames[1].getClassName() + "." + frames[1].getMethodName();
      }
    } catch (Throwable unknown) {
      // Reported under "hook" alone.
    }
    hookError(where, error);
    return null;
  }

  /** Reports an error inside a hook or adapter. Never throws. */
  public static void hookError(String where, Throwable error) {
    WardenHooks h = hooks;
    if (h == null) {
      return;
    }
    try {
      h.hookError(where, error);
    } catch (Throwable ignored) {
      // Nothing left to tell: the application must not notice.
    }
  }

  /**
   * A hook's note for users diagnosing it, at debug level ({@link WardenHooks#hookDebug}): no
   * request data, and only for rare events. Never throws.
   */
  public static void hookDebug(String message) {
    WardenHooks h = hooks;
    if (h == null) {
      return;
    }
    try {
      h.hookDebug(message);
    } catch (Throwable ignored) {
      // Nothing left to tell: the application must not notice.
    }
  }
}
