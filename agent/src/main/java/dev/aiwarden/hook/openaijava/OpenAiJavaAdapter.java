package dev.aiwarden.hook.openaijava;

import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import dev.aiwarden.bootstrap.Warden;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds a synchronous openai-java AI call's caller at {@code RetryingHttpClient.execute}, the SDK's
 * outermost HTTP client, and keeps it on the thread ({@link Warden#keepCaller}) for the OkHttp
 * hook underneath, which then need not walk the stack itself.
 *
 * <p>Why: the caller walk is the dearest part of an openai-java call on Java 17 (each frame down
 * to the application's costs a frame object and the VM resolving its method, ~95 bytes). From
 * OkHttp's {@code getResponseWithInterceptorChain} the application's frame is 12 SDK and OkHttp
 * frames further down than from {@code RetryingHttpClient.execute}.
 *
 * <p>The answer is the same as the OkHttp hook's own walk: only when the retrying client's chain of
 * delegate {@code HttpClient}s (logging, workload identity, phantom-reachable closing, ...) is all
 * openai-java's own classes, ending in its {@code com.openai.client.okhttp.OkHttpClient} or in
 * Spring AI 2's OkHttp client, are the frames between the two points ones the walk skips ({@code
 * com.openai.}, {@code org.springframework.}, {@code okhttp3.}). A chain with any other client
 * (the application's) keeps nothing, and OkHttp walks as before. The OkHttp hook takes the kept caller only for the request to the same host, port and
 * path on the same thread while {@code execute} runs (retries included); anything else walks.
 *
 * <p>Injected into the class loader that loaded openai-java; uses only openai-java, JDK and {@link
 * Warden} types. Never throws.
 */
public final class OpenAiJavaAdapter {
  /** openai-java's OkHttp client: the end of an own delegate chain. */
  static final String OKHTTP_CLIENT = "com.openai.client.okhttp.OkHttpClient";

  /**
   * Spring AI 2's OkHttp client for openai-java-core (spring-ai-openai 2.0): the other end of a
   * chain whose frames the walk skips ({@code org.springframework.}). Its {@code execute} turns
   * the request into OkHttp's and runs it on the same thread; it calls no application code.
   */
  static final String SPRING_AI_OKHTTP_CLIENT =
      "org.springframework.ai.openai.http.okhttp.SpringAiOpenAiHttpClient";

  private static final String OWN_PREFIX = "com.openai.";

  /** Longest delegate chain followed (4.101 has six clients). */
  private static final int MAX_CHAIN = 16;

  /**
   * Set when this openai-java's {@code HttpRequest} lacks what the adapter reads (another major
   * version): the advice then does nothing, and OkHttp walks as before.
   */
  private static volatile boolean disabled;

  private OpenAiJavaAdapter() {}

  /**
   * Woven before {@code RetryingHttpClient.execute(request, options)}: for an AI request through
   * openai-java's own clients, finds the caller and keeps it for this thread.
   *
   * @return the token for {@link #exitExecute}, or null when nothing was kept
   */
  public static Object enterExecute(Object client, Object request) {
    if (disabled) {
      return null;
    }
    try {
      Target target = target((HttpRequest) request);
      if (target.path == null
          || !Warden.isAiCall(target.host, target.port, target.path)
          || !ownFrames(client)) {
        return null;
      }
      // Walked from this frame when the thread's walks repeat (Warden.captureCaller's frame is
      // then not filled); the same answer either way.
      StackWalker walker = Warden.hookCallerWalker();
      Function<Stream<StackWalker.StackFrame>, Object> search =
          walker == null ? null : Warden.hookCallerSearch();
      Object caller = search == null ? Warden.captureCaller() : walker.walk(search);
      // Null when there is no application frame (or no core): OkHttp's walk answers as before.
      return caller == null ? null : Warden.keepCaller(target.host, target.port, target.path, caller);
    } catch (LinkageError otherVersion) {
      disabled = true;
      Warden.hookError("openai-java.execute", otherVersion);
      return null;
    } catch (Throwable t) {
      Warden.hookError("openai-java.execute", t);
      return null;
    }
  }

  /** Woven where {@code execute} returns or throws: puts back what was kept before. */
  public static void exitExecute(Object token) {
    Warden.restoreCaller(token);
  }

  // ---- the request's host, port and path, as OkHttp will see them ----

  /** Targets seen last (base URL and path segments), replaced round-robin; read without a lock. */
  private static final Target[] TARGETS = new Target[8];

  private static int nextTarget;

  /**
   * The host, port and path of {@code request}: looked up by its base URL and path segments (the
   * same strings call after call), so a repeated request makes no string.
   */
  static Target target(HttpRequest request) {
    String baseUrl = request.baseUrl();
    List<String> segments = request.pathSegments();
    Target[] targets = TARGETS;
    for (int i = 0; i < targets.length; i++) {
      Target t = targets[i];
      if (t != null && t.is(baseUrl, segments)) {
        return t;
      }
    }
    Target made = Target.of(baseUrl, segments);
    targets[nextTarget++ & (targets.length - 1)] = made;
    return made;
  }

  /**
   * A base URL and path segments, and the host (lower case, as OkHttp's {@code HttpUrl.host()}),
   * port and path OkHttp's request for them has: openai-java's {@code HttpRequest.url()} appends
   * each segment after a {@code /}, URL-encoded. {@link #path} is null when the URL is not one this
   * adapter reads exactly (an unusual scheme, a query in the base URL, a segment that encoding or
   * OkHttp's path rules would change): then nothing is kept.
   */
  static final class Target {
    final String baseUrl;
    final String[] segments;
    final String host;
    final int port;
    final String path;

    private Target(String baseUrl, String[] segments, String host, int port, String path) {
      this.baseUrl = baseUrl;
      this.segments = segments;
      this.host = host;
      this.port = port;
      this.path = path;
    }

    boolean is(String baseUrl, List<String> segments) {
      if (!this.baseUrl.equals(baseUrl) || this.segments.length != segments.size()) {
        return false;
      }
      for (int i = 0; i < this.segments.length; i++) {
        if (!this.segments[i].equals(segments.get(i))) {
          return false;
        }
      }
      return true;
    }

    static Target of(String baseUrl, List<String> segmentList) {
      String[] segments = segmentList.toArray(new String[0]);
      int schemeEnd = baseUrl.indexOf("://");
      String scheme = schemeEnd < 0 ? "" : baseUrl.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
      if (defaultPort < 0 || baseUrl.indexOf('?') >= 0 || baseUrl.indexOf('#') >= 0) {
        return new Target(baseUrl, segments, null, -1, null);
      }
      int authorityStart = schemeEnd + 3;
      int pathStart = baseUrl.indexOf('/', authorityStart);
      if (pathStart < 0) {
        pathStart = baseUrl.length();
      }
      String authority = baseUrl.substring(authorityStart, pathStart);
      authority = authority.substring(authority.lastIndexOf('@') + 1);
      String host;
      int port = defaultPort;
      int colon;
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        host = close < 0 ? "" : authority.substring(1, close);
        colon = close < 0 ? -1 : authority.indexOf(':', close);
      } else {
        colon = authority.indexOf(':');
        host = colon < 0 ? authority : authority.substring(0, colon);
      }
      try {
        if (colon >= 0 && colon + 1 < authority.length()) {
          port = Integer.parseInt(authority.substring(colon + 1));
        }
      } catch (NumberFormatException notAPort) {
        return new Target(baseUrl, segments, null, -1, null);
      }
      StringBuilder path = new StringBuilder(baseUrl.substring(pathStart));
      for (String segment : segments) {
        if (!plain(segment)) {
          return new Target(baseUrl, segments, null, -1, null);
        }
        if (path.length() == 0 || path.charAt(path.length() - 1) != '/') {
          path.append('/');
        }
        path.append(segment);
      }
      if (host.isEmpty() || !plain(path, 1)) {
        return new Target(baseUrl, segments, null, -1, null);
      }
      return new Target(baseUrl, segments, host.toLowerCase(Locale.ROOT), port, path.toString());
    }

    /** A segment {@code URLEncoder} and OkHttp leave as it is (no {@code .} or {@code ..}). */
    private static boolean plain(String segment) {
      return !segment.isEmpty() && !segment.equals(".") && !segment.equals("..") && plain(segment, 0);
    }

    /** Only letters, digits, {@code - . _} (and {@code /} from {@code from} on in a path). */
    private static boolean plain(CharSequence s, int from) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '-' || c == '.' || c == '_' || c == '/' && from > 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }

  // ---- are the frames between here and OkHttp's hook all openai-java's and OkHttp's? ----

  /** Retrying clients seen last and what {@link #ownChain} said of each; weakly held. */
  private static final Known[] KNOWN = new Known[4];

  private static int nextKnown;

  /**
   * True when {@code client}'s delegate chain is all openai-java's own {@code HttpClient}s down to
   * its OkHttp client. Decided once per client instance (weakly remembered: openai-java closes a
   * client's resources when it becomes unreachable, which a strong reference would stop).
   */
  static boolean ownFrames(Object client) {
    Known[] known = KNOWN;
    for (int i = 0; i < known.length; i++) {
      Known k = known[i];
      if (k != null && k.get() == client) {
        return k.own;
      }
    }
    StringBuilder chain = new StringBuilder();
    boolean own;
    try {
      own = ownChain(client, chain);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unreadable) {
      own = false; // a field we may not read (a module that does not open it): walk as before
      chain.append(" (not readable: ").append(unreadable.getClass().getName()).append(')');
    }
    known[nextKnown++ & (known.length - 1)] = new Known(client, own);
    // Once per client, class names only: tells a user why calls through it walk (or need not).
    Warden.hookDebug(
        (own
                ? "openai-java: AI calls' caller found at RetryingHttpClient.execute for client chain "
                : "openai-java: AI calls' caller walked for at OkHttp (not openai-java's or Spring AI's"
                    + " own OkHttp clients) for client chain ")
            + chain);
    return own;
  }

  /** {@link #ownChain(Object, StringBuilder)} without the description. */
  static boolean ownChain(Object client) throws IllegalAccessException {
    return ownChain(client, null);
  }

  /**
   * Follows each client's one {@code HttpClient} field, as long as the client is openai-java's
   * ({@code com.openai.}); true when it ends at {@link #OKHTTP_CLIENT} or {@link
   * #SPRING_AI_OKHTTP_CLIENT}. Appends the class names followed to {@code chain} when given.
   */
  static boolean ownChain(Object client, StringBuilder chain) throws IllegalAccessException {
    Object at = client;
    for (int hops = 0; hops < MAX_CHAIN && at != null; hops++) {
      Class<?> type = at.getClass();
      String name = type.getName();
      if (chain != null) {
        chain.append(hops == 0 ? "" : " -> ").append(name);
      }
      if (name.equals(OKHTTP_CLIENT) || name.equals(SPRING_AI_OKHTTP_CLIENT)) {
        return true;
      }
      if (!name.startsWith(OWN_PREFIX)) {
        return false;
      }
      Field next = delegate(type);
      if (next == null) {
        return false;
      }
      at = next.get(at);
    }
    return false;
  }

  /** The one instance field of {@code type} holding an {@code HttpClient}, or null. */
  private static Field delegate(Class<?> type) {
    if (type.getSuperclass() != Object.class) {
      return null; // fields of a super class could hold another client: not followed
    }
    Field found = null;
    for (Field f : type.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && HttpClient.class.isAssignableFrom(f.getType())) {
        if (found != null) {
          return null; // two clients: which one this call goes through is not known
        }
        found = f;
      }
    }
    if (found != null) {
      found.setAccessible(true);
    }
    return found;
  }

  /** A retrying client (weakly) and whether its chain is openai-java's own. */
  static final class Known extends WeakReference<Object> {
    final boolean own;

    Known(Object client, boolean own) {
      super(client);
      this.own = own;
    }
  }
}
