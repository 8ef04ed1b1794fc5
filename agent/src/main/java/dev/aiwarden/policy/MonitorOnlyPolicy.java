package dev.aiwarden.policy;

import dev.aiwarden.core.AiCall;

/** The built-in policy when no policy file is given: records every call, blocks nothing. */
public final class MonitorOnlyPolicy implements PolicyEngine {
  public static final MonitorOnlyPolicy INSTANCE = new MonitorOnlyPolicy();

  private MonitorOnlyPolicy() {}

  @Override
  public Decision decide(AiCall call) {
    return Decision.ALLOW;
  }

  @Override
  public boolean needsPromptText() {
    return false;
  }
}
