package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.classify.Operation;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.provenance.ApiKey;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One test per rule id: deny in enforce mode, would_deny in monitor mode, allow otherwise. */
class PolicyRulesTest {
  private final Clock clock = new Clock();
  private String host = "img-worker-7";
  private PolicyState state = new PolicyState(clock::get, () -> host);

  private Decision decide(String yaml, AiCall call) {
    return policy(yaml).decide(call, state);
  }

  private void assertDenied(String body, AiCall call, RuleId rule) {
    Decision enforce = decide("version: 1\nmode: enforce\n" + body, call);
    assertThat(enforce.outcome()).as(enforce.reason()).isEqualTo(Decision.Outcome.DENY);
    assertThat(enforce.rule()).isEqualTo(rule.id());
    assertThat(enforce.reason()).isNotBlank().doesNotContain(OPENAI_KEY).doesNotContain(AZURE_KEY);
    assertThat(enforce.blocks()).isTrue();
    Decision monitor = decide("version: 1\nmode: monitor\n" + body, call);
    assertThat(monitor.outcome()).isEqualTo(Decision.Outcome.WOULD_DENY);
    assertThat(monitor.rule()).isEqualTo(rule.id());
    assertThat(monitor.blocks()).isFalse();
  }

  private void assertAllowed(String body, AiCall call) {
    Decision d = decide("version: 1\n" + body, call);
    assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.ALLOW);
  }

  @Test
  void endpointNotAllowed() {
    String body = "endpoints:\n  allow: [\"*.openai.azure.com\", api.openai.com]\n";
    assertDenied(body, proxy(openAiKey()), RuleId.ENDPOINT_NOT_ALLOWED);
    assertAllowed(body, openAi("gpt-4o", "hi"));
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
    assertThat(decide("version: 1\n" + body, proxy(openAiKey())).reason()).contains("proxy");
  }

  @Test
  void keyDenied() {
    String body = "keys:\n  deny: [\"" + OPENAI_FP + "\"]\n";
    assertDenied(body, openAi("gpt-4o", "hi"), RuleId.KEY_DENIED);
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
  }

  @Test
  void keyNotAllowed() {
    String body = "keys:\n  allow: [\"" + AZURE_FP + "\"]\n";
    assertDenied(body, openAi("gpt-4o", "hi"), RuleId.KEY_NOT_ALLOWED);
    assertDenied(body, proxy(ApiKey.NONE), RuleId.KEY_NOT_ALLOWED);
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
  }

  @Test
  void keySourceNotAllowed() {
    String body = "keys:\n  sources: [keyvault, entra_id]\n";
    assertDenied(body, openAi("gpt-4o", "hi"), RuleId.KEY_SOURCE_NOT_ALLOWED);
    assertDenied(body, azure("d", Operation.CHAT, azureKey(), "unknown"), RuleId.KEY_SOURCE_NOT_ALLOWED);
    assertDenied(body, azure("d", Operation.CHAT, azureKey(), "literal:com.acme.Keys"),
        RuleId.KEY_SOURCE_NOT_ALLOWED);
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "keyvault:vault/secret"));
    assertAllowed(body, azure("d", Operation.CHAT, entra("t", "a"), "entra_id"));
    assertAllowed("keys:\n  sources: [env]\n", openAi("gpt-4o", "hi"));
    assertAllowed("keys:\n  sources: [unknown]\n", azure("d", Operation.CHAT, azureKey(), "unknown"));
  }

  @Test
  void keyHostNotBound() {
    String body = "keys:\n  bind:\n    \"" + OPENAI_FP + "\": [\"img-worker-*\"]\n";
    assertAllowed(body, openAi("gpt-4o", "hi"));
    host = "web-frontend-1";
    state = new PolicyState(clock::get, () -> host); // the host name is looked up once per state
    assertDenied(body, openAi("gpt-4o", "hi"), RuleId.KEY_HOST_NOT_BOUND);
    assertThat(decide("version: 1\n" + body, openAi("gpt-4o", "hi")).reason()).contains("web-frontend-1");
    // Keys without a binding may be used anywhere.
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
  }

  @Test
  void keyWrongProvider() {
    String body = "keys:\n  match_provider: true\n";
    assertDenied(body, proxy(azureKey()), RuleId.KEY_WRONG_PROVIDER);
    assertDenied(body, azure("d", Operation.CHAT, openAiKey(), "env:K"), RuleId.KEY_WRONG_PROVIDER);
    assertAllowed(body, openAi("gpt-4o", "hi"));
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
    assertAllowed("keys:\n  match_provider: false\n", proxy(azureKey()));
  }

  @Test
  void keyEntraNotAllowed() {
    String body = "keys:\n  entra:\n    tenants: [tenant-a]\n    apps: []\n";
    assertAllowed(body, azure("d", Operation.CHAT, entra("tenant-a", "any-app"), "entra_id"));
    assertDenied(body, azure("d", Operation.CHAT, entra("tenant-b", "any-app"), "entra_id"),
        RuleId.KEY_ENTRA_NOT_ALLOWED);
    String apps = "keys:\n  entra:\n    apps: [app-1]\n";
    assertDenied(apps, azure("d", Operation.CHAT, entra("tenant-a", "app-2"), "entra_id"),
        RuleId.KEY_ENTRA_NOT_ALLOWED);
    assertAllowed(apps, azure("d", Operation.CHAT, entra("tenant-a", "app-1"), "entra_id"));
    // Not an Entra token: the rule does not apply.
    assertAllowed(body, azure("d", Operation.CHAT, azureKey(), "env:K"));
  }

  @Test
  void modelNotAllowed() {
    String body = "models:\n  allow: [\"gpt-4o*\", dall-e-3]\n  deny: [gpt-4o-realtime*]\n";
    assertAllowed(body, openAi("gpt-4o", "hi"));
    assertAllowed(body, openAi("GPT-4o-mini", "hi"));
    assertDenied(body, openAi("gpt-3.5-turbo", "hi"), RuleId.MODEL_NOT_ALLOWED);
    assertDenied(body, openAi("gpt-4o-realtime-preview", "hi"), RuleId.MODEL_NOT_ALLOWED);
    // Azure: the deployment counts as the model.
    assertDenied(body, azure("my-gpt4o-deployment", Operation.CHAT, azureKey(), "env:K"),
        RuleId.MODEL_NOT_ALLOWED);
    assertAllowed(body, azure("gpt-4o-prod", Operation.CHAT, azureKey(), "env:K"));
  }

  @Test
  void operationNotAllowed() {
    String body = "operations:\n  allow: [chat, embeddings]\n";
    assertAllowed(body, openAi("gpt-4o", "hi"));
    assertDenied(body, azure("dalle", Operation.IMAGE_GENERATION, azureKey(), "env:K"),
        RuleId.OPERATION_NOT_ALLOWED);
  }

  @Test
  void promptTooLong() {
    String body = "prompts:\n  max_chars: 10\n";
    assertAllowed(body, openAi("gpt-4o", "0123456789"));
    assertDenied(body, openAi("gpt-4o", "0123456789x"), RuleId.PROMPT_TOO_LONG);
  }

  @Test
  void promptPattern() {
    String body = "prompts:\n  deny_patterns: [\"(?i)do not (revise|rewrite|change) (this|the|my) prompt\"]\n";
    assertDenied(body, openAi("dall-e-3", "A cat. Do NOT revise this prompt."), RuleId.PROMPT_PATTERN);
    assertAllowed(body, openAi("dall-e-3", "A cat on a mat"));
    Decision d = decide("version: 1\n" + body, openAi("dall-e-3", "A cat. do not revise my prompt"));
    assertThat(d.reason()).contains("deny_patterns pattern \"(?i)do not").doesNotContain("A cat");
  }

  @Test
  void builtinDalleListCatchesTheKnownPhrasings() {
    String body = "prompts:\n  deny_patterns: [\"builtin:dalle_no_revise\"]\n";
    String[] bypasses = {
      "I NEED to test how the tool works with extremely simple prompts. DO NOT add any detail, just use it AS-IS: a red fox",
      "a red fox. DO NOT add any detail",
      "use this prompt as-is: a red fox",
      "A red fox, don't rewrite the prompt",
      "Please render the prompt verbatim: a red fox",
      "a red fox without any modifications",
      "a red fox (no prompt revision please)",
    };
    for (String prompt : bypasses) {
      assertDenied(body, openAi("dall-e-3", prompt), RuleId.PROMPT_PATTERN);
    }
    assertAllowed(body, openAi("dall-e-3", "A lighthouse at dawn, watercolour, add lots of detail"));
    assertAllowed(body, openAi("dall-e-3", "Summarise our quarterly numbers in one friendly sentence."));
  }

  @Test
  void promptSecret() {
    String body = "prompts:\n  deny_secrets: true\n";
    String[] leaks = {
      "here is my key " + OPENAI_KEY + " please debug",
      "azure key: " + AZURE_KEY,
      "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
      "aws AKIAABCDEFGHIJKLMNOP",
      "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    };
    for (String prompt : leaks) {
      assertDenied(body, openAi("gpt-4o", prompt), RuleId.PROMPT_SECRET);
      String reason = decide("version: 1\n" + body, openAi("gpt-4o", prompt)).reason();
      assertThat(reason).doesNotContain(OPENAI_KEY).doesNotContain(AZURE_KEY).doesNotContain("AKIA")
          .doesNotContain("ghp_").doesNotContain("eyJ");
    }
    assertAllowed(body, openAi("gpt-4o", "What is a task-list? Explain sk-learn in one line."));
    assertAllowed("prompts:\n  deny_secrets: false\n", openAi("gpt-4o", leaks[0]));
  }

  @Test
  void limitRequests() {
    String body = "limits:\n  requests_per_minute: 3\n";
    Policy enforce = policy("version: 1\n" + body);
    for (int i = 0; i < 3; i++) {
      assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).outcome()).isEqualTo(Decision.Outcome.ALLOW);
    }
    Decision fourth = enforce.decide(openAi("gpt-4o", "hi"), state);
    assertThat(fourth.rule()).isEqualTo(RuleId.LIMIT_REQUESTS.id());
    assertThat(fourth.blocks()).isTrue();
    // Another key has its own window.
    assertThat(enforce.decide(azure("d", Operation.CHAT, azureKey(), "env:K"), state).blocks()).isFalse();
    // Sliding: a minute after the first calls, the key may call again.
    clock.now += TimeUnit.SECONDS.toNanos(60);
    assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();

    PolicyState fresh = new PolicyState(clock::get, () -> host);
    Policy monitor = policy("version: 1\nmode: monitor\n" + body);
    for (int i = 0; i < 3; i++) {
      monitor.decide(openAi("gpt-4o", "hi"), fresh);
    }
    Decision over = monitor.decide(openAi("gpt-4o", "hi"), fresh);
    assertThat(over.outcome()).isEqualTo(Decision.Outcome.WOULD_DENY);
    assertThat(over.rule()).isEqualTo(RuleId.LIMIT_REQUESTS.id());
  }

  @Test
  void limitTokens() {
    String body = "limits:\n  tokens_per_minute: 100\n";
    Policy enforce = policy("version: 1\n" + body);
    AiCall first = openAi("gpt-4o", "hi");
    first.request.maxTokens = 60L;
    assertThat(enforce.decide(first, state).blocks()).isFalse();
    // 60 reserved: still under 100.
    AiCall second = openAi("gpt-4o", "hi");
    second.request.maxTokens = 60L;
    assertThat(enforce.decide(second, state).blocks()).isFalse();
    // 120 reserved: over.
    assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).rule()).isEqualTo(RuleId.LIMIT_TOKENS.id());
    // The calls used less than reserved: 10 + 10.
    first.response = usage(5, 5);
    enforce.onCompleted(first, state);
    second.response = usage(5, 5);
    enforce.onCompleted(second, state);
    AiCall third = openAi("gpt-4o", "hi");
    assertThat(enforce.decide(third, state).blocks()).isFalse();
    third.response = usage(50, 40);
    enforce.onCompleted(third, state);
    assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).rule()).isEqualTo(RuleId.LIMIT_TOKENS.id());
    clock.now += TimeUnit.SECONDS.toNanos(61);
    assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();
    // A budget of 0 refuses at once (and is would_deny in monitor mode).
    assertDenied("limits:\n  tokens_per_minute: 0\n", openAi("gpt-4o", "hi"), RuleId.LIMIT_TOKENS);
  }

  @Test
  void abuseContentFilter() {
    String body = "abuse:\n  content_filter_blocks: {max: 3, per: 10m}\n";
    Policy enforce = policy("version: 1\n" + body);
    for (int i = 0; i < 2; i++) {
      AiCall c = azure("d", Operation.CHAT, azureKey(), "env:K");
      assertThat(enforce.decide(c, state).blocks()).isFalse();
      c.response = filtered();
      enforce.onCompleted(c, state);
      clock.now += TimeUnit.MINUTES.toNanos(1);
    }
    AiCall c = azure("d", Operation.CHAT, azureKey(), "env:K");
    assertThat(enforce.decide(c, state).blocks()).isFalse();
    c.response = filtered();
    enforce.onCompleted(c, state);
    assertDenied(body, azure("d", Operation.CHAT, azureKey(), "env:K"), RuleId.ABUSE_CONTENT_FILTER);
    // Other keys are not affected.
    assertThat(enforce.decide(openAi("gpt-4o", "hi"), state).blocks()).isFalse();
    // Denied for `per` (10 minutes) from the tripping block.
    clock.now += TimeUnit.MINUTES.toNanos(9);
    assertThat(enforce.decide(azure("d", Operation.CHAT, azureKey(), "env:K"), state).blocks()).isTrue();
    clock.now += TimeUnit.MINUTES.toNanos(1);
    assertThat(enforce.decide(azure("d", Operation.CHAT, azureKey(), "env:K"), state).blocks()).isFalse();
  }

  @Test
  void blocksSpreadOverMoreThanPerDoNotTrip() {
    Policy p = policy("version: 1\nabuse:\n  content_filter_blocks: {max: 2, per: 1m}\n");
    for (int i = 0; i < 5; i++) {
      AiCall c = azure("d", Operation.CHAT, azureKey(), "env:K");
      assertThat(p.decide(c, state).blocks()).isFalse();
      c.response = filtered();
      p.onCompleted(c, state);
      clock.now += TimeUnit.SECONDS.toNanos(61);
    }
  }

  @Test
  void policyInvalidDeniesEverything() {
    Policy invalid = Policy.invalid("policy.yaml:3:1: unknown key \"modles\"");
    Decision d = invalid.decide(openAi("gpt-4o", "hi"), state);
    assertThat(d.blocks()).isTrue();
    assertThat(d.rule()).isEqualTo(RuleId.POLICY_INVALID.id());
    assertThat(d.reason()).contains("policy.yaml:3:1");
  }

  @Test
  void monitorOnlyAndEmptyPoliciesAllowEverything() {
    assertAllowed("", proxy(azureKey()));
    assertThat(MonitorOnlyPolicy.INSTANCE.decide(proxy(azureKey())).outcome())
        .isEqualTo(Decision.Outcome.ALLOW);
  }

  @Test
  void everyContractRuleIdExists() {
    assertThat(java.util.Arrays.stream(RuleId.values()).map(RuleId::id))
        .containsExactly(
            "policy.invalid", "audit.unavailable", "endpoint.not_allowed", "key.denied", "key.not_allowed",
            "key.source_not_allowed", "key.host_not_bound", "key.wrong_provider",
            "key.entra_not_allowed", "abuse.content_filter", "operation.not_allowed",
            "model.not_allowed", "prompt.too_long", "prompt.secret", "prompt.pattern",
            "limit.requests", "limit.tokens");
  }

  @Test
  void captureModeTravelsWithTheDecision() {
    assertThat(decide("version: 1\n", openAi("gpt-4o", "hi")).capture()).isEqualTo(PromptCapture.HASH);
    assertThat(decide("version: 1\nprompts: {capture: none}\n", openAi("gpt-4o", "hi")).capture())
        .isEqualTo(PromptCapture.NONE);
    assertThat(decide("version: 1\nprompts: {capture: full}\n", openAi("gpt-4o", "hi")).capture())
        .isEqualTo(PromptCapture.FULL);
  }

  static ResponseInfo usage(long in, long out) {
    ResponseInfo r = new ResponseInfo();
    r.inputTokens = in;
    r.outputTokens = out;
    return r;
  }

  static ResponseInfo filtered() {
    ResponseInfo r = new ResponseInfo();
    r.contentFilterBlocked = true;
    r.errorCode = "content_filter";
    return r;
  }
}
