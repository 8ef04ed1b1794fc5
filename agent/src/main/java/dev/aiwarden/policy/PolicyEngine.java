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

  /**
   * Whether the prompt text must also be kept as a string after {@link #decide} (a span carries
   * it: {@code prompts.capture: full}). When false, {@link #decide} reads the text through {@link
   * dev.aiwarden.exchange.RequestInfo#promptTextToInspect}, and no string is made of it. Defaults to
   * {@link #needsPromptText}.
   */
  default boolean needsPromptString() {
    return needsPromptText();
  }
}
