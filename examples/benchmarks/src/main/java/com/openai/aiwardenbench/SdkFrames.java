package com.openai.aiwardenbench;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Stack frames standing in for an SDK's, for the in-process benchmarks of the performance suite
 * (examples/benchmarks), nothing else. ai-warden finds an AI call's caller by walking up the stack
 * to the first frame outside the JDK, the HTTP and AI client libraries and itself; in a real
 * openai-java 4.101 call over OkHttp 4.12 there are {@value #OPENAI_JAVA} such frames between the
 * application's {@code create(...)} and OkHttp's {@code getResponseWithInterceptorChain}, where
 * the hook runs. This class lives in a package the caller search skips ({@code com.openai.}), so
 * a hook called through {@link #call} walks as far as in a real call before it reaches the
 * benchmark method, its "application".
 */
public final class SdkFrames {
  /** Frames from the application's call to the hooked OkHttp method, counted in openai-java 4.101. */
  public static final int OPENAI_JAVA = 12;

  /**
   * Of those, the frames from the application's call to openai-java's {@code
   * RetryingHttpClient.execute} (its own included: {@code ChatCompletionService.create}, {@code
   * ChatCompletionServiceImpl.create}, {@code WithRawResponseImpl.create}, {@code execute}), where
   * the openai-java hook finds the caller for the OkHttp hook.
   */
  public static final int OPENAI_JAVA_RETRYING = 4;

  private SdkFrames() {}

  /**
   * {@code hook.apply(arg)} under {@code depth} frames of this class. {@code hook} must be a method
   * reference (its frame is hidden) or a class of this package.
   */
  public static Object call(int depth, Function<Object, Object> hook, Object arg) {
    return depth <= 1 ? hook.apply(arg) : call(depth - 1, hook, arg);
  }

  /** {@code hook.apply(first, second)} under {@code depth} frames of this class (as {@link #call(int, Function, Object)}). */
  public static Object call(int depth, BiFunction<Object, Object, Object> hook, Object first, Object second) {
    return depth <= 1 ? hook.apply(first, second) : call(depth - 1, hook, first, second);
  }
}
