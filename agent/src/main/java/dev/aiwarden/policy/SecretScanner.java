package dev.aiwarden.policy;

/**
 * {@code prompts.deny_secrets}: finds credentials inside prompt text in one linear pass over it (a
 * few microseconds for a page of text: no regular-expression engine). It says which kind of secret
 * it found, never the secret. The shapes are those {@link dev.aiwarden.provenance.KeyExtractor}
 * knows on the wire, plus other well-known credentials ("word" = {@code [A-Za-z0-9_]}, and each
 * shape must start at a word boundary):
 *
 * <ul>
 *   <li>OpenAI-style API keys: {@code sk-} + at least 17 of {@code [A-Za-z0-9_-]} (also {@code
 *       sk-proj-}, {@code sk-svcacct-}, Anthropic's {@code sk-ant-});
 *   <li>Azure keys: a word of exactly 32 hex digits (note: an MD5 hex digest has the same shape),
 *       and the 84-character Azure AI Services key with its {@code JQQJ9}/{@code ACOG} markers;
 *   <li>JSON Web Tokens ({@code eyJ...}.{@code eyJ...}.sig), such as Entra ID access tokens;
 *   <li>{@code Bearer <token>} (any case) with a token of 20 or more of {@code [A-Za-z0-9._~+/=-]};
 *   <li>PEM private key blocks ({@code -----BEGIN ... PRIVATE KEY-----} on one line);
 *   <li>AWS access key ids ({@code AKIA}/{@code ASIA} + 16 of {@code [0-9A-Z]}), GitHub tokens
 *       ({@code gh[pousr]_} + 36 or more, {@code github_pat_} + 22 or more), Slack tokens ({@code
 *       xox[abprs]-} + 10 or more), Google API keys ({@code AIza} + 35).
 * </ul>
 */
final class SecretScanner {
  private SecretScanner() {}

  /**
   * What kind of secret {@code text} contains ("an API key (sk-...)"), or null when none. Reads
   * any {@link CharSequence}, through this thread's {@link PromptChars} copy.
   */
  static String find(CharSequence text) {
    if (text == null || text.length() == 0) {
      return null;
    }
    PromptChars chars = PromptChars.of(text);
    try {
      return find(chars.array, chars.length);
    } finally {
      chars.release();
    }
  }

  /**
   * Every shape but the PEM block lies in a run of at least {@value #MIN_RUN} token characters
   * ({@code [A-Za-z0-9._~+/=-]}, the bearer class) that starts at or before its word start: an
   * {@code xox?-} token is the shortest (5 + 10). Only word starts inside such runs are checked.
   */
  static final int MIN_RUN = 15;

  /**
   * {@link #find(CharSequence)} of the first {@code n} chars of {@code t}. The same answer as
   * checking every word start in text order ({@link #atWordStart}), in fewer reads: the runs of
   * {@value #MIN_RUN} or more token characters are found by probing the last character of each
   * window of that length first (prose has a space every few characters, so most windows are
   * ruled out in one read, and no character is probed twice), and only their word starts are
   * checked, in text order. A bearer token's {@code Bearer} word lies before its run (a space
   * between): it is checked from the run, before the run's own word starts.
   */
  static String find(char[] t, int n) {
    int i = 0; // a run may start here: i == 0 or t[i - 1] is no token character
    int known = -1; // t[i .. known] are token characters (when known >= i)
    while (i + MIN_RUN <= n) {
      int k = i + MIN_RUN - 1;
      int stop = Math.max(known, i - 1);
      while (k > stop && isToken(t[k])) {
        k--;
      }
      if (k > stop) { // t[k] is no token character: no run of MIN_RUN crosses it
        known = i + MIN_RUN - 1;
        i = k + 1;
        continue;
      }
      int end = i + MIN_RUN;
      while (end < n && isToken(t[end])) {
        end++;
      }
      String found = inRun(t, n, i, end);
      if (found != null) {
        return found;
      }
      i = end + 1; // t[end] is no token character
    }
    int begin = indexOfBegin(t, n, 0);
    while (begin >= 0) {
      int eol = indexOf(t, n, "\n", begin);
      int stop = eol < 0 ? n : eol;
      int key = indexOf(t, n, "PRIVATE KEY-----", begin);
      if (key >= 0 && key < stop) {
        return "a private key block";
      }
      begin = indexOfBegin(t, n, begin + 1);
    }
    return null;
  }

  private static final String BEGIN = "-----BEGIN ";

  /**
   * {@code indexOf("-----BEGIN ", from)} in the first {@code n} chars of {@code t}, reading one
   * char in five: each occurrence's five dashes hold exactly one of the probed places {@code
   * from + 4 + 5k}, so the starts next to each dash probed are tried, in order.
   */
  static int indexOfBegin(char[] t, int n, int from) {
    int start = Math.max(0, from);
    for (int p = start + 4; p < n; p += 5) {
      if (t[p] == '-') {
        for (int s = Math.max(start, p - 4); s <= p; s++) {
          if (startsWith(t, n, BEGIN, s)) {
            return s;
          }
        }
      }
    }
    return -1;
  }

  /** {@code indexOf(s, from)} in the first {@code n} chars of {@code t}. */
  private static int indexOf(char[] t, int n, String s, int from) {
    int last = n - s.length();
    char first = s.charAt(0);
    for (int i = Math.max(0, from); i <= last; i++) {
      if (t[i] == first && startsWith(t, n, s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code indexOf} of a string and a builder (their own, vectorised), plain for any other text. */
  static int indexOf(CharSequence t, String s, int from) {
    if (t instanceof String) {
      return ((String) t).indexOf(s, from);
    }
    if (t instanceof StringBuilder) {
      return ((StringBuilder) t).indexOf(s, from);
    }
    int last = t.length() - s.length();
    for (int i = Math.max(0, from); i <= last; i++) {
      if (startsWithSeq(t, s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code t.startsWith(p, i)} for any text. */
  static boolean startsWithSeq(CharSequence t, String p, int i) {
    int n = p.length();
    if (i < 0 || i > t.length() - n) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      if (t.charAt(i + j) != p.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the first {@code n} chars of {@code t} hold {@code p} at {@code i}. */
  private static boolean startsWith(char[] t, int n, String p, int i) {
    int m = p.length();
    if (i < 0 || i > n - m) {
      return false;
    }
    for (int j = 0; j < m; j++) {
      if (t[i + j] != p.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** {@code t.regionMatches(true, i, lower, 0, lower.length())} for ASCII {@code t} (a word) and lower-case {@code lower}. */
  private static boolean regionMatchesAsciiIgnoreCase(char[] t, int n, int i, String lower) {
    int m = lower.length();
    if (i < 0 || i > n - m) {
      return false;
    }
    for (int j = 0; j < m; j++) {
      char c = t[i + j];
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lower.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The first secret found at the word starts of the token run {@code [from, to)}, or null. */
  private static String inRun(char[] t, int n, int from, int to) {
    if (to - from >= 20 && bearerBefore(t, from)) {
      return "a bearer token";
    }
    int i = from;
    while (i < to) {
      if (!isWord(t[i])) {
        i++;
        continue;
      }
      // i is the start of a word (t[i - 1] is no word character, or i is the run's start).
      int end = i + 1;
      while (end < to && isWord(t[end])) {
        end++;
      }
      String found = atWordStart(t, n, i, end);
      if (found != null) {
        return found;
      }
      i = end;
    }
    return null;
  }

  /**
   * Whether the token run starting at {@code from} follows whitespace that follows the word
   * {@code bearer} (any case): what {@link #atWordStart} finds at that word.
   */
  private static boolean bearerBefore(char[] t, int from) {
    int k = from - 1;
    while (k >= 0 && Character.isWhitespace(t[k])) {
      k--;
    }
    int word = k - 5; // where a six-letter word ending at k starts
    return k < from - 1
        && word >= 0
        && (word == 0 || !isWord(t[word - 1]))
        && regionMatchesAsciiIgnoreCase(t, k + 1, word, "bearer");
  }

  /** {@code [A-Za-z0-9._~+/=-]}: the characters of every shape but the PEM block. */
  private static boolean isToken(char c) {
    return c < 128 && TOKEN[c];
  }

  /**
   * The secret starting at word start {@code i} (its word ends at {@code end}), or null. Checks
   * only the shapes that can start with the word's first character, plus the two told by length
   * alone (32 hex digits, 84 characters), in the order of the class comment's list.
   */
  private static String atWordStart(char[] t, int n, int i, int end) {
    int len = end - i;
    char c = t[i];
    // The original order of the checks: sk- first (a word "sk" is never 32 or 84 long), then the
    // two told by length, then the rest by first character.
    if (c == 's' && startsWith(t, n, "sk-", i) && run(t, n, i + 3, SK) >= 17) {
      return "an API key (sk-...)";
    }
    if (len == 32 && allHex(t, i, end)) {
      return "an Azure API key (32 hex digits)";
    }
    if (len == 84 && startsWith(t, n, "JQQJ9", i + 52) && startsWith(t, n, "ACOG", i + 76)) {
      return "an Azure AI Services key";
    }
    switch (c) {
      case 'e':
        if (startsWith(t, n, "eyJ", i) && isJwt(t, n, i)) {
          return "a JSON Web Token";
        }
        break;
      case 'b':
      case 'B':
        if (len == 6 && regionMatchesAsciiIgnoreCase(t, n, i, "bearer")) {
          int j = end;
          while (j < n && Character.isWhitespace(t[j])) {
            j++;
          }
          if (j > end && run(t, n, j, BEARER) >= 20) {
            return "a bearer token";
          }
        }
        break;
      case 'A':
        if (len == 20 && (startsWith(t, n, "AKIA", i) || startsWith(t, n, "ASIA", i)) && upperOrDigit(t, i + 4, end)) {
          return "an AWS access key id";
        }
        if (startsWith(t, n, "AIza", i) && run(t, n, i + 4, SK) >= 35) {
          return "a Google API key";
        }
        break;
      case 'g':
        if (len >= 40 && startsWith(t, n, "gh", i) && "pousr".indexOf(t[i + 2]) >= 0
            && t[i + 3] == '_' && run(t, n, i + 4, ALNUM) >= 36) {
          return "a GitHub token";
        }
        if (startsWith(t, n, "github_pat_", i) && len >= 11 + 22) {
          return "a GitHub token";
        }
        break;
      case 'x':
        if (startsWith(t, n, "xox", i) && i + 4 < n && "abprs".indexOf(t[i + 3]) >= 0
            && t[i + 4] == '-' && run(t, n, i + 5, SLACK) >= 10) {
          return "a Slack token";
        }
        break;
      default:
        break;
    }
    return null;
  }

  private static boolean isJwt(char[] t, int n, int i) {
    int a = run(t, n, i + 3, B64URL);
    int dot1 = i + 3 + a;
    if (a < 5 || dot1 >= n || t[dot1] != '.' || !startsWith(t, n, "eyJ", dot1 + 1)) {
      return false;
    }
    int b = run(t, n, dot1 + 4, B64URL);
    int dot2 = dot1 + 4 + b;
    return b >= 5 && dot2 < n && t[dot2] == '.';
  }

  static final int SK = 1;
  static final int BEARER = 2;
  static final int ALNUM = 3;
  static final int SLACK = 4;
  static final int B64URL = 5;

  /** Length of the run of characters of class {@code cls} starting at {@code from}. */
  private static int run(char[] t, int n, int from, int cls) {
    int j = from;
    while (j < n && in(t[j], cls)) {
      j++;
    }
    return j - from;
  }

  static boolean in(char c, int cls) {
    boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (cls) {
      case SK:
      case B64URL:
        return alnum || c == '_' || c == '-';
      case BEARER:
        return alnum || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
      case ALNUM:
        return alnum;
      case SLACK:
        return alnum || c == '-';
      default:
        return false;
    }
  }

  /** {@code [A-Za-z0-9_]} by ASCII code: one lookup per character of the prompt. */
  private static final boolean[] WORD = new boolean[128];

  /** {@code [A-Za-z0-9._~+/=-]} by ASCII code. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      WORD[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      TOKEN[c] = in(c, BEARER);
    }
  }

  private static boolean isWord(char c) {
    return c < 128 && WORD[c];
  }

  private static boolean allHex(char[] t, int from, int to) {
    for (int j = from; j < to; j++) {
      if (Character.digit(t[j], 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean upperOrDigit(char[] t, int from, int to) {
    for (int j = from; j < to; j++) {
      char c = t[j];
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }
}
