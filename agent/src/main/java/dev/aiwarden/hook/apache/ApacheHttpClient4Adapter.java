package dev.aiwarden.hook.apache;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.HttpEntityWrapper;

/**
 * Turns Apache HttpClient 4.x requests and responses into ai-warden's neutral exchange. Injected
 * into the class loader that loaded HttpClient 4; uses only HttpClient 4, JDK and {@link Warden}
 * types. Never throws: {@link #onRequest} returns (not throws) a {@link PolicyDeniedException}.
 */
public final class ApacheHttpClient4Adapter {
  private ApacheHttpClient4Adapter() {}

  /** Returns the call handle, a {@link PolicyDeniedException}, or null when not an AI call. */
  public static Object onRequest(Object target, Object request) {
    try {
      HttpRequest req = (HttpRequest) request;
      URI uri =
          req instanceof HttpUriRequest
              ? ((HttpUriRequest) req).getURI()
              : URI.create(req.getRequestLine().getUri());
      HttpHost host = (HttpHost) target;
      String scheme = host != null ? host.getSchemeName() : uri.getScheme();
      String hostName = host != null ? host.getHostName() : uri.getHost();
      int port = host != null ? host.getPort() : uri.getPort();
      if (hostName == null) {
        return null;
      }
      if (scheme == null) {
        scheme = "http";
      }
      boolean https = "https".equalsIgnoreCase(scheme);
      if (port < 0) {
        port = https ? 443 : 80;
      }
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (!Warden.isAiCall(hostName, port, path) || Warden.handledOutside()) {
        return null;
      }
      String url =
          scheme + "://" + hostName + (port == (https ? 443 : 80) ? "" : ":" + port) + path
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      HttpEntity entity =
          req instanceof HttpEntityEnclosingRequest
              ? ((HttpEntityEnclosingRequest) req).getEntity()
              : null;
      Header type = entity == null ? null : entity.getContentType();
      return Warden.requestStarting(
          "apache-httpclient-4",
          req.getRequestLine().getMethod(),
          url,
          hostName,
          port,
          path,
          headers(req.getAllHeaders(), type == null ? null : type.getValue()),
          bodyBytes(entity),
          null);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("apache4.request", t);
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
      HttpResponse r = (HttpResponse) response;
      int status = r.getStatusLine().getStatusCode();
      String[] headers = headers(r.getAllHeaders(), null);
      HttpEntity entity = r.getEntity();
      if (entity == null) {
        Warden.responseReceived(handle, status, headers, null);
        return;
      }
      Header type = entity.getContentType();
      if (type == null) {
        type = r.getFirstHeader("Content-Type");
      }
      ObservedBody body =
          new ObservedBody(
              handle, ObservedBody.isEventStream(type == null ? null : type.getValue()), status, headers);
      r.setEntity(new ObservedEntity(entity, body));
    } catch (Throwable t) {
      Warden.hookError("apache4.response", t);
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
        || entity.getContentLength() > ApacheHttpClient5Adapter.MAX_REQUEST_BODY) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entity.writeTo(out);
    return out.toByteArray();
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
    @SuppressWarnings("deprecation")
    public void consumeContent() throws IOException {
      try {
        super.consumeContent();
      } finally {
        body.end(null);
      }
    }
  }
}
