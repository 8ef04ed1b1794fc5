package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy engine end to end: the built agent jar with a policy file, in forked JVMs running the
 * real openai-java and azure-ai-openai SDKs against the local server. Each child run exercises
 * several rules at once (every call in it breaks a different rule), once with {@code mode:
 * enforce} (the application sees {@code ai-warden: blocked by <rule>}, the server sees nothing) and
 * once with {@code mode: monitor} (every call succeeds, its span says {@code would_deny} and why).
 */
class PolicyIT {
  private static final String OPENAI_MAIN = "dev.aiwarden.examples.openai.OpenAiJavaExample";
  private static final String AZURE_MAIN = "dev.aiwarden.examples.azure.AzureOpenAiExample";
  private static final String LONG_PROMPT = "x".repeat(400);
  private static final String SECRET_PROMPT = "Why does the deploy script fail with AKIAIOSFODNN7EXAMPLE?";
  private static final String NO_REVISE_PROMPT = "A red fox. DO NOT add any detail, just use it AS-IS.";
  /** A made-up Entra ID token (signature not checked) from a tenant the policy does not trust. */
  private static final String ENTRA_TOKEN =
      b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "."
          + b64("{\"tid\":\"evil-tenant\",\"appid\":\"app-1\",\"iss\":\"https://sts.windows.net/evil-tenant/\"}")
          + ".c2lnbmF0dXJl";

  private static TestServer server;
  private static Path policies;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    policies = Files.createTempDirectory("ai-warden-policies");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // --- openai-java --------------------------------------------------------------------------

  /** keys.deny, operations, models, prompt length / secrets / patterns, tokens per minute. */
  private static String policyA(String mode) {
    return "version: 1\nmode: " + mode + "\n"
        + "keys:\n  deny: [\"" + Keys.fingerprint(server.azureKey) + "\"]\n"
        + "operations:\n  allow: [chat, responses, image_generation]\n"
        + "models:\n  deny: [\"dall-e-*\"]\n"
        + "prompts:\n  max_chars: 300\n  deny_secrets: true\n  deny_patterns: [\"builtin:dalle_no_revise\"]\n"
        + "limits:\n  tokens_per_minute: 1\n";
  }

  private static final String[] SCENARIOS_A = {
    "chat", "azure-chat", "embeddings", "image", "say:" + LONG_PROMPT, "say:" + SECRET_PROMPT,
    "say:" + NO_REVISE_PROMPT, "chat-async", "stream"
  };
  private static final String[] RULES_A = {
    null, "key.denied", "operation.not_allowed", "model.not_allowed", "prompt.too_long", "prompt.secret",
    "prompt.pattern", "limit.tokens", "limit.tokens"
  };

  private static ChildJvm openAi(String policy) throws Exception {
    return ChildJvm.of(OPENAI_MAIN)
        .against(server)
        .agentArgs("policy=" + write(policy))
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void openAiJavaEnforce_keysOperationsModelsPromptsAndTokenLimit() throws Exception {
    server.server.reset();
    ChildJvm.Result run = openAi(policyA("enforce")).args(SCENARIOS_A).run();
    assertEnforced(run, SCENARIOS_A, RULES_A);
    assertThat(server.server.requestCount()).as("only the first chat may reach the server").isEqualTo(1);
    Leaks.assertNoSecret(run, server.openAiKey, server.azureKey, "AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void openAiJavaMonitor_keysOperationsModelsPromptsAndTokenLimit() throws Exception {
    server.server.reset();
    ChildJvm.Result run = openAi(policyA("monitor")).args(SCENARIOS_A).run();
    assertMonitored(run, SCENARIOS_A, RULES_A);
    assertThat(server.server.requestCount()).isEqualTo(SCENARIOS_A.length);
    Leaks.assertNoSecret(run, server.openAiKey, server.azureKey, "AKIAIOSFODNN7EXAMPLE");
  }

  /** endpoints.allow (a proxy) and keys.match_provider (an OpenAI key sent to Azure). */
  private static ChildJvm proxyAndWrongProvider(String mode, String extra) throws Exception {
    return openAi("version: 1\nmode: " + mode + "\n"
            + "endpoints:\n  allow: [api.openai.com, \"*.openai.azure.com\"]\n"
            + "keys:\n  match_provider: true\n" + extra)
        .env("OPENAI_BASE_URL", server.https("proxy.example.test") + "/v1")
        .env("AZURE_OPENAI_API_KEY", server.openAiKey)
        .args("chat", "azure-chat");
  }

  @Test
  void openAiJavaEndpointAndWrongProvider() throws Exception {
    String[] scenarios = {"chat", "azure-chat"};
    String[] rules = {"endpoint.not_allowed", "key.wrong_provider"};
    server.server.reset();
    ChildJvm.Result enforce = proxyAndWrongProvider("enforce", "").run();
    assertEnforced(enforce, scenarios, rules);
    assertThat(server.server.requestCount()).isZero();

    server.server.reset();
    ChildJvm.Result monitor = proxyAndWrongProvider("monitor", "prompts:\n  capture: full\n").run();
    assertMonitored(monitor, scenarios, rules);
    assertThat(server.server.requestCount()).isEqualTo(2);
    // prompts.capture: full puts the prompt text on the span.
    assertThat((String) monitor.spans.get(0).attr("aiwarden.prompt.text"))
        .contains("Summarise our quarterly numbers");
    assertThat(monitor.spans.get(0).attr("aiwarden.endpoint.kind")).isEqualTo("openai_compatible");
    Leaks.assertNoSecret(enforce, server.openAiKey, server.azureKey);
    Leaks.assertNoSecret(monitor, server.openAiKey, server.azureKey);
  }

  /** keys.entra (an Entra token from another tenant) and keys.bind (a key bound to other hosts). */
  private static ChildJvm entraAndBind(String mode) throws Exception {
    return openAi("version: 1\nmode: " + mode + "\n"
            + "keys:\n  entra:\n    tenants: [good-tenant]\n"
            + "  bind:\n    \"" + Keys.fingerprint(server.azureKey) + "\": [\"img-worker-*\"]\n")
        .env("OPENAI_API_KEY", ENTRA_TOKEN)
        .env("OTEL_RESOURCE_ATTRIBUTES", "host.name=web-frontend-1")
        .args("chat", "azure-chat");
  }

  @Test
  void openAiJavaEntraAndHostBinding() throws Exception {
    String[] scenarios = {"chat", "azure-chat"};
    String[] rules = {"key.entra_not_allowed", "key.host_not_bound"};
    server.server.reset();
    ChildJvm.Result enforce = entraAndBind("enforce").run();
    assertEnforced(enforce, scenarios, rules);
    assertThat(server.server.requestCount()).isZero();
    assertThat(enforce.spans.get(1).resource.get("host.name")).isEqualTo("web-frontend-1");
    assertThat((String) enforce.spans.get(1).attr("aiwarden.policy.reason")).contains("web-frontend-1");

    server.server.reset();
    ChildJvm.Result monitor = entraAndBind("monitor").run();
    assertMonitored(monitor, scenarios, rules);
    assertThat(server.server.requestCount()).isEqualTo(2);
    Leaks.assertNoSecret(enforce, server.azureKey, ENTRA_TOKEN);
    Leaks.assertNoSecret(monitor, server.azureKey, ENTRA_TOKEN);
  }

  /** keys.allow (a key not listed) and keys.sources (a key from the environment). */
  private static ChildJvm allowAndSources(String mode) throws Exception {
    return openAi("version: 1\nmode: " + mode + "\n"
            + "keys:\n  allow: [\"" + Keys.fingerprint(server.azureKey) + "\"]\n  sources: [keyvault]\n")
        .args("chat", "azure-chat");
  }

  @Test
  void openAiJavaKeyAllowListAndSources() throws Exception {
    String[] scenarios = {"chat", "azure-chat"};
    String[] rules = {"key.not_allowed", "key.source_not_allowed"};
    server.server.reset();
    ChildJvm.Result enforce = allowAndSources("enforce").run();
    assertEnforced(enforce, scenarios, rules);
    assertThat(server.server.requestCount()).isZero();
    server.server.reset();
    ChildJvm.Result monitor = allowAndSources("monitor").run();
    assertMonitored(monitor, scenarios, rules);
    assertThat(server.server.requestCount()).isEqualTo(2);
  }

  // --- azure-ai-openai, sync and async --------------------------------------------------------

  private static ChildJvm azure(String policy) throws Exception {
    return ChildJvm.of(AZURE_MAIN)
        .against(server)
        .agentArgs("policy=" + write(policy))
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void azureEnforce_requestLimitFailsSyncAndAsyncAtOnce() throws Exception {
    server.server.reset();
    ChildJvm.Result run = azure("version: 1\nlimits:\n  requests_per_minute: 1\n")
        .args("chat", "chat-async", "stream").run();
    assertEnforced(run, new String[] {"chat", "chat-async", "stream"},
        new String[] {null, "limit.requests", "limit.requests"});
    assertThat(server.server.requestCount()).isEqualTo(1);
    assertNoBackOff(run);
    Leaks.assertNoSecret(run, server.azureKey);
  }

  @Test
  void azureEnforce_contentFilterBreakerTripsTheKey() throws Exception {
    server.server.reset();
    ChildJvm.Result run = azure("version: 1\nabuse:\n  content_filter_blocks: {max: 1, per: 10m}\n")
        .args("content-filter", "chat", "chat-async").run();
    assertThat(run.results().get(0)).as(run.toString()).isEqualTo("RESULT content-filter status=400");
    assertEnforced(run, new String[] {"content-filter", "chat", "chat-async"},
        new String[] {null, "abuse.content_filter", "abuse.content_filter"});
    assertThat(server.server.requestCount()).isEqualTo(1);
    assertNoBackOff(run);
    assertThat(run.stderr).contains("hit the content filter 1 times within 10m");
  }

  @Test
  void azureMonitor_limitsAndBreakerOnlyRecord() throws Exception {
    server.server.reset();
    String[] scenarios = {"chat", "chat-async", "content-filter", "stream"};
    ChildJvm.Result run = azure("version: 1\nmode: monitor\nlimits:\n  requests_per_minute: 1\n"
            + "abuse:\n  content_filter_blocks: {max: 1, per: 10m}\n")
        .args(scenarios).run();
    assertMonitored(run, scenarios,
        new String[] {null, "limit.requests", "limit.requests", "abuse.content_filter"});
    assertThat(server.server.requestCount()).isEqualTo(4);
  }

  @Test
  void invalidPolicyAtStartUpDeniesEveryAiCall() throws Exception {
    server.server.reset();
    Path file = write("version: 1\nmodles:\n  allow: [gpt-4o]\n");
    ChildJvm.Result run = ChildJvm.of(AZURE_MAIN)
        .against(server)
        .agentArgs("policy=" + file)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey)
        .args("chat", "chat-async")
        .run();
    assertEnforced(run, new String[] {"chat", "chat-async"}, new String[] {"policy.invalid", "policy.invalid"});
    assertThat(server.server.requestCount()).isZero();
    assertThat(run.stderr).contains("[ai-warden] ERROR policy refused: " + file + ":2:1: unknown key \"modles\"");
    assertThat(run.results().get(0)).contains(file + ":2:1");
    assertNoBackOff(run);

    // A policy file given but missing is an error too, not a silent default.
    ChildJvm.Result missing = ChildJvm.of(OPENAI_MAIN)
        .against(server)
        .agentArgs("policy=" + policies.resolve("does-not-exist.yaml"))
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .args("chat")
        .run();
    assertThat(missing.results()).as(missing.toString()).hasSize(1);
    assertThat(missing.results().get(0)).contains("error=ai-warden: blocked by policy.invalid: ")
        .contains("does-not-exist.yaml:1:1: the policy file does not exist");
    assertThat(server.server.requestCount()).isZero();
  }

  // --- Assertions -----------------------------------------------------------------------------

  /** Blocked scenarios print the denial; the others succeed; one span per call says the same. */
  private static void assertEnforced(ChildJvm.Result run, String[] scenarios, String[] rules) {
    assertThat(run.exitCode).as(run.toString()).isZero();
    List<String> results = run.results();
    assertThat(results).as(run.toString()).hasSize(scenarios.length);
    assertThat(run.spans).as(run.toString()).hasSize(scenarios.length);
    for (int i = 0; i < scenarios.length; i++) {
      Spans.Span span = run.spans.get(i);
      if (rules[i] == null) {
        assertThat(results.get(i)).as(run.toString()).doesNotContain("error=");
        assertThat(span.attr("aiwarden.policy.decision")).isEqualTo("allow");
      } else {
        assertThat(results.get(i)).as(run.toString())
            .startsWith("RESULT " + label(scenarios[i]) + " error=ai-warden: blocked by " + rules[i] + ": ");
        assertThat(span.attr("aiwarden.policy.decision")).as(span.toString()).isEqualTo("deny");
        assertThat(span.attr("aiwarden.policy.rule")).isEqualTo(rules[i]);
        assertThat((String) span.attr("aiwarden.policy.reason")).isNotBlank();
        assertThat(span.attr("error.type")).isEqualTo("ai_warden.policy_denied");
        assertThat(span.statusCode).isEqualTo(Spans.STATUS_ERROR);
        assertThat(run.stderr).contains("rule=" + rules[i]);
      }
    }
  }

  /** Every scenario succeeds; spans carry would_deny with the rule that would have blocked. */
  private static void assertMonitored(ChildJvm.Result run, String[] scenarios, String[] rules) {
    assertThat(run.exitCode).as(run.toString()).isZero();
    List<String> results = run.results();
    assertThat(results).as(run.toString()).hasSize(scenarios.length);
    assertThat(results).as(run.toString()).noneMatch(r -> r.contains("error="));
    assertThat(run.spans).as(run.toString()).hasSize(scenarios.length);
    for (int i = 0; i < scenarios.length; i++) {
      Spans.Span span = run.spans.get(i);
      Map<String, Object> a = span.attributes;
      if (rules[i] == null) {
        assertThat(a.get("aiwarden.policy.decision")).as(span.toString()).isEqualTo("allow");
      } else {
        assertThat(a.get("aiwarden.policy.decision")).as(span.toString()).isEqualTo("would_deny");
        assertThat(a.get("aiwarden.policy.rule")).as(span.toString()).isEqualTo(rules[i]);
        assertThat((String) a.get("aiwarden.policy.reason")).isNotBlank();
        assertThat(a).containsKey("http.response.status_code");
      }
    }
  }

  /** azure-core retries failures with back-off; a denial must fail at once. */
  private static void assertNoBackOff(ChildJvm.Result run) {
    List<Long> millis = new ArrayList<>();
    for (String r : run.results()) {
      int at = r.indexOf(" millis=");
      if (r.contains("error=") && at > 0) {
        millis.add(Long.parseLong(r.substring(at + 8).trim()));
      }
    }
    assertThat(millis).as(run.toString()).isNotEmpty();
    // azure-core's default retry waits about 0.8 + 1.6 + 3.2 s; the first call of a JVM also pays
    // for class loading and hooking, so it gets a looser bound than the later ones.
    assertThat(millis.get(0)).as("a denied call fails without retries: " + run.results()).isLessThan(4000);
    assertThat(millis.subList(1, millis.size()))
        .as("a denied call fails without retries: " + run.results()).allMatch(m -> m < 1500);
  }

  private static String label(String scenario) {
    int colon = scenario.indexOf(':');
    return colon < 0 ? scenario : scenario.substring(0, colon);
  }

  private static Path write(String policy) throws Exception {
    Path f = Files.createTempFile(policies, "policy", ".yaml");
    Files.write(f, policy.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
