package dev.aiwarden.policy;

import dev.aiwarden.core.AiCall;

/**
 * The decision seam: consulted for every AI call after classification and provenance, before a
 * byte of the request leaves the process. Must be cheap and must not throw.
 */
public interface PolicyEngine {

  /** The verdict on a call about to leave. */
  Decision decide(AiCall call);

  /** Told about every finished call (tokens, content-filter results) for limits and abuse rules. */
  default void onCompleted(AiCall call) {}

  /**
   * Whether {@link #decide} (or the span, with {@code prompts.capture: full}) reads the prompt
   * text. When false the request parser hashes and counts the prompt as it reads the body and never
   * builds the text. Defaults to true.
   */
  default boolean needsPromptText() {
    return true;
  }
}
