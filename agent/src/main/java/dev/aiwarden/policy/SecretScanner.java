package dev.aiwarden.policy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * {@code prompts.deny_secrets}: finds credentials inside prompt text, in linear time (RE2/J). It
 * says which kind of secret it found, never the secret. The shapes are those {@link
 * dev.aiwarden.provenance.KeyExtractor} knows on the wire, plus other well-known credentials:
 *
 * <ul>
 *   <li>OpenAI-style API keys: {@code sk-} + at least 17 of {@code [A-Za-z0-9_-]} (also Anthropic's
 *       {@code sk-ant-});
 *   <li>Azure keys: 32 hex digits standing alone (note: an MD5 hex digest has the same shape), and
 *       the 84-character Azure AI Services key with its {@code JQQJ9}/{@code ACOG} markers;
 *   <li>JSON Web Tokens ({@code eyJ...}.{@code eyJ...}.sig), such as Entra ID access tokens;
 *   <li>{@code Bearer <token>} with a token of 20 or more characters;
 *   <li>PEM private key blocks ({@code -----BEGIN ... PRIVATE KEY-----});
 *   <li>AWS access key ids ({@code AKIA}/{@code ASIA} + 16), GitHub tokens ({@code ghp_}, {@code
 *       github_pat_}, ...), Slack tokens ({@code xox?-}), Google API keys ({@code AIza} + 35).
 * </ul>
 */
final class SecretScanner {
  private static final String[][] SHAPES = {
    {"an API key (sk-...)", "\\bsk-[A-Za-z0-9_-]{17,}"},
    {"an Azure AI Services key", "\\b[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{19}ACOG[A-Za-z0-9]{4}\\b"},
    {"an Azure API key (32 hex digits)", "\\b[0-9a-fA-F]{32}\\b"},
    {"a JSON Web Token", "\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"},
    {"a bearer token", "\\b(?i:bearer)\\s+[A-Za-z0-9._~+/=-]{20,}"},
    {"a private key block", "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"},
    {"an AWS access key id", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"},
    {"a GitHub token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"},
    {"a Slack token", "\\bxox[abprs]-[A-Za-z0-9-]{10,}"},
    {"a Google API key", "\\bAIza[0-9A-Za-z_-]{35}"},
  };

  private static final Pattern ANY;
  private static final Pattern[] EACH = new Pattern[SHAPES.length];

  static {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < SHAPES.length; i++) {
      EACH[i] = Pattern.compile(SHAPES[i][1]);
      all.append(i == 0 ? "" : "|").append("(?:").append(SHAPES[i][1]).append(')');
    }
    ANY = Pattern.compile(all.toString());
  }

  private SecretScanner() {}

  /** What kind of secret {@code text} contains ("an API key (sk-...)"), or null when none. */
  static String find(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Matcher m = ANY.matcher(text);
    if (!m.find()) {
      return null;
    }
    String found = text.substring(m.start(), m.end());
    for (int i = 0; i < EACH.length; i++) {
      if (EACH[i].matcher(found).find()) {
        return SHAPES[i][0];
      }
    }
    return "a secret";
  }
}
