package dev.aiwarden.hook;

import dev.aiwarden.bootstrap.WardenHooks;

/**
 * A core that takes every call and does nothing, allocating nothing: what an allocation test of
 * an adapter installs, so that only the adapter's own allocation is counted.
 */
public class QuietCore implements WardenHooks {
  public static final Object CALL = new Object();
  private final boolean ai;

  public QuietCore(boolean ai) {
    this.ai = ai;
  }

  @Override
  public boolean isAiCall(String host, int port, String path) {
    return ai;
  }

  @Override
  public boolean isAiCall(String host, int port, String url, int pathStart, int pathEnd) {
    return ai;
  }

  @Override
  public Object captureCaller() {
    return null;
  }

  /**
   * Overridden, as every method here: a test that mocks {@link WardenHooks} makes Mockito's inline
   * mock maker instrument the interface's default methods, whose check for a mock allocates.
   */
  @Override
  public StackWalker callerWalker() {
    return null;
  }

  @Override
  public StackWalker hookCallerWalker() {
    return null;
  }

  @Override
  public java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>, Object>
      hookCallerSearch() {
    return null;
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
      Object caller) {
    return ai ? CALL : null;
  }

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
      Object caller) {
    return ai ? CALL : null;
  }

  @Override
  public void responseReceived(Object call, int status, String[] headers, byte[] body) {}

  @Override
  public void responseReceived(
      Object call, int status, String[] headers, byte[] body, int offset, int length) {}

  @Override
  public void streamStarted(Object call, int status, String[] headers) {}

  @Override
  public void streamData(Object call, byte[] bytes, int offset, int length) {}

  @Override
  public void streamEnded(Object call, Throwable error) {}

  @Override
  public void failed(Object call, Throwable error) {}

  @Override
  public void hookError(String where, Throwable error) {}
}
