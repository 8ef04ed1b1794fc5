package dev.aiwarden.provenance;

/**
 * Finds key-shaped tokens in bytes (ASCII text, or the modified UTF-8 of a class file constant):
 * the shapes of {@link KeyExtractor}, found inside longer text.
 *
 * <p>A token is a maximal run of {@code [A-Za-z0-9_-]}. Candidates:
 *
 * <ul>
 *   <li>{@link KeyKind#OPENAI_API_KEY}: a token starting {@code sk-} that {@link
 *       KeyExtractor#isOpenAiKey} accepts.
 *   <li>{@link KeyKind#AZURE_API_KEY}: a maximal run of {@code [A-Za-z0-9]} inside a token that is
 *       32 hex digits, or 84 characters with {@code JQQJ9} at offset 52 and {@code ACOG} at 76.
 * </ul>
 *
 * <p>{@link #find} reports every candidate ({@code loose}: for the agent at run time, where a false
 * candidate costs one registry entry and can never match a real key by accident). With {@code
 * strict} (the {@code scan} command) an OpenAI key must be at least 40 characters long and its
 * random part must mix upper case, lower case and digits (placeholders such as {@code
 * sk-your-key-here} or {@code sk-XXXX...} are not keys), and a 32-hex-digit candidate must mix
 * letters and digits; whether its context makes it a key is the caller's business ({@link
 * #isHex32}).
 */
public final class KeyShapes {
  /** Receives one candidate: bytes {@code [start, end)} of the searched array. */
  public interface Sink {
    void found(KeyKind kind, int start, int end);
  }

  static final int MIN_STRICT_OPENAI_LENGTH = 40;

  /** {@code [A-Za-z0-9_-]}: a table, since this runs interpreted for the first classes. */
  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      TOKEN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
    }
  }

  private KeyShapes() {}

  /** Shortest token {@link #examine} looks at. */
  private static final int MIN_TOKEN = 20;

  /**
   * Reports every candidate in {@code b[from, to)}, in order.
   *
   * <p>Only tokens of {@value #MIN_TOKEN} bytes or more matter, so the search probes one byte in
   * {@value #MIN_TOKEN}: any such token that starts in {@code [i, i + 19]} covers byte {@code i +
   * 19}, so when that byte is no token byte the whole window is skipped. Class files are mostly
   * names and descriptors cut into short tokens by {@code / ; ( ) $ .}: the literal scan of every
   * loading class reads a fraction of their bytes.
   */
  public static void find(byte[] b, int from, int to, boolean strict, Sink sink) {
    boolean[] token = TOKEN;
    // Invariant: i == from, or b[i - 1] or b[i] is no token byte (no token runs into i from before).
    int i = from;
    while (to - i >= MIN_TOKEN) {
      int probe = i + MIN_TOKEN - 1;
      if (!token[b[probe] & 0xFF]) {
        i = probe + 1;
        continue;
      }
      int start = probe;
      while (start > i && token[b[start - 1] & 0xFF]) {
        start--;
      }
      int end = probe + 1;
      while (end < to && token[b[end] & 0xFF]) {
        end++;
      }
      if (end - start >= MIN_TOKEN) {
        examine(b, start, end, strict, sink);
      }
      i = end;
    }
  }

  private static void examine(byte[] b, int start, int end, boolean strict, Sink sink) {
    int len = end - start;
    if (len < 20) {
      return;
    }
    if (b[start] == 's' && b[start + 1] == 'k' && b[start + 2] == '-') {
      if (isOpenAi(b, start, end, strict)) {
        sink.found(KeyKind.OPENAI_API_KEY, start, end);
      }
      return;
    }
    if (len < 32) {
      return; // the Azure shapes are runs of 32 or 84 inside the token: most names end here
    }
    // Alphanumeric runs inside the token: the Azure shapes.
    int i = start;
    while (i < end) {
      if (!isAlnum(b[i])) {
        i++;
        continue;
      }
      int runEnd = i + 1;
      while (runEnd < end && isAlnum(b[runEnd])) {
        runEnd++;
      }
      int runLen = runEnd - i;
      if (runLen == 32 && isHex(b, i, runEnd) && (!strict || mixesLettersAndDigits(b, i, runEnd))) {
        sink.found(KeyKind.AZURE_API_KEY, i, runEnd);
      } else if (runLen == 84 && hasAzureMarkers(b, i)) {
        sink.found(KeyKind.AZURE_API_KEY, i, runEnd);
      }
      i = runEnd;
    }
  }

  private static boolean isOpenAi(byte[] b, int start, int end, boolean strict) {
    if (end - start >= 7 && b[start + 3] == 'a' && b[start + 4] == 'n' && b[start + 5] == 't'
        && b[start + 6] == '-') {
      return false; // Anthropic
    }
    if (!strict) {
      return true; // token bytes only, length >= 20: what KeyExtractor.isOpenAiKey accepts
    }
    if (end - start < MIN_STRICT_OPENAI_LENGTH) {
      return false;
    }
    // The random part: after the last '-' of a known prefix (sk-proj-, sk-svcacct-, sk-admin-).
    int body = start + 3;
    for (String prefix : new String[] {"proj-", "svcacct-", "admin-", "None-"}) {
      if (regionEquals(b, body, end, prefix)) {
        body += prefix.length();
        break;
      }
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    int distinct = 0;
    boolean[] seen = new boolean[128];
    for (int i = body; i < end; i++) {
      byte c = b[i];
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      if (!seen[c]) {
        seen[c] = true;
        distinct++;
      }
    }
    return upper && lower && digit && distinct >= 16 && end - body >= 32;
  }

  private static boolean regionEquals(byte[] b, int at, int end, String s) {
    if (end - at < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean hasAzureMarkers(byte[] b, int start) {
    return regionEquals(b, start + 52, start + 57, "JQQJ9")
        && regionEquals(b, start + 76, start + 80, "ACOG");
  }

  /** True for the 32-hex-digit shape (which MD5 digests and dash-less UUIDs share). */
  public static boolean isHex32(KeyKind kind, int start, int end) {
    return kind == KeyKind.AZURE_API_KEY && end - start == 32;
  }

  private static boolean isHex(byte[] b, int start, int end) {
    for (int i = start; i < end; i++) {
      byte c = b[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean mixesLettersAndDigits(byte[] b, int start, int end) {
    boolean letter = false;
    boolean digit = false;
    for (int i = start; i < end; i++) {
      if (b[i] <= '9') {
        digit = true;
      } else {
        letter = true;
      }
    }
    return letter && digit;
  }

  private static boolean isAlnum(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
