package com.openai.aiwardenbench;

import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.CallerLocator;

/**
 * {@code CallerLocator.find()} under the agent's own frames of a real hooked call, for {@link
 * SdkFrames#call}. In openai-java's call the walk starts {@value #AGENT} frames above the hooked
 * library method ({@code CallerLocator.find}, {@code WardenCore.requestStarting}, {@code
 * Warden.requestStarting}, {@code OkHttp4Adapter.onRequest}, {@code enterChain}); these stand-ins
 * live in a package the caller search skips, so the walk goes through as many frames as there.
 */
public final class CallerFrames {
  /** Agent frames between a hooked method and the walk, counted in a real openai-java call. */
  public static final int AGENT = 5;

  private CallerFrames() {}

  /** For {@code SdkFrames.call(depth, CallerFrames::find, null)}: {@link #AGENT} frames, then the walk. */
  public static Object find(Object ignored) {
    return agent(AGENT - 1);
  }

  /**
   * For {@code SdkFrames.call(depth, CallerFrames::capture, null)}: {@code Warden.captureCaller()}
   * under one frame, as openai-java's hook ({@code OpenAiJavaAdapter.enterExecute}) calls it at
   * {@code RetryingHttpClient.execute}: the walk starts 4 frames above that method there too.
   */
  public static Object capture(Object ignored) {
    return dev.aiwarden.bootstrap.Warden.captureCaller();
  }

  private static Caller agent(int frames) {
    return frames <= 1 ? CallerLocator.find() : agent(frames - 1);
  }
}
