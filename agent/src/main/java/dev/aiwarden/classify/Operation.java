package dev.aiwarden.classify;

/** What an AI call asks for: the value of {@code gen_ai.operation.name}. */
public enum Operation {
  CHAT("chat"),
  EMBEDDINGS("embeddings"),
  TEXT_COMPLETION("text_completion"),
  IMAGE_GENERATION("image_generation"),
  RESPONSES("responses"),
  AUDIO("audio");

  private final String id;

  Operation(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
