package dev.aiwarden.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointClassifier;
import dev.aiwarden.classify.RequestBodyParser;
import dev.aiwarden.classify.ResponseBodyParser;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.policy.PolicyEngine;
import dev.aiwarden.policy.PolicyStore;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.Telemetry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an allowed AI call costs the core beyond parsing its bodies, in bytes allocated on the
 * calling thread: key lookup, key source, policy, the call record and its log line (no exporter:
 * no span). The caller is handed in, as a hook that captured it does: the stack walk's cost is the
 * JDK's and depends on the depth of the stack. Measured after warm-up with the JVM's per-thread
 * allocation counter, parsing subtracted by parsing the same bodies alone.
 */
class CorePathAllocationTest {
  private static final String KEY = "sk-proj-AllocTestKey0123456789abcdefghijABCDEFGH";
  private static final int WARM = 20_000;
  private static final int MEASURED = 5_000;

  @TempDir Path dir;

  private static String prompt() {
    StringBuilder b = new StringBuilder("Summarise the following notes in one friendly sentence. ");
    while (b.length() < 2048) {
      b.append("Our quarterly revenue grew in every region while costs stayed flat. ");
    }
    return b.toString();
  }

  private static final byte[] REQUEST =
      ("{\"messages\":[{\"content\":\"You are a concise assistant.\",\"role\":\"system\"},"
              + "{\"content\":\"" + prompt() + "\",\"role\":\"user\"}],\"model\":\"gpt-4o\","
              + "\"max_completion_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESPONSE =
      ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Revenue grew.\"},"
              + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":9}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final String[] HEADERS = {
    "Authorization", "Bearer " + KEY,
    "X-Stainless-Lang", "java",
    "X-Stainless-Retry-Count", "0",
    "Accept", "application/json",
    "Content-Type", "application/json",
    "User-Agent", "OpenAIOkHttpClient/Java 4.101.0",
  };
  private static final String[] RESPONSE_HEADERS = {"Content-Type", "application/json"};
  private static final Caller CALLER = new Caller("com.acme.Billing.summarise", "Billing.java", 81);

  @Test
  void anAllowedCallWithTheDefaultPolicyAllocatesLittleBeyondParsing() throws Exception {
    long bytes = perCallBeyondParsing(MonitorOnlyPolicy.INSTANCE);
    // The call record and its one log line: ~400-600 bytes (before this test: ~1.2 KB).
    assertThat(bytes).isLessThan(800);
  }

  @Test
  void anAllowedCallWithEveryRuleTypeAllocatesLittleBeyondParsing() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.write(
        file,
        ("version: 1\nmode: enforce\n"
                + "endpoints:\n  allow: [\"*.openai.azure.com\", \"api.openai.com\"]\n"
                + "keys:\n  allow: [\"" + Fingerprints.fingerprint(KEY) + "\"]\n"
                + "  deny: [\"sha256:fedcba9876543210\"]\n"
                + "  sources: [env, sysprop, file, keyvault, entra_id, unknown]\n"
                + "  bind:\n    \"" + Fingerprints.fingerprint(KEY) + "\": [\"*\"]\n"
                + "  match_provider: true\n"
                + "models:\n  allow: [\"gpt-4o*\"]\n  deny: [\"gpt-3.5*\"]\n"
                + "operations:\n  allow: [chat, embeddings]\n"
                + "prompts:\n  max_chars: 32000\n"
                + "  deny_patterns: [\"(?i)do not (revise|rewrite|change) (this|the|my) prompt\"]\n"
                + "  deny_secrets: true\n"
                + "limits:\n  requests_per_minute: 1000000\n  tokens_per_minute: 100000000000\n"
                + "abuse:\n  content_filter_blocks: {max: 3, per: 10m}\n")
            .getBytes(StandardCharsets.UTF_8));
    PolicyStore policy = PolicyStore.open(file);
    long bytes = perCallBeyondParsing(policy);
    // As above, plus the token reservation the limits keep until the call completes.
    assertThat(bytes).isLessThan(1000);
  }

  private static long perCallBeyondParsing(PolicyEngine policy) throws Exception {
    CallTelemetry calls = Telemetry.noop().callTelemetry();
    WardenCore core = new WardenCore(() -> policy, () -> calls);
    Endpoint endpoint = EndpointClassifier.classify("api.openai.com", 443, "/v1/chat/completions");
    boolean text = policy.needsPromptText();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream(), true)); // the log lines
    try {
      for (int i = 0; i < WARM; i++) {
        call(core);
        parse(endpoint, text);
      }
      long start = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < MEASURED; i++) {
        parse(endpoint, text);
      }
      long parsed = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < MEASURED; i++) {
        call(core);
      }
      long called = threads.getThreadAllocatedBytes(id);
      return ((called - parsed) - (parsed - start)) / MEASURED;
    } finally {
      System.setErr(err);
    }
  }

  private static void call(WardenCore core) throws Exception {
    Object handle =
        core.requestStarting(
            "okhttp",
            "POST",
            "https://api.openai.com/v1/chat/completions",
            "api.openai.com",
            443,
            "/v1/chat/completions",
            HEADERS,
            REQUEST,
            CALLER);
    assertThat(handle).isInstanceOf(AiCall.class);
    core.responseReceived(handle, 200, RESPONSE_HEADERS, RESPONSE);
  }

  private static void parse(Endpoint endpoint, boolean text) {
    RequestInfo request =
        RequestBodyParser.parse(
            REQUEST, 0, REQUEST.length, "application/json", null, endpoint.operation(), text);
    ResponseBodyParser.parse(RESPONSE, 0, RESPONSE.length, "application/json", null, 200, request);
  }
}
