package dev.aiwarden.provenance;

/** The shape of a credential: the value of {@code aiwarden.key.kind}. */
public enum KeyKind {
  OPENAI_API_KEY("openai_api_key"),
  AZURE_API_KEY("azure_api_key"),
  ENTRA_ID_TOKEN("entra_id_token"),
  BEARER("bearer"),
  NONE("none");

  private final String id;

  KeyKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
