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
   * any {@link CharSequence} (the policy hands it a view of the decoded prompt, not a string).
   */
  static String find(CharSequence text) {
    if (text == null || text.length() == 0) {
      return null;
    }
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isWord(c)) {
        i++;
        continue;
      }
      // i is the start of a word.
      int end = i;
      while (end < n && isWord(text.charAt(end))) {
        end++;
      }
      String found = atWordStart(text, i, end);
      if (found != null) {
        return found;
      }
      i = end;
    }
    int begin = indexOf(text, "-----BEGIN ", 0);
    while (begin >= 0) {
      int eol = indexOf(text, "\n", begin);
      int stop = eol < 0 ? n : eol;
      int key = indexOf(text, "PRIVATE KEY-----", begin);
      if (key >= 0 && key < stop) {
        return "a private key block";
      }
      begin = indexOf(text, "-----BEGIN ", begin + 1);
    }
    return null;
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
      if (startsWith(t, s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code t.startsWith(p, i)} for any text. */
  private static boolean startsWith(CharSequence t, String p, int i) {
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

  /** {@code t.regionMatches(true, i, lower, 0, lower.length())} for ASCII {@code t} (a word) and lower-case {@code lower}. */
  private static boolean regionMatchesAsciiIgnoreCase(CharSequence t, int i, String lower) {
    int n = lower.length();
    if (i < 0 || i > t.length() - n) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      char c = t.charAt(i + j);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lower.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The secret starting at word start {@code i} (its word ends at {@code end}), or null. Checks
   * only the shapes that can start with the word's first character, plus the two told by length
   * alone (32 hex digits, 84 characters), in the order of the class comment's list.
   */
  private static String atWordStart(CharSequence t, int i, int end) {
    int len = end - i;
    char c = t.charAt(i);
    // The original order of the checks: sk- first (a word "sk" is never 32 or 84 long), then the
    // two told by length, then the rest by first character.
    if (c == 's' && startsWith(t, "sk-", i) && run(t, i + 3, SK) >= 17) {
      return "an API key (sk-...)";
    }
    if (len == 32 && allHex(t, i, end)) {
      return "an Azure API key (32 hex digits)";
    }
    if (len == 84 && startsWith(t, "JQQJ9", i + 52) && startsWith(t, "ACOG", i + 76)) {
      return "an Azure AI Services key";
    }
    switch (c) {
      case 'e':
        if (startsWith(t, "eyJ", i) && isJwt(t, i)) {
          return "a JSON Web Token";
        }
        break;
      case 'b':
      case 'B':
        if (len == 6 && regionMatchesAsciiIgnoreCase(t, i, "bearer")) {
          int j = end;
          while (j < t.length() && Character.isWhitespace(t.charAt(j))) {
            j++;
          }
          if (j > end && run(t, j, BEARER) >= 20) {
            return "a bearer token";
          }
        }
        break;
      case 'A':
        if (len == 20 && (startsWith(t, "AKIA", i) || startsWith(t, "ASIA", i)) && upperOrDigit(t, i + 4, end)) {
          return "an AWS access key id";
        }
        if (startsWith(t, "AIza", i) && run(t, i + 4, SK) >= 35) {
          return "a Google API key";
        }
        break;
      case 'g':
        if (len >= 40 && startsWith(t, "gh", i) && "pousr".indexOf(t.charAt(i + 2)) >= 0
            && t.charAt(i + 3) == '_' && run(t, i + 4, ALNUM) >= 36) {
          return "a GitHub token";
        }
        if (startsWith(t, "github_pat_", i) && len >= 11 + 22) {
          return "a GitHub token";
        }
        break;
      case 'x':
        if (startsWith(t, "xox", i) && i + 4 < t.length() && "abprs".indexOf(t.charAt(i + 3)) >= 0
            && t.charAt(i + 4) == '-' && run(t, i + 5, SLACK) >= 10) {
          return "a Slack token";
        }
        break;
      default:
        break;
    }
    return null;
  }

  private static boolean isJwt(CharSequence t, int i) {
    int a = run(t, i + 3, B64URL);
    int dot1 = i + 3 + a;
    if (a < 5 || dot1 >= t.length() || t.charAt(dot1) != '.' || !startsWith(t, "eyJ", dot1 + 1)) {
      return false;
    }
    int b = run(t, dot1 + 4, B64URL);
    int dot2 = dot1 + 4 + b;
    return b >= 5 && dot2 < t.length() && t.charAt(dot2) == '.';
  }

  private static final int SK = 1;
  private static final int BEARER = 2;
  private static final int ALNUM = 3;
  private static final int SLACK = 4;
  private static final int B64URL = 5;

  /** Length of the run of characters of class {@code cls} starting at {@code from}. */
  private static int run(CharSequence t, int from, int cls) {
    int j = from;
    while (j < t.length() && in(t.charAt(j), cls)) {
      j++;
    }
    return j - from;
  }

  private static boolean in(char c, int cls) {
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

  static {
    for (char c = 0; c < 128; c++) {
      WORD[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
  }

  private static boolean isWord(char c) {
    return c < 128 && WORD[c];
  }

  private static boolean allHex(CharSequence t, int from, int to) {
    for (int j = from; j < to; j++) {
      if (Character.digit(t.charAt(j), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean upperOrDigit(CharSequence t, int from, int to) {
    for (int j = from; j < to; j++) {
      char c = t.charAt(j);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }
}
