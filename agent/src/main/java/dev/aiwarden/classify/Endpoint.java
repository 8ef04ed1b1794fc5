package dev.aiwarden.classify;

/** The outcome of classifying a request's host and path as an AI call. Immutable. */
public final class Endpoint {
  private final EndpointKind kind;
  private final Provider provider;
  private final Operation operation;
  private final String host;
  private final int port;
  private final String deployment;

  public Endpoint(
      EndpointKind kind,
      Provider provider,
      Operation operation,
      String host,
      int port,
      String deployment) {
    this.kind = kind;
    this.provider = provider;
    this.operation = operation;
    this.host = host;
    this.port = port;
    this.deployment = deployment;
  }

  public EndpointKind kind() {
    return kind;
  }

  public Provider provider() {
    return provider;
  }

  public Operation operation() {
    return operation;
  }

  /** Lower-case host name as the client addressed it. */
  public String host() {
    return host;
  }

  /** The port, or -1 when unknown. */
  public int port() {
    return port;
  }

  /** The Azure deployment named in the URL ({@code /openai/deployments/{d}/...}), or null. */
  public String deployment() {
    return deployment;
  }

  @Override
  public String toString() {
    return kind.id() + " " + operation.id() + " " + host + ":" + port
        + (deployment == null ? "" : " deployment=" + deployment);
  }
}
