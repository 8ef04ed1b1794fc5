package dev.aiwarden.classify;

/** Where an AI call goes: the value of {@code aiwarden.endpoint.kind}. */
public enum EndpointKind {
  /** {@code api.openai.com}. */
  OPENAI("openai"),
  /** {@code *.openai.azure.com}, {@code *.cognitiveservices.azure.com}, {@code *.services.ai.azure.com}. */
  AZURE_OPENAI("azure_openai"),
  /** An OpenAI-shaped path on any other host: a proxy, a gateway, a self-hosted model. */
  OPENAI_COMPATIBLE("openai_compatible");

  private final String id;

  EndpointKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
