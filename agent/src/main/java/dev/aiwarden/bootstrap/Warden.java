package dev.aiwarden.bootstrap;

/**
 * The door between hooked client libraries and the agent core. Lives in the bootstrap class
 * loader (JDK types only), so advice and adapters in any class loader can reach it. Until the
 * agent installs its core every method is a cheap no-op, and none of them ever throws, except
 * {@link #requestStarting} with a {@link PolicyDeniedException}.
 */
public final class Warden {
  private static volatile WardenHooks hooks;

  /**
   * How many hooks on this thread are handling an AI call right now (an {@code int[1]}, a JDK
   * type: this class lives in the bootstrap loader and must pin no application class loader).
   * See {@link #enterHandled()}.
   */
  private static final ThreadLocal<int[]> HANDLING = new ThreadLocal<>();

  /**
   * The Reactor {@code Context} key an outer reactive hook (azure-core) writes into the
   * subscription of the inner client's {@code Mono}: the per-request form of {@link
   * #enterHandled()} for clients whose exchange runs on event-loop threads (Reactor Netty).
   */
  public static final String HANDLED_CONTEXT_KEY = "dev.aiwarden.handled";

  /**
   * Threads whose HTTP traffic is the agent's own (its span and metric exporters): hooks skip
   * them. A plain {@code ThreadLocal} of JDK types (no initial-value lambda: this class is defined
   * in the bootstrap loader).
   */
  private static final ThreadLocal<Boolean> SUPPRESSED = new ThreadLocal<Boolean>();

  private Warden() {}

  /**
   * True on a thread that is doing the agent's own I/O (exporting spans or metrics): a hook must
   * then let the call through untouched and unrecorded, before any other work. Cheap (one
   * thread-local read), never throws. Every hook of an HTTP client the agent's exporters might use
   * (the JDK {@code HttpClient}, {@code HttpURLConnection}) checks it first.
   */
  public static boolean suppressed() {
    return SUPPRESSED.get() == Boolean.TRUE;
  }

  /**
   * Marks the current thread as doing (or no longer doing) the agent's own I/O; returns the
   * previous state, to be given back to {@link #setSuppressed} in a {@code finally}.
   */
  public static boolean setSuppressed(boolean suppressed) {
    boolean previous = SUPPRESSED.get() == Boolean.TRUE;
    if (suppressed) {
      SUPPRESSED.set(Boolean.TRUE);
    } else {
      SUPPRESSED.remove();
    }
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
    int[] depth = HANDLING.get();
    if (depth == null) {
      depth = new int[1];
      HANDLING.set(depth);
    }
    depth[0]++;
  }

  /** Ends one {@link #enterHandled()} on this thread. */
  public static void exitHandled() {
    int[] depth = HANDLING.get();
    if (depth != null && depth[0] > 0) {
      depth[0]--;
    }
  }

  /** True when an outer hook on this thread already handles the AI call being made. */
  public static boolean handledOutside() {
    int[] depth = HANDLING.get();
    return depth != null && depth[0] > 0;
  }

  /**
   * A request body seen by an outer library layer for an inner client that cannot read its own
   * (Spring's {@code RestClient} and {@code WebClient} hand the JDK client a one-shot streaming
   * publisher): {@code {url, bytes}}, JDK types only. Set and taken on the same thread.
   */
  private static final ThreadLocal<Object[]> OFFERED_BODY = new ThreadLocal<>();

  /**
   * Offers the body of the request to {@code url} about to be sent on this thread to the inner
   * client's hook; {@code body} null withdraws any offer. The outer layer withdraws in a {@code
   * finally}, so an offer never outlives the call it was made for. Never throws.
   */
  public static void offerRequestBody(String url, byte[] body) {
    if (url == null || body == null) {
      OFFERED_BODY.remove();
    } else {
      OFFERED_BODY.set(new Object[] {url, body});
    }
  }

  /**
   * Takes (and clears) the body offered on this thread for a request to {@code url}; null when
   * none was offered, or the offer was for another URL.
   */
  public static byte[] takeRequestBody(String url) {
    Object[] offer = OFFERED_BODY.get();
    if (offer == null) {
      return null;
    }
    OFFERED_BODY.remove();
    return offer[0].equals(url) ? (byte[]) offer[1] : null;
  }

  /**
   * Per thread, while an outer SDK layer runs an AI request whose caller it found nearer to the
   * application than the HTTP client's hook is (openai-java's {@code RetryingHttpClient.execute}
   * above OkHttp): {@code {host, int[] {port}, path, caller}}; host, path and caller null
   * otherwise. Made once per thread and reused; JDK types only, except the caller, which is the
   * core's own object.
   */
  private static final ThreadLocal<Object[]> KEPT_CALLER = new ThreadLocal<>();

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
      Object[] kept = KEPT_CALLER.get();
      if (kept == null) {
        kept = new Object[] {null, new int[1], null, null};
        KEPT_CALLER.set(kept);
      }
      int[] keptPort = (int[]) kept[1];
      Object token =
          kept[0] == null ? NOTHING_KEPT : new Object[] {kept[0], keptPort[0], kept[2], kept[3]};
      kept[0] = host;
      keptPort[0] = port;
      kept[2] = path;
      kept[3] = caller;
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
      Object[] kept = KEPT_CALLER.get();
      if (kept == null) {
        return;
      }
      if (token instanceof Object[]) {
        Object[] before = (Object[]) token;
        kept[0] = before[0];
        ((int[]) kept[1])[0] = (Integer) before[1];
        kept[2] = before[2];
        kept[3] = before[3];
      } else {
        kept[0] = null;
        kept[2] = null;
        kept[3] = null;
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
      Object[] kept = KEPT_CALLER.get();
      if (kept == null || kept[0] == null || host == null || url == null || pathStart < 0) {
        return null;
      }
      String path = (String) kept[2];
      return ((int[]) kept[1])[0] == port
              && pathEnd - pathStart == path.length()
              && url.regionMatches(pathStart, path, 0, path.length())
              && host.equals(kept[0])
          ? kept[3]
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
      return h.captureCaller();
    } catch (Throwable t) {
      hookError("captureCaller", t);
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
