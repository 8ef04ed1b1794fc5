package dev.aiwarden.hook.apache;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Turns Apache HttpClient 5 classic requests and responses into ai-warden's neutral exchange.
 * Injected into the class loader that loaded HttpClient 5; uses only HttpClient 5, JDK and {@link
 * Warden} types. Never throws: {@link #onRequest} returns (not throws) a {@link
 * PolicyDeniedException} for the advice to throw.
 */
public final class ApacheHttpClient5Adapter {
  /** Request bodies larger than this are not copied for inspection. */
  static final long MAX_REQUEST_BODY = 16L * 1024 * 1024;

  private ApacheHttpClient5Adapter() {}

  /** Returns the call handle, a {@link PolicyDeniedException}, or null when not an AI call. */
  public static Object onRequest(Object target, Object request) {
    try {
      ClassicHttpRequest req = (ClassicHttpRequest) request;
      Target t = Target.of((HttpHost) target, req);
      if (t == null || !Warden.isAiCall(t.host, t.port, t.path) || Warden.handledOutside()) {
        return null;
      }
      HttpEntity entity = req.getEntity();
      return Warden.requestStarting(
          "apache-httpclient-5",
          req.getMethod(),
          t.url,
          t.host,
          t.port,
          t.path,
          headers(req.getHeaders(), entity == null ? null : entity.getContentType()),
          bodyBytes(entity),
          null);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("apache5.request", t);
      return null;
    }
  }

  /**
   * Woven before {@code doExecute}: the call's handle (null when not an AI call); a denial is
   * thrown to the application, and the request never leaves.
   */
  public static Object enterRequest(Object target, Object request) throws PolicyDeniedException {
    Object handle = onRequest(target, request);
    if (handle instanceof PolicyDeniedException) {
      throw (PolicyDeniedException) handle;
    }
    return handle;
  }

  /** Woven before {@code doExecute} returns ({@link #onResponse} never throws). */
  public static void exitResponse(Object handle, Object response) {
    if (handle != null) {
      onResponse(handle, response, null);
    }
  }

  /** Woven where {@code doExecute} throws: ends the call, returns what to throw. */
  public static Throwable responseThrown(Object handle, Throwable thrown) {
    if (handle != null) {
      onResponse(handle, null, thrown);
    }
    return thrown;
  }

  /** Observes the response's body as the application reads it; never replaces the response. */
  public static void onResponse(Object handle, Object response, Throwable thrown) {
    if (thrown != null || response == null) {
      Warden.failed(handle, thrown);
      return;
    }
    try {
      ClassicHttpResponse r = (ClassicHttpResponse) response;
      String[] headers = headers(r.getHeaders(), null);
      HttpEntity entity = r.getEntity();
      if (entity == null) {
        Warden.responseReceived(handle, r.getCode(), headers, null);
        return;
      }
      String type = entity.getContentType();
      if (type == null) {
        Header h = r.getFirstHeader("Content-Type");
        type = h == null ? null : h.getValue();
      }
      ObservedBody body =
          new ObservedBody(handle, ObservedBody.isEventStream(type), r.getCode(), headers);
      r.setEntity(new ObservedEntity(entity, body));
    } catch (Throwable t) {
      Warden.hookError("apache5.response", t);
      Warden.failed(handle, t);
    }
  }

  static String[] headers(Header[] headers, String contentType) {
    int n = headers.length;
    String[] flat = new String[(n + (contentType == null ? 0 : 1)) * 2];
    for (int i = 0; i < n; i++) {
      flat[2 * i] = headers[i].getName();
      flat[2 * i + 1] = headers[i].getValue();
    }
    if (contentType != null) {
      flat[2 * n] = "Content-Type";
      flat[2 * n + 1] = contentType;
    }
    return flat;
  }

  /** A repeatable body's bytes, written into a private buffer; a one-shot body is not touched. */
  private static byte[] bodyBytes(HttpEntity entity) throws IOException {
    if (entity == null
        || !entity.isRepeatable()
        || entity.getContentLength() > MAX_REQUEST_BODY) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entity.writeTo(out);
    return out.toByteArray();
  }

  /** Where a request goes: from the explicit target, else from the request's own authority. */
  static final class Target {
    final String host;
    final int port;
    final String path;
    final String url;

    private Target(String scheme, String host, int port, String pathAndQuery) {
      this.host = host;
      this.port = port;
      int q = pathAndQuery.indexOf('?');
      this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
      boolean defaultPort =
          port == ("https".equalsIgnoreCase(scheme) ? 443 : 80);
      this.url = scheme + "://" + host + (defaultPort ? "" : ":" + port) + pathAndQuery;
    }

    static Target of(HttpHost target, HttpRequest req) {
      String scheme;
      String host;
      int port;
      if (target != null) {
        scheme = target.getSchemeName();
        host = target.getHostName();
        port = target.getPort();
      } else {
        URIAuthority authority = req.getAuthority();
        if (authority == null) {
          return null;
        }
        scheme = req.getScheme();
        host = authority.getHostName();
        port = authority.getPort();
      }
      if (scheme == null) {
        scheme = "http";
      }
      if (port < 0) {
        port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
      }
      String path = req.getPath();
      return host == null ? null : new Target(scheme, host, port, path == null ? "/" : path);
    }
  }

  /** The application's entity, unchanged, with its content observed on the way through. */
  public static final class ObservedEntity extends HttpEntityWrapper {
    private final ObservedBody body;

    ObservedEntity(HttpEntity delegate, ObservedBody body) {
      super(delegate);
      this.body = body;
    }

    @Override
    public InputStream getContent() throws IOException {
      return body.wrapOnce(super.getContent());
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      ObservedBody.copyAndClose(getContent(), out);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        body.end(null);
      }
    }
  }
}
