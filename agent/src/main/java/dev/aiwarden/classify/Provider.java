package dev.aiwarden.classify;

/** The GenAI provider of a call: the value of {@code gen_ai.provider.name}. */
public enum Provider {
  OPENAI("openai"),
  AZURE_OPENAI("azure.ai.openai");

  private final String id;

  Provider(String id) {
    this.id = id;
  }

  /** The attribute value, e.g. {@code azure.ai.openai}. */
  public String id() {
    return id;
  }
}
