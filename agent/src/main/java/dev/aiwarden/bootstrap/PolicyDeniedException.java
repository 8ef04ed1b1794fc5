package dev.aiwarden.bootstrap;

import java.io.IOException;

/**
 * The one exception ai-warden throws into an application on purpose: the policy blocked an AI
 * call before any byte of it left the process. Its message starts {@code ai-warden: blocked by
 * <rule id>} and says why in one sentence; it never carries a key or prompt text.
 *
 * <p>It lives in the bootstrap class loader so that advice in any class loader, and the retry
 * policies we teach not to retry it, can recognise it.
 */
public final class PolicyDeniedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String rule;

  public PolicyDeniedException(String rule, String reason) {
    super("ai-warden: blocked by " + rule + ": " + reason);
    this.rule = rule;
  }

  /** The rule id, e.g. {@code endpoint.not_allowed}. */
  public String rule() {
    return rule;
  }

  /** True when {@code t} or one of its causes is a policy denial. */
  public static boolean isDenial(Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof PolicyDeniedException) {
        return true;
      }
    }
    return false;
  }
}
