package dev.aiwarden.bootstrap;

/**
 * Everything the agent keeps per application thread, in one object reached through one {@link
 * ThreadLocal}: one entry in the thread's {@code ThreadLocalMap} instead of one per kind of state,
 * so the application's own thread-locals (SDKs, HTTP clients, logging) probe a smaller table, and
 * a call finds all of the agent's state with one lookup.
 *
 * <p>A thread gets its holder only when it first needs state ({@link #current()}): when it makes
 * an AI call, or is the agent's own exporter. The state checks of a hook ({@link #peek()}) make
 * none. Lives in the bootstrap class loader (JDK types only): the core's per-thread objects are
 * kept in {@code Object} fields and cast by their owners. The holder lives as long as its thread,
 * as each of the separate thread-locals it replaces did.
 */
public final class WardenThread {
  private static final ThreadLocal<WardenThread> CURRENT = new ThreadLocal<>();

  // --- Warden's own state (see Warden) ---------------------------------------------------------

  /** How many hooks on this thread are handling an AI call right now ({@link Warden#enterHandled}). */
  int handling;

  /** The thread does the agent's own I/O ({@link Warden#suppressed}). */
  boolean suppressed;

  /** The body offered for the request to {@link #offeredUrl} ({@link Warden#offerRequestBody}). */
  String offeredUrl;

  byte[] offeredBody;

  /** The caller kept for an inner hook's request ({@link Warden#keepCaller}); host null: none. */
  String keptHost;

  int keptPort;
  String keptPath;
  Object keptCaller;

  // --- The core's per-thread objects, each owned (made, typed and reset) by one class -----------

  /** {@code classify.Scratch}: the JSON readers' cursor and buffers. */
  public Object scratch;

  /** {@code classify.PromptHash}: the prompt's digest and buffers. */
  public Object promptHash;

  /** {@code provenance.Fingerprints}: {@code {MessageDigest, byte[]}} of key fingerprints. */
  public Object fingerprint;

  /** {@code policy.PromptChars}: the prompt text copied for the policy's scans. */
  public Object promptChars;

  /** {@code policy.PromptPattern}: the JDK matchers of the deny patterns, by pattern slot. */
  public Object promptSearches;

  /** {@code telemetry.LogWriter}: the thread's line builders. */
  public Object logLines;

  /** The OkHttp hook's spare response array (a {@code byte[]}, null while in use). */
  public byte[] responseSpare;

  private WardenThread() {}

  /** The current thread's holder, made when it has none. Never null. */
  public static WardenThread current() {
    WardenThread t = CURRENT.get();
    if (t == null) {
      t = new WardenThread();
      CURRENT.set(t);
    }
    return t;
  }

  /**
   * The current thread's holder, or null when it has none yet: no holder is made (the JDK's {@code
   * ThreadLocal.get} still leaves an empty entry in the thread's map on its first miss).
   */
  public static WardenThread peek() {
    return CURRENT.get();
  }
}
