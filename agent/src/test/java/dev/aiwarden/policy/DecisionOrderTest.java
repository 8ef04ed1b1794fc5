package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.classify.Operation;
import dev.aiwarden.core.AiCall;
import org.junit.jupiter.api.Test;

/**
 * The documented decision order: a call that breaks many rules is named by the first of them;
 * removing that rule reveals the next. A denied call counts towards no limit.
 */
class DecisionOrderTest {
  private final Clock clock = new Clock();

  /** Everything one call can break, in the documented order. */
  private static final String[] SECTIONS = {
    "endpoints:\n  allow: [api.openai.com]\n",
    "keys:\n  deny: [\"" + AZURE_FP + "\"]\n",
    "keys:\n  allow: [\"sha256:0000000000000000\"]\n",
    "keys:\n  sources: [keyvault]\n",
    "keys:\n  bind:\n    \"" + AZURE_FP + "\": [\"img-worker-*\"]\n",
    "keys:\n  match_provider: true\n",
    // Entra applies to Entra tokens only: tested on its own below.
    "operations:\n  allow: [chat]\n",
    "models:\n  allow: [gpt-4o]\n",
    "prompts:\n  max_chars: 5\n",
    "prompts:\n  deny_secrets: true\n",
    "prompts:\n  deny_patterns: [\"(?i)lighthouse\"]\n",
    "limits:\n  requests_per_minute: 0\n",
    "limits:\n  tokens_per_minute: 0\n",
  };

  private static final RuleId[] EXPECTED = {
    RuleId.ENDPOINT_NOT_ALLOWED,
    RuleId.KEY_DENIED,
    RuleId.KEY_NOT_ALLOWED,
    RuleId.KEY_SOURCE_NOT_ALLOWED,
    RuleId.KEY_HOST_NOT_BOUND,
    RuleId.KEY_WRONG_PROVIDER,
    RuleId.OPERATION_NOT_ALLOWED,
    RuleId.MODEL_NOT_ALLOWED,
    RuleId.PROMPT_TOO_LONG,
    RuleId.PROMPT_SECRET,
    RuleId.PROMPT_PATTERN,
    RuleId.LIMIT_REQUESTS,
    RuleId.LIMIT_TOKENS,
  };

  /** An Azure key, sent to a proxy, for an image, with a secret and a banned phrase in the prompt. */
  private static AiCall everythingWrong() {
    AiCall c = TestCalls.call(
        new dev.aiwarden.classify.Endpoint(dev.aiwarden.classify.EndpointKind.OPENAI_COMPATIBLE,
            dev.aiwarden.classify.Provider.OPENAI, Operation.IMAGE_GENERATION, "proxy.example.test", 443, null),
        request("dall-e-3", "A lighthouse; key " + OPENAI_KEY), azureKey(), "env:AZURE_OPENAI_API_KEY");
    return c;
  }

  @Test
  void theFirstFailingRuleInTheDocumentedOrderNamesTheDenial() {
    for (int first = 0; first < SECTIONS.length; first++) {
      StringBuilder yaml = new StringBuilder("version: 1\n");
      // Merge the sections from `first` on (keys: and limits: appear more than once).
      java.util.Map<String, StringBuilder> merged = new java.util.LinkedHashMap<>();
      for (int i = first; i < SECTIONS.length; i++) {
        String s = SECTIONS[i];
        int nl = s.indexOf('\n');
        merged.computeIfAbsent(s.substring(0, nl), k -> new StringBuilder()).append(s.substring(nl + 1));
      }
      merged.forEach((k, v) -> yaml.append(k).append('\n').append(v));
      PolicyState state = new PolicyState(clock::get, () -> "web-1");
      Decision d = policy(yaml.toString()).decide(everythingWrong(), state);
      assertThat(d.rule()).as(yaml.toString()).isEqualTo(EXPECTED[first].id());
      assertThat(d.blocks()).isTrue();
    }
  }

  @Test
  void entraComesAfterTheOtherKeyRulesAndBeforeTheBreaker() {
    String yaml = "version: 1\nkeys:\n  entra: {tenants: [good]}\n  match_provider: true\n"
        + "operations:\n  allow: [embeddings]\n";
    AiCall c = azure("d", Operation.CHAT, entra("evil", "app"), "entra_id");
    assertThat(policy(yaml).decide(c, new PolicyState(clock::get, () -> "h")).rule())
        .isEqualTo(RuleId.KEY_ENTRA_NOT_ALLOWED.id());
  }

  @Test
  void theBreakerComesBeforeOperationModelAndPrompt() {
    Policy p = policy("version: 1\nabuse:\n  content_filter_blocks: {max: 1, per: 1h}\n"
        + "models:\n  allow: [nothing]\n");
    PolicyState state = new PolicyState(clock::get, () -> "h");
    AiCall c = azure("d", Operation.CHAT, azureKey(), "env:K");
    c.response = PolicyRulesTest.filtered();
    p.onCompleted(c, state);
    assertThat(p.decide(azure("d", Operation.CHAT, azureKey(), "env:K"), state).rule())
        .isEqualTo(RuleId.ABUSE_CONTENT_FILTER.id());
  }

  @Test
  void aDeniedCallCountsTowardsNoLimit() {
    Policy p = policy("version: 1\nmodels:\n  deny: [gpt-3*]\nlimits:\n  requests_per_minute: 2\n");
    PolicyState state = new PolicyState(clock::get, () -> "h");
    for (int i = 0; i < 10; i++) {
      assertThat(p.decide(openAi("gpt-3.5-turbo", "hi"), state).rule()).isEqualTo("model.not_allowed");
    }
    assertThat(p.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();
    assertThat(p.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();
    assertThat(p.decide(openAi("gpt-4o", "hi"), state).rule()).isEqualTo("limit.requests");
  }

  @Test
  void inMonitorModeEveryCallGoesOutAndIsCounted() {
    Policy p = policy("version: 1\nmode: monitor\nmodels:\n  deny: [gpt-3*]\nlimits:\n  requests_per_minute: 2\n");
    PolicyState state = new PolicyState(clock::get, () -> "h");
    assertThat(p.decide(openAi("gpt-3.5-turbo", "hi"), state).rule()).isEqualTo("model.not_allowed");
    assertThat(p.decide(openAi("gpt-3.5-turbo", "hi"), state).rule()).isEqualTo("model.not_allowed");
    Decision third = p.decide(openAi("gpt-4o", "hi"), state);
    assertThat(third.outcome()).isEqualTo(Decision.Outcome.WOULD_DENY);
    assertThat(third.rule()).isEqualTo("limit.requests");
  }
}
