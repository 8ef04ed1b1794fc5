package com.openai.aiwardenbench;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import java.util.function.Function;

/**
 * {@code Warden.requestStarting} with fixed arguments, as a hook's adapter calls it, for {@link
 * SdkFrames#call} (so its frame, too, is one the caller search skips). Returns the call handle, or
 * the denial.
 */
public final class CoreRequest implements Function<Object, Object> {
  private final String client;
  private final String url;
  private final String host;
  private final int port;
  private final String path;
  private final String[] headers;
  private final byte[] body;

  public CoreRequest(String client, String url, String host, int port, String path, String[] headers, byte[] body) {
    this.client = client;
    this.url = url;
    this.host = host;
    this.port = port;
    this.path = path;
    this.headers = headers;
    this.body = body;
  }

  @Override
  public Object apply(Object ignored) {
    try {
      return Warden.requestStarting(client, "POST", url, host, port, path, headers, body, null);
    } catch (PolicyDeniedException denied) {
      return denied;
    }
  }
}
