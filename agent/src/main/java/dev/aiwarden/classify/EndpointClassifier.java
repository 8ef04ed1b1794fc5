package dev.aiwarden.classify;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides from host and path alone whether an HTTP request is an AI call, and which one.
 *
 * <p>Called for every outgoing request of the application, so a request that is not an AI call
 * costs a few comparisons on the given strings: no allocation, no regular expression, no
 * lower-cased copy. The path is looked at first (its end must be one of the operation suffixes
 * below), the host only after that.
 *
 * <p>Operations, matched case-sensitively at the end of the path (a query string or fragment and
 * one trailing {@code /} are ignored):
 *
 * <ul>
 *   <li>{@code /chat/completions}: {@link Operation#CHAT}
 *   <li>{@code /completions}: {@link Operation#TEXT_COMPLETION}
 *   <li>{@code /embeddings}: {@link Operation#EMBEDDINGS}
 *   <li>{@code /images/generations}, {@code /images/edits}, {@code /images/variations}: {@link
 *       Operation#IMAGE_GENERATION}
 *   <li>{@code /responses}: {@link Operation#RESPONSES}
 *   <li>{@code /audio/transcriptions}, {@code /audio/translations}, {@code /audio/speech}: {@link
 *       Operation#AUDIO}
 * </ul>
 *
 * <p>What comes before the suffix (the prefix) decides whether the call counts:
 *
 * <ul>
 *   <li>{@code api.openai.com}: the prefix must be {@code /v1} (or empty). So {@code
 *       /v1/organization/usage/completions} (the usage report) is not a completion.
 *   <li>{@code *.openai.azure.com}, {@code *.cognitiveservices.azure.com}, {@code
 *       *.services.ai.azure.com}: any prefix ({@code /openai/deployments/{d}}, {@code /openai},
 *       {@code /openai/v1}, {@code /models}, ...).
 *   <li>Any other host ({@link EndpointKind#OPENAI_COMPATIBLE}): the prefix must contain the
 *       segment {@code /v1} or {@code /openai} ({@code /v1/chat/completions}, {@code
 *       /api/openai/v1/embeddings}, {@code /v1beta/openai/chat/completions}, {@code
 *       /openai/deployments/{d}/chat/completions}), so {@code example.com/completions} is not an AI
 *       call. Its provider is {@link Provider#AZURE_OPENAI} when the path is Azure-shaped ({@code
 *       /openai/deployments/{d}/...}), else {@link Provider#OPENAI}.
 *   <li>On every host, a prefix ending in {@code /usage} is a usage report, not a call.
 * </ul>
 *
 * <p>Not AI calls for us (null), even on {@code api.openai.com}: everything else, such as {@code
 * /v1/models}, {@code /v1/files}, {@code /v1/batches}, {@code /v1/fine_tuning/...}, {@code
 * /v1/assistants}, {@code /v1/threads/...}, and reading or cancelling a stored response ({@code
 * /v1/responses/{id}}, {@code /v1/chat/completions/{id}}): these do not run a model on a prompt
 * of the request, and counting the usage of a read-back response again would double-count tokens.
 *
 * <p>The Azure deployment is the URL-decoded segment after {@code /openai/deployments/}.
 */
public final class EndpointClassifier {
  private static final String OPENAI_HOST = "api.openai.com";
  private static final String[] AZURE_HOST_SUFFIXES = {
    ".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"
  };
  private static final String DEPLOYMENTS = "/openai/deployments/";

  // Suffixes ending in 's', longest first where one ends another.
  private static final String[] S_SUFFIXES = {
    "/chat/completions",
    "/completions",
    "/embeddings",
    "/images/generations",
    "/images/edits",
    "/images/variations",
    "/responses",
    "/audio/transcriptions",
    "/audio/translations",
  };
  private static final Operation[] S_OPERATIONS = {
    Operation.CHAT,
    Operation.TEXT_COMPLETION,
    Operation.EMBEDDINGS,
    Operation.IMAGE_GENERATION,
    Operation.IMAGE_GENERATION,
    Operation.IMAGE_GENERATION,
    Operation.RESPONSES,
    Operation.AUDIO,
    Operation.AUDIO,
  };
  private static final String SPEECH = "/audio/speech";

  private EndpointClassifier() {}

  /**
   * The AI endpoint a request goes to, or null when it is not an AI call (also for a null host or
   * path). Never throws.
   *
   * @param host the host name as addressed (any case)
   * @param port the port, or -1 when unknown
   * @param path the request path, with or without query string
   */
  public static Endpoint classify(String host, int port, String path) {
    return path == null ? null : classify(host, port, path, 0, path.length());
  }

  /**
   * {@link #classify(String, int, String)} of the path {@code text[from, to)}, e.g. the path part
   * of a whole URL: a hook whose client keeps the URL as one string hands it over without cutting
   * the path out (no string per call). Never throws.
   */
  public static Endpoint classify(String host, int port, String text, int from, int to) {
    if (host == null || text == null) {
      return null;
    }
    try {
      if (from < 0 || to > text.length() || from > to) {
        return null;
      }
      return classifyChecked(host, port, text, from, to);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The path is {@code path[from, to)}: indexes below are into {@code path}. */
  private static Endpoint classifyChecked(String host, int port, String path, int from, int to) {
    int end = to;
    int q = path.indexOf('?', from);
    if (q >= 0 && q < end) {
      end = q;
    }
    int f = path.indexOf('#', from);
    if (f >= 0 && f < end) {
      end = f;
    }
    if (end - from > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    if (end == from) {
      return null;
    }

    // 1. The path's end: one character decides for most non-AI traffic.
    Operation op = null;
    int suffixStart = -1;
    char last = path.charAt(end - 1);
    if (last == 's') {
      for (int i = 0; i < S_SUFFIXES.length; i++) {
        String s = S_SUFFIXES[i];
        int start = end - s.length();
        if (start >= from && path.startsWith(s, start)) {
          op = S_OPERATIONS[i];
          suffixStart = start;
          break;
        }
      }
    } else if (last == 'h') {
      int start = end - SPEECH.length();
      if (start >= from && path.startsWith(SPEECH, start)) {
        op = Operation.AUDIO;
        suffixStart = start;
      }
    }
    if (op == null) {
      return null;
    }
    // The same endpoint as last time (a service calls few): no new Endpoint, host or deployment.
    Last seen = LAST;
    if (seen != null && seen.port == port && seen.isPath(path, from, to) && seen.host.equals(host)) {
      return seen.endpoint;
    }
    // suffixStart is the end of the prefix: path[from, suffixStart).
    if (endsWith(path, from, suffixStart, "/usage")) {
      return null;
    }

    // 2. The host.
    EndpointKind kind;
    if (host.equalsIgnoreCase(OPENAI_HOST)) {
      if (suffixStart != from && !(suffixStart - from == 3 && path.startsWith("/v1", from))) {
        return null;
      }
      kind = EndpointKind.OPENAI;
    } else if (isAzureHost(host)) {
      kind = EndpointKind.AZURE_OPENAI;
    } else {
      if (!hasSegment(path, from, suffixStart, "/v1") && !hasSegment(path, from, suffixStart, "/openai")) {
        return null;
      }
      kind = EndpointKind.OPENAI_COMPATIBLE;
    }

    // An AI call: from here on allocation is fine.
    String deployment = deployment(path, from, suffixStart);
    Provider provider;
    if (kind == EndpointKind.OPENAI) {
      provider = Provider.OPENAI;
    } else if (kind == EndpointKind.AZURE_OPENAI) {
      provider = Provider.AZURE_OPENAI;
    } else {
      provider = deployment != null ? Provider.AZURE_OPENAI : Provider.OPENAI;
    }
    Endpoint endpoint = new Endpoint(kind, provider, op, host.toLowerCase(Locale.ROOT), port, deployment);
    LAST = new Last(host, port, from == 0 && to == path.length() ? path : path.substring(from, to), endpoint);
    return endpoint;
  }

  /**
   * The last AI endpoint classified and what it was classified from: an {@link Endpoint} is
   * immutable, and the same host, port and path always give the same one. One entry, replaced
   * whole (no lock): calls that alternate between endpoints just miss.
   */
  private static volatile Last LAST;

  private static final class Last {
    final String host;
    final int port;
    final String path;
    final Endpoint endpoint;

    Last(String host, int port, String path, Endpoint endpoint) {
      this.host = host;
      this.port = port;
      this.path = path;
      this.endpoint = endpoint;
    }

    /** Whether {@code text[from, to)} is this path. */
    boolean isPath(String text, int from, int to) {
      int length = to - from;
      return path.length() == length && text.regionMatches(from, path, 0, length);
    }
  }

  /** True for a host under one of the Azure OpenAI domains (any case). */
  static boolean isAzureHost(String host) {
    for (String suffix : AZURE_HOST_SUFFIXES) {
      int start = host.length() - suffix.length();
      if (start > 0 && host.regionMatches(true, start, suffix, 0, suffix.length())) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code path[from, end)} ends with {@code s}. */
  private static boolean endsWith(String path, int from, int end, String s) {
    int start = end - s.length();
    return start >= from && path.startsWith(s, start);
  }

  /**
   * True when {@code segment} (such as {@code /v1}) is a whole path segment of {@code
   * path[start, end)}: followed by {@code /} or by {@code end}.
   */
  private static boolean hasSegment(String path, int start, int end, String segment) {
    int from = start;
    while (true) {
      int i = path.indexOf(segment, from);
      if (i < 0 || i + segment.length() > end) {
        return false;
      }
      int after = i + segment.length();
      if (after == end || path.charAt(after) == '/') {
        return true;
      }
      from = i + 1;
    }
  }

  /** The URL-decoded deployment of an {@code /openai/deployments/{d}/...} path, or null. */
  private static String deployment(String path, int from, int prefixEnd) {
    int i = path.indexOf(DEPLOYMENTS, from);
    if (i < 0 || i + DEPLOYMENTS.length() >= prefixEnd) {
      return null;
    }
    int start = i + DEPLOYMENTS.length();
    int slash = path.indexOf('/', start);
    int end = slash < 0 || slash > prefixEnd ? prefixEnd : slash;
    if (end <= start) {
      return null;
    }
    return percentDecode(path, start, end);
  }

  /** Decodes {@code %XX} escapes as UTF-8; a malformed escape is kept as it is. */
  static String percentDecode(String s, int start, int end) {
    int firstPercent = s.indexOf('%', start);
    if (firstPercent < 0 || firstPercent >= end) {
      return s.substring(start, end);
    }
    StringBuilder out = new StringBuilder(end - start);
    byte[] run = new byte[end - start];
    int i = start;
    while (i < end) {
      int n = 0;
      while (i + 2 < end && isEscape(s, i)) {
        run[n++] = (byte) ((Character.digit(s.charAt(i + 1), 16) << 4)
            | Character.digit(s.charAt(i + 2), 16));
        i += 3;
      }
      if (n > 0) {
        out.append(new String(run, 0, n, StandardCharsets.UTF_8));
      }
      if (i < end) {
        out.append(s.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isEscape(String s, int i) {
    return s.charAt(i) == '%'
        && Character.digit(s.charAt(i + 1), 16) >= 0
        && Character.digit(s.charAt(i + 2), 16) >= 0;
  }
}
