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
  private Object caller;

  public CoreRequest(String client, String url, String host, int port, String path, String[] headers, byte[] body) {
    this.client = client;
    this.url = url;
    this.host = host;
    this.port = port;
    this.path = path;
    this.headers = headers;
    this.body = body;
  }

  /**
   * The caller the next calls pass, as a hook that found it earlier does (null, the default: the
   * core walks the stack itself).
   */
  public CoreRequest caller(Object caller) {
    this.caller = caller;
    return this;
  }

  @Override
  public Object apply(Object ignored) {
    try {
      return Warden.requestStarting(client, "POST", url, host, port, path, headers, body, caller);
    } catch (PolicyDeniedException denied) {
      return denied;
    }
  }
}
