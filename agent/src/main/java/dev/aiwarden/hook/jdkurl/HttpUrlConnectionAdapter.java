package dev.aiwarden.hook.jdkurl;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Turns an {@code HttpURLConnection} exchange into ai-warden's neutral exchange. Defined in the
 * bootstrap loader (the hooked class is in {@code java.base}); JDK types and {@link Warden} only.
 * Never throws: a denial is returned for the advice to throw.
 */
public final class HttpUrlConnectionAdapter {
  /** Connections whose call started at {@code getOutputStream} (streaming mode). */
  private static final Map<Object, Object> STARTED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static volatile Method getHeaders;

  private HttpUrlConnectionAdapter() {}

  /**
   * {@code getOutputStream} in fixed-length or chunked streaming mode: the headers leave now and
   * the body as the application writes it, so the call starts here, without its body.
   */
  public static Object onOutputStream(Object connection, Object userHeaders, boolean streaming) {
    if (!streaming || STARTED.containsKey(connection)) {
      return null;
    }
    Object handle = start(connection, null, false, userHeaders);
    if (handle != null && !(handle instanceof PolicyDeniedException)) {
      STARTED.put(connection, handle);
    }
    return handle;
  }

  /**
   * The first {@code getInputStream} (also behind {@code getResponseCode}): in the default,
   * buffered mode the whole request leaves now, body included.
   */
  public static Object onInputStream(Object connection, Object poster, Object userHeaders) {
    Object started = STARTED.isEmpty() ? null : STARTED.remove(connection);
    if (started != null) {
      return started;
    }
    return start(connection, poster, true, userHeaders);
  }

  private static Object start(Object conn, Object poster, boolean withBody, Object userHeaders) {
    try {
      HttpURLConnection connection = (HttpURLConnection) conn;
      URL url = connection.getURL();
      String host = url.getHost();
      int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
      String path = url.getPath();
      if (!Warden.isAiCall(host, port, path) || Warden.suppressedOrHandledOutside()) {
        return null; // not an AI call, the agent's own traffic, or a call an outer hook records
      }
      // The JDK's PosterOutputStream is a ByteArrayOutputStream: a copy, the original stays.
      byte[] body =
          withBody && poster instanceof ByteArrayOutputStream
              ? ((ByteArrayOutputStream) poster).toByteArray()
              : null;
      return Warden.requestStarting(
          "jdk-httpurlconnection",
          connection.getRequestMethod(),
          url.toString(),
          host,
          port,
          path,
          headers(userHeaders),
          body,
          null);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("httpurlconnection.request", t);
      return null;
    }
  }

  /**
   * Woven before {@code getOutputStream()}, with the connection's fields: in a streaming mode the
   * call starts here; a denial is thrown to the application.
   */
  public static void enterOutputStream(
      Object connection, Object userHeaders, int fixedLength, long fixedLengthLong, int chunkLength)
      throws PolicyDeniedException {
    Object handle =
        onOutputStream(
            connection,
            userHeaders,
            fixedLength != -1 || fixedLengthLong != -1 || chunkLength != -1);
    if (handle instanceof PolicyDeniedException) {
      throw (PolicyDeniedException) handle;
    }
  }

  /**
   * Woven before {@code getInputStream()}, with the connection's fields: the call's handle (null
   * when a stream or a failure is already there, or not an AI call); a denial is thrown.
   */
  public static Object enterInputStream(
      Object connection, Object existing, Object remembered, Object poster, Object userHeaders)
      throws PolicyDeniedException {
    if (existing != null || remembered != null) {
      return null;
    }
    Object handle = onInputStream(connection, poster, userHeaders);
    if (handle instanceof PolicyDeniedException) {
      throw (PolicyDeniedException) handle;
    }
    return handle;
  }

  /** Woven before {@code getInputStream()} returns: the stream the application gets. */
  public static Object exitInputStream(Object handle, Object connection, Object in, int status) {
    return handle == null ? in : onResponse(handle, connection, (InputStream) in, null, status);
  }

  /** The connection's {@code inputStream} after the exit: the tapped stream when it was tapped. */
  public static Object streamField(Object field, Object returned, Object tapped) {
    return tapped != returned ? tapped : field;
  }

  /** Woven where {@code getInputStream()} throws: ends the call, returns what to throw. */
  public static Throwable inputStreamThrown(
      Object handle, Object connection, Throwable thrown, int status) {
    if (handle != null) {
      onResponse(handle, connection, null, thrown, status);
    }
    return thrown;
  }

  /** After the first {@code getInputStream}: the stream the application gets, tapped. */
  public static InputStream onResponse(
      Object handle, Object conn, InputStream in, Throwable thrown, int status) {
    try {
      HttpURLConnection connection = (HttpURLConnection) conn;
      String[] headers = flatten(connection.getHeaderFields());
      if (thrown != null || in == null) {
        if (status > 0) {
          Warden.responseReceived(handle, status, headers, null);
        } else {
          Warden.failed(handle, thrown);
        }
        return in;
      }
      return new TapInputStream(in, handle, status, headers, connection.getContentType());
    } catch (Throwable t) {
      Warden.hookError("httpurlconnection.response", t);
      Warden.failed(handle, t);
      return in;
    }
  }

  @SuppressWarnings("unchecked")
  private static String[] headers(Object userHeaders) throws ReflectiveOperationException {
    if (userHeaders == null) {
      return new String[0];
    }
    Method m = getHeaders;
    if (m == null) {
      // sun.net.www.MessageHeader: java.base exports its package to this module (see the hook).
      m = userHeaders.getClass().getMethod("getHeaders");
      getHeaders = m;
    }
    return flatten((Map<String, List<String>>) m.invoke(userHeaders));
  }

  private static String[] flatten(Map<String, List<String>> map) {
    List<String> flat = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : map.entrySet()) {
      if (e.getKey() == null) {
        continue; // the status line
      }
      for (String v : e.getValue()) {
        flat.add(e.getKey());
        flat.add(v);
      }
    }
    return flat.toArray(new String[0]);
  }
}
