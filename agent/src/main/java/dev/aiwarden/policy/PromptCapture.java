package dev.aiwarden.policy;

import java.util.Locale;

/**
 * {@code prompts.capture}: what of the prompt text goes on a call's span. {@link #HASH} (the
 * default) records {@code aiwarden.prompt.sha256}; {@link #NONE} records neither hash nor text;
 * {@link #FULL} records the text itself as {@code aiwarden.prompt.text} as well as the hash.
 * Character and message counts are recorded in every mode.
 */
public enum PromptCapture {
  NONE("none"),
  HASH("hash"),
  FULL("full");

  private final String id;

  PromptCapture(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The mode named {@code id}, or null. */
  static PromptCapture of(String id) {
    String v = id.toLowerCase(Locale.ROOT);
    for (PromptCapture c : values()) {
      if (c.id.equals(v)) {
        return c;
      }
    }
    return null;
  }
}
