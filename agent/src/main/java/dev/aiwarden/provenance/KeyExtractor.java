package dev.aiwarden.provenance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiwarden.classify.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the credential of an AI request in its headers and tells its kind by its shape.
 *
 * <p>Which header: {@code api-key} (Azure) wins over {@code Authorization}. From {@code
 * Authorization}, the token after the {@code Bearer} scheme (any case, trimmed); a value without a
 * scheme (no blank in it) is taken as the token itself; a value with another scheme ({@code Basic
 * ...}) is kept whole and is a {@link KeyKind#BEARER}. Empty or blank headers count as absent.
 *
 * <p>Kinds, first match wins:
 *
 * <ul>
 *   <li>{@link KeyKind#OPENAI_API_KEY}: {@code sk-} followed by at least 17 characters of {@code
 *       [A-Za-z0-9_-]} (project {@code sk-proj-}, service account {@code sk-svcacct-}, admin {@code
 *       sk-admin-} and legacy {@code sk-} + 48 keys). Not {@code sk-ant-} (Anthropic). Shorter
 *       {@code sk-} values (a proxy's {@code sk-1234} master key) are not taken for OpenAI keys.
 *   <li>{@link KeyKind#AZURE_API_KEY}: 32 hex digits (classic Azure OpenAI / Cognitive Services
 *       keys), or the 84-character Azure AI Services key: {@code [A-Za-z0-9]{84}} with the fixed
 *       markers {@code JQQJ9} at offset 52 and {@code ACOG} (Azure Cognitive Services) at offset 76.
 *   <li>{@link KeyKind#ENTRA_ID_TOKEN}: a JWT (three base64url segments, the first decoding to a
 *       JSON object with {@code alg}) that is a Microsoft identity platform token: it has a {@code
 *       tid} claim or an issuer under {@code login.microsoftonline.com} / {@code sts.windows.net}.
 *       Tenant from {@code tid}; app from {@code appid} (v1 tokens), else {@code azp} (v2 tokens).
 *       The signature is not checked. Other JWTs are {@link KeyKind#BEARER}.
 *   <li>Anything else: {@link KeyKind#AZURE_API_KEY} when it came in the {@code api-key} header
 *       (that header is Azure's, whatever the key looks like), else {@link KeyKind#BEARER}.
 * </ul>
 *
 * <p>No header: {@link ApiKey#NONE}. Results are cached per header value (at most 64 per header),
 * so a key seen again is not hashed again.
 */
public final class KeyExtractor {
  static final int CACHE_SIZE = 64;

  private static final ConcurrentHashMap<String, ApiKey> BY_API_KEY_HEADER =
      new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, ApiKey> BY_AUTHORIZATION =
      new ConcurrentHashMap<>();

  private KeyExtractor() {}

  /**
   * The credential of a request. Never throws and never returns null.
   *
   * @param authorizationHeader the {@code Authorization} header, or null
   * @param apiKeyHeader the {@code api-key} header, or null
   */
  public static ApiKey fromHeaders(String authorizationHeader, String apiKeyHeader) {
    try {
      if (!isBlank(apiKeyHeader)) {
        return cached(BY_API_KEY_HEADER, apiKeyHeader, true);
      }
      if (!isBlank(authorizationHeader)) {
        return cached(BY_AUTHORIZATION, authorizationHeader, false);
      }
    } catch (RuntimeException | StackOverflowError e) {
      // fall through: a header we cannot read is no key
    }
    return ApiKey.NONE;
  }

  private static ApiKey cached(
      ConcurrentHashMap<String, ApiKey> cache, String header, boolean apiKeyHeader) {
    ApiKey key = cache.get(header);
    if (key != null) {
      return key;
    }
    key = apiKeyHeader ? fromApiKeyHeader(header) : fromAuthorization(header);
    if (cache.size() >= CACHE_SIZE) {
      // Bounded: drop some entry. Which one does not matter much for a handful of keys.
      Iterator<String> it = cache.keySet().iterator();
      if (it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    cache.put(header, key);
    return key;
  }

  /** Number of cached header values (for tests). */
  static int cacheSize() {
    return BY_API_KEY_HEADER.size() + BY_AUTHORIZATION.size();
  }

  static ApiKey fromApiKeyHeader(String header) {
    String token = header.trim();
    return build(token, true);
  }

  static ApiKey fromAuthorization(String header) {
    String value = header.trim();
    String token;
    int blank = indexOfBlank(value);
    if (blank < 0) {
      if (value.equalsIgnoreCase("Bearer")) {
        return ApiKey.NONE; // "Bearer " with nothing after it
      }
      token = value; // no scheme: the raw key
    } else if (blank == 6 && value.regionMatches(true, 0, "Bearer", 0, 6)) {
      token = value.substring(blank).trim();
      if (token.isEmpty()) {
        return ApiKey.NONE;
      }
    } else {
      // Another scheme (Basic, Digest, ...): the whole value is the credential.
      return new ApiKey(
          KeyKind.BEARER, value, Fingerprints.fingerprint(value), Fingerprints.hint(value), null, null);
    }
    return build(token, false);
  }

  private static ApiKey build(String token, boolean apiKeyHeader) {
    String fingerprint = Fingerprints.fingerprint(token);
    String hint = Fingerprints.hint(token);
    if (isOpenAiKey(token)) {
      return new ApiKey(KeyKind.OPENAI_API_KEY, token, fingerprint, hint, null, null);
    }
    if (isAzureKey(token)) {
      return new ApiKey(KeyKind.AZURE_API_KEY, token, fingerprint, hint, null, null);
    }
    String[] claims = entraClaims(token);
    if (claims != null) {
      return new ApiKey(KeyKind.ENTRA_ID_TOKEN, token, fingerprint, hint, claims[0], claims[1]);
    }
    KeyKind kind = apiKeyHeader ? KeyKind.AZURE_API_KEY : KeyKind.BEARER;
    return new ApiKey(kind, token, fingerprint, hint, null, null);
  }

  /** {@code sk-} + at least 17 of {@code [A-Za-z0-9_-]}, not Anthropic's {@code sk-ant-}. */
  static boolean isOpenAiKey(String s) {
    if (s.length() < 20 || !s.startsWith("sk-") || s.startsWith("sk-ant-")) {
      return false;
    }
    for (int i = 3; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }

  /** 32 hex digits, or an 84-character Azure AI Services key with its fixed markers. */
  static boolean isAzureKey(String s) {
    if (s.length() == 32) {
      for (int i = 0; i < 32; i++) {
        if (Character.digit(s.charAt(i), 16) < 0) {
          return false;
        }
      }
      return true;
    }
    if (s.length() == 84) {
      for (int i = 0; i < 84; i++) {
        if (!isAlnum(s.charAt(i))) {
          return false;
        }
      }
      return s.startsWith("JQQJ9", 52) && s.startsWith("ACOG", 76);
    }
    return false;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isBlank(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int indexOfBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        return i;
      }
    }
    return -1;
  }

  /**
   * {tenant, app} of a Microsoft identity platform JWT (either may be null), or null when the token
   * is not one.
   */
  static String[] entraClaims(String token) {
    int dot1 = token.indexOf('.');
    if (dot1 <= 0) {
      return null;
    }
    int dot2 = token.indexOf('.', dot1 + 1);
    if (dot2 <= dot1 + 1 || token.indexOf('.', dot2 + 1) >= 0) {
      return null; // not exactly three segments (a JWE has five)
    }
    if (!isBase64Url(token, 0, dot1)
        || !isBase64Url(token, dot1 + 1, dot2)
        || !isBase64Url(token, dot2 + 1, token.length())) {
      return null;
    }
    byte[] header = decode(token, 0, dot1);
    if (header == null || !hasAlg(header)) {
      return null;
    }
    byte[] payload = decode(token, dot1 + 1, dot2);
    if (payload == null) {
      return null;
    }
    return readClaims(payload);
  }

  private static boolean isBase64Url(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_' && c != '=') {
        return false;
      }
    }
    return true;
  }

  private static byte[] decode(String s, int start, int end) {
    int e = end;
    while (e > start && s.charAt(e - 1) == '=') {
      e--;
    }
    try {
      return Base64.getUrlDecoder().decode(s.substring(start, e));
    } catch (IllegalArgumentException ex) {
      return null;
    }
  }

  private static boolean hasAlg(byte[] header) {
    try (JsonParser p = Json.factory().createParser(header)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("alg".equals(name)) {
          return value == JsonToken.VALUE_STRING;
        }
        p.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** {tid, appid or azp} when the claims are a Microsoft token's, else null. */
  private static String[] readClaims(byte[] payload) {
    String tid = null;
    String appid = null;
    String azp = null;
    String iss = null;
    try (JsonParser p = Json.factory().createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        String text = null;
        if (value == JsonToken.VALUE_STRING) {
          text = p.getText();
        } else {
          p.skipChildren();
        }
        switch (name) {
          case "tid":
            tid = text;
            break;
          case "appid":
            appid = text;
            break;
          case "azp":
            azp = text;
            break;
          case "iss":
            iss = text;
            break;
          default:
            break;
        }
      }
    } catch (IOException e) {
      return null;
    }
    boolean microsoft =
        tid != null
            || (iss != null
                && (iss.contains("login.microsoftonline.com") || iss.contains("sts.windows.net")));
    if (!microsoft) {
      return null;
    }
    return new String[] {tid, appid != null ? appid : azp};
  }
}
