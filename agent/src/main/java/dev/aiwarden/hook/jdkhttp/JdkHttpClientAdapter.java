package dev.aiwarden.hook.jdkhttp;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a {@code java.net.http.HttpClient} exchange into ai-warden's neutral exchange. Injected
 * into the class loader of {@code java.net.http} (the platform loader); uses JDK types and {@link
 * Warden} only. Never throws: {@link #onRequest} returns (not throws) a {@link
 * PolicyDeniedException} for the advice to turn into a failed future.
 */
public final class JdkHttpClientAdapter {
  /** Frames of the agent's own code (its OTLP exporter uses this client): never an AI call. */
  private static final String AGENT_PREFIX = "dev.aiwarden.shaded.";

  /** How far up the stack the agent's own sender is looked for. */
  private static final long AGENT_FRAMES = 24;

  private JdkHttpClientAdapter() {}

  /**
   * Called on the application's thread at the start of every {@code send} and {@code sendAsync}.
   * Returns the call handle, a {@link PolicyDeniedException}, or null when not an AI call.
   */
  public static Object onRequest(Object req) {
    try {
      HttpRequest request = (HttpRequest) req;
      URI uri = request.uri();
      String host = uri.getHost();
      int port = port(uri);
      String path = uri.getRawPath();
      // Not an AI call; the agent's own exporter threads; or an outer hook (azure-core over its JDK
      // client) that already records this call: one AI call, one span. The thread's state is
      // looked at only for an AI call, so other threads' requests leave no agent state behind.
      if (!Warden.isAiCall(host, port, path) || Warden.suppressedOrHandledOutside() || fromAgent()) {
        return null;
      }
      return Warden.requestStarting(
          "jdk-httpclient",
          request.method(),
          uri.toString(),
          host,
          port,
          path,
          flatten(request.headers()),
          RequestBodies.copyOf(request.bodyPublisher().orElse(null), uri.toString()),
          null);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("jdk-httpclient.request", t);
      return null;
    }
  }

  /** The application's body handler, wrapped so the response's bytes are seen as they pass. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Object wrapHandler(Object handle, Object handler) {
    if (handle == null || handle instanceof PolicyDeniedException || handler == null) {
      return handler;
    }
    try {
      return new TeeBodyHandler(handle, (BodyHandler) handler);
    } catch (Throwable t) {
      Warden.hookError("jdk-httpclient.handler", t);
      return handler;
    }
  }

  /** After {@code sendAsync} returned: a call that fails before its body arrives ends here. */
  public static void onSent(Object handle, Object future, Throwable thrown) {
    if (handle == null || handle instanceof PolicyDeniedException) {
      return;
    }
    try {
      if (thrown != null || !(future instanceof CompletableFuture)) {
        Warden.failed(handle, thrown);
        return;
      }
      ((CompletableFuture<?>) future)
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  Warden.failed(
                      handle,
                      error instanceof java.util.concurrent.CompletionException
                              && error.getCause() != null
                          ? error.getCause()
                          : error);
                }
              });
    } catch (Throwable t) {
      Warden.hookError("jdk-httpclient.sent", t);
    }
  }

  /** Woven before {@code sendAsync} returns (not for a denied call, which was skipped). */
  public static void exitSendAsync(Object handle, Object future) {
    onSent(handle, future, null);
  }

  /** Woven where {@code sendAsync} throws: ends the call, returns what to throw. */
  public static Throwable sendAsyncThrown(Object handle, Throwable thrown) {
    onSent(handle, null, thrown);
    return thrown;
  }

  /** What {@code sendAsync} returns for a denied call: a future failed with the denial. */
  public static Object deniedFuture(Object denial) {
    CompletableFuture<Object> failed = new CompletableFuture<>();
    failed.completeExceptionally((Throwable) denial);
    return failed;
  }

  /**
   * {@code send} wraps a failure of its future in a new {@code IOException}; a denial is given
   * back to the application as itself, so {@code catch (PolicyDeniedException e)} works.
   */
  public static Throwable unwrapDenial(Throwable thrown) {
    if (thrown != null
        && !(thrown instanceof PolicyDeniedException)
        && thrown.getCause() instanceof PolicyDeniedException) {
      return thrown.getCause();
    }
    return thrown;
  }

  static String[] flatten(HttpHeaders headers) {
    Map<String, List<String>> map = headers.map();
    int n = 0;
    for (List<String> values : map.values()) {
      n += values.size();
    }
    String[] flat = new String[2 * n];
    int i = 0;
    for (Map.Entry<String, List<String>> e : map.entrySet()) {
      for (String v : e.getValue()) {
        flat[i++] = e.getKey();
        flat[i++] = v;
      }
    }
    return flat;
  }

  private static int port(URI uri) {
    int port = uri.getPort();
    if (port != -1) {
      return port;
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * True when the agent's own code (its OTLP exporter) sends this request. Its sender calls the
   * client a few frames up; the walk stops there instead of climbing a deep application stack.
   */
  private static boolean fromAgent() {
    return StackWalker.getInstance()
        .walk(s -> s.limit(AGENT_FRAMES).anyMatch(f -> f.getClassName().startsWith(AGENT_PREFIX)));
  }
}
