package dev.aiwarden.exchange;

/**
 * What an AI request asks for, read from its JSON body by a streaming parser. Every field is null
 * (or false / 0) when the body did not say. Holds the prompt text in memory only so that the
 * policy can look at it; it is never written anywhere unless {@code prompts.capture: full}.
 */
public final class RequestInfo {
  public String model;
  /** Number of chat/responses input messages, or null when the body has no message list. */
  public Integer messages;
  /** Total characters (UTF-16 code units) of all prompt text. */
  public long promptChars;
  /** First 16 hex digits of SHA-256 over the UTF-8 prompt text (parts joined by '\n'), or null. */
  public String promptSha256;
  /** {@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens}. */
  public Long maxTokens;
  public Double temperature;
  public boolean stream;
  /** {@code stream_options.include_usage}. */
  public boolean includeUsage;
  /** {@code n}: number of choices or images asked for. */
  public Integer n;
  /** Image {@code size}, e.g. {@code 1024x1024}. */
  public String imageSize;
  /** {@code user}, or Azure's {@code user_security_context.end_user_id}. */
  public String endUser;
  /** The prompt text (all parts joined by '\n'); in memory only. */
  public String promptText;
  /**
   * The same text read without a string being made of it (while the policy decides): a view of a
   * per-thread buffer, valid only on the thread that read the body until the next body is read
   * there. The core clears it as soon as the policy has decided; null otherwise.
   */
  public CharSequence promptView;
  /** The prompt text to inspect: {@link #promptText}, else {@link #promptView}, else null. */
  public CharSequence promptTextToInspect() {
    return promptText != null ? promptText : promptView;
  }

  /** True when the body could not be read completely as JSON (broken, truncated, not JSON). */
  public boolean unparsed;
}
