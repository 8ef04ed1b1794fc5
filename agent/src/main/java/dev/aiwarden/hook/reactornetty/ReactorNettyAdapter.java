package dev.aiwarden.hook.reactornetty;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.http.client.HttpClientInfos;

/**
 * Turns Reactor Netty's client exchange into ai-warden's neutral exchange. Injected into the
 * class loader that loaded Reactor Netty; uses only Reactor Netty, Netty, Reactor, JDK and {@link
 * Warden} types. Never throws: denials are returned for the advice to throw.
 *
 * <p>The call starts when the request is about to be written as one full message (headers and
 * body together, which Reactor Netty does for a {@code Mono} body: what WebClient's JSON encoder
 * and most SDKs send), so the policy sees the body before a byte leaves. The response is observed
 * message by message as Netty delivers it on the event loop ({@code onInboundNext}), without
 * taking or holding a buffer.
 */
public final class ReactorNettyAdapter {
  /** Calls in flight, by their {@code HttpClientOperations}. Removed when they end. */
  private static final ConcurrentHashMap<Object, Exchange> CALLS = new ConcurrentHashMap<>();

  private ReactorNettyAdapter() {}

  /**
   * {@code newFullBodyMessage(body)}: returns null, or a {@link PolicyDeniedException} (the body
   * buffer is then released: the message is never built).
   */
  public static Object onFullBody(Object operations, Object body) {
    return start(operations, (ByteBuf) body);
  }

  /** Woven before {@code newFullBodyMessage(body)}: a denial is thrown, the message never built. */
  public static void enterFullBody(Object operations, Object body) throws PolicyDeniedException {
    Object denied = onFullBody(operations, body);
    if (denied instanceof PolicyDeniedException) {
      throw (PolicyDeniedException) denied;
    }
  }

  /** Woven before {@code send(Publisher)}: a denial is thrown, nothing is sent. */
  public static void enterStreamedSend(Object operations, Object source)
      throws PolicyDeniedException {
    Object denied = onStreamedSend(operations, source);
    if (denied instanceof PolicyDeniedException) {
      throw (PolicyDeniedException) denied;
    }
  }

  /** Woven before {@code onInboundClose()} and {@code onInboundCancel()}. */
  public static void onClosed(Object operations) {
    onEnd(operations, null);
  }

  /** {@code send(Publisher)} with a streamed (non-{@code Mono}) body: starts without the body. */
  public static Object onStreamedSend(Object operations, Object source) {
    if (source instanceof reactor.core.publisher.Mono) {
      return null; // Reactor Netty sends it as one full message: onFullBody sees it.
    }
    return start(operations, null);
  }

  private static Object start(Object operations, ByteBuf body) {
    try {
      // Usually empty (an outer hook has the call, or nothing is in flight): no identity hash then.
      if (!CALLS.isEmpty() && CALLS.containsKey(operations)) {
        return null;
      }
      HttpClientInfos ops = (HttpClientInfos) operations;
      // An outer hook (azure-core) has this call: nothing to parse.
      if (ops.currentContextView().hasKey(Warden.HANDLED_CONTEXT_KEY)) {
        return null;
      }
      String url = ops.resourceUrl();
      Target target = Target.parse(url);
      if (target == null || !Warden.isAiCall(target.host, target.port, target.path)) {
        return null;
      }
      String path = target.path;
      int port = target.port;
      byte[] bytes = null;
      if (body != null) {
        bytes = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), bytes);
      }
      Object handle;
      try {
        handle =
            Warden.requestStarting(
                "reactor-netty",
                ops.method().name(),
                url,
                target.host,
                port,
                path,
                headers(ops.requestHeaders()),
                bytes,
                null);
      } catch (PolicyDeniedException denied) {
        if (body != null) {
          ReferenceCountUtil.safeRelease(body);
        }
        return denied;
      }
      if (handle != null) {
        CALLS.put(operations, new Exchange(handle));
      }
      return null;
    } catch (Throwable t) {
      Warden.hookError("reactor-netty.request", t);
      return null;
    }
  }

  /** {@code onInboundNext(ctx, msg)}: the response head, body chunks, and the last chunk. */
  public static void onInbound(Object operations, Object msg) {
    if (CALLS.isEmpty()) {
      return;
    }
    Exchange x = CALLS.get(operations);
    if (x == null) {
      return;
    }
    try {
      if (msg instanceof HttpResponse) {
        HttpResponse r = (HttpResponse) msg;
        String type = r.headers().get("Content-Type");
        x.body =
            new ObservedBody(
                x.handle, ObservedBody.isEventStream(type), r.status().code(), headers(r.headers()));
      }
      if (msg instanceof HttpContent && x.body != null) {
        ByteBuf content = ((HttpContent) msg).content();
        int n = content.readableBytes();
        if (n > 0 && !x.body.ended()) {
          // Straight from Netty's buffer into the inspection buffer: no array per chunk.
          if (content.hasArray()) {
            x.body.tap(content.array(), content.arrayOffset() + content.readerIndex(), n);
          } else {
            x.body.tap(content.nioBuffer(content.readerIndex(), n));
          }
        }
        if (msg instanceof LastHttpContent) {
          CALLS.remove(operations);
          x.body.end(null);
        }
      }
    } catch (Throwable t) {
      Warden.hookError("reactor-netty.response", t);
    }
  }

  /** The exchange ended before its last chunk: closed, cancelled ({@code error} null) or failed. */
  public static void onEnd(Object operations, Throwable error) {
    if (CALLS.isEmpty()) {
      return;
    }
    Exchange x = CALLS.remove(operations);
    if (x == null) {
      return;
    }
    if (x.body != null) {
      x.body.end(error);
    } else {
      Warden.failed(x.handle, error);
    }
  }

  static String[] headers(HttpHeaders headers) {
    String[] flat = new String[headers.size() * 2];
    int i = 0;
    for (Iterator<Map.Entry<String, String>> it = headers.iteratorAsString();
        it.hasNext() && i + 1 < flat.length; ) {
      Map.Entry<String, String> e = it.next();
      flat[i++] = e.getKey();
      flat[i++] = e.getValue();
    }
    return flat;
  }

  /** One call in flight: its handle, and its response body once the head has arrived. */
  static final class Exchange {
    final Object handle;
    volatile ObservedBody body;

    Exchange(Object handle) {
      this.handle = handle;
    }
  }

  /**
   * Host, port and raw path of an absolute {@code http(s)://} URL, read without {@link URI} (whose
   * parse allocates a dozen strings per request, AI or not); null when the URL is not that simple,
   * which is then parsed by {@link URI}.
   */
  static final class Target {
    final String host;
    final int port;
    final String path;

    Target(String host, int port, String path) {
      this.host = host;
      this.port = port;
      this.path = path;
    }

    static Target parse(String url) {
      int colon = url.indexOf("://");
      if (colon <= 0) {
        return fromUri(url);
      }
      boolean secure =
          url.regionMatches(true, 0, "https", 0, colon) && colon == 5
              || url.regionMatches(true, 0, "wss", 0, colon) && colon == 3;
      int start = colon + 3;
      int end = start;
      while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
        end++;
      }
      int hostEnd = end;
      int port = secure ? 443 : 80;
      for (int i = start; i < end; i++) {
        char c = url.charAt(i);
        if (c == '@' || c == '[' || c == ']' || c == '%') {
          return fromUri(url); // user info, IPv6 literal, escapes: leave it to URI
        }
        if (c == ':') {
          hostEnd = i;
          if (i + 1 < end) {
            int p = 0;
            for (int j = i + 1; j < end; j++) {
              char d = url.charAt(j);
              if (d < '0' || d > '9' || p > 65535) {
                return fromUri(url);
              }
              p = p * 10 + (d - '0');
            }
            port = p;
          }
          break;
        }
      }
      if (hostEnd == start) {
        return fromUri(url);
      }
      int pathEnd = end;
      while (pathEnd < url.length() && url.charAt(pathEnd) != '?' && url.charAt(pathEnd) != '#') {
        pathEnd++;
      }
      String path = pathEnd == end || url.charAt(end) != '/' ? "/" : url.substring(end, pathEnd);
      return new Target(url.substring(start, hostEnd), port, path);
    }

    private static Target fromUri(String url) {
      URI uri = URI.create(url);
      String scheme = uri.getScheme();
      boolean secure = "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
      int port = uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return uri.getHost() == null ? null : new Target(uri.getHost(), port, path);
    }
  }
}
