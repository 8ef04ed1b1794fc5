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
import dev.aiwarden.provenance.CallerLocator;
import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.Telemetry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an allowed AI call costs the core, in bytes allocated on the calling thread: reading the
 * request and response, key lookup, key source, policy, the call record and its log line (no
 * exporter: no span). The caller is handed in, as a hook that captured it does: the stack walk's
 * cost is the JDK's and depends on the depth of the stack. Measured after warm-up with the JVM's
 * per-thread allocation counter.
 */
class CorePathAllocationTest {
  private static final String KEY = "sk-proj-AllocTestKey0123456789abcdefghijABCDEFGH";
  private static final int WARM = 20_000;
  private static final int MEASURED = 5_000;
  private static final int BLOCKS = 5;

  @TempDir Path dir;

  private static String prompt(int chars) {
    StringBuilder b = new StringBuilder("Summarise the following notes in one friendly sentence. ");
    while (b.length() < chars) {
      b.append("Our quarterly revenue grew in every region while costs stayed flat. ");
    }
    return b.toString();
  }

  private static byte[] request(int promptChars) {
    return ("{\"messages\":[{\"content\":\"You are a concise assistant.\",\"role\":\"system\"},"
            + "{\"content\":\"" + prompt(promptChars) + "\",\"role\":\"user\"}],\"model\":\"gpt-4o\","
            + "\"max_completion_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] REQUEST = request(2048);
  /** Still within what the parser's per-thread text builder keeps (16 K chars). */
  private static final byte[] LONGER_REQUEST = request(6 * 1024);
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
  void anAllowedCallWithTheDefaultPolicyAllocatesLittle() throws Exception {
    long bytes = perCall(MonitorOnlyPolicy.INSTANCE, REQUEST);
    // Everything but the stack walk: request and response read, key, key source, the call record
    // and its one log line (~240 bytes of it). ~500-600 bytes; ~900 before the prompt hash, end
    // user, temperature, response id and finish reasons were left unread without spans.
    assertThat(bytes).isLessThan(700);
  }

  @Test
  void anAllowedCallWithEveryRuleTypeAllocatesLittleAndNothingPerPromptCharacter() throws Exception {
    PolicyStore policy = PolicyStore.open(fullPolicy());
    long bytes = perCall(policy, REQUEST);
    // As above, plus the token reservation the limits keep until the call completes; the prompt
    // text is scanned for secrets and patterns as a view of the parser's buffer, never as a
    // String (before: +2 KB per call for this 2 KB prompt).
    assertThat(bytes).isLessThan(800);
    long longer = perCall(policy, LONGER_REQUEST);
    assertThat(longer - bytes).isLessThan(128); // a prompt 3 times longer: no more garbage
  }

  @Test
  void withoutSpansTheValuesOnlyASpanShowsAreNotRead() throws Exception {
    // Prompt hash (and its SHA-256), end user, temperature, response id, finish reasons: read for
    // a span, skipped when no span will be made.
    long forSpans = perParse(REQUEST, true);
    long forLogAndPolicy = perParse(REQUEST, false);
    assertThat(forSpans - forLogAndPolicy).isGreaterThan(150);
    assertThat(forLogAndPolicy).isLessThan(230); // the two records (no boxed token count)
  }

  /**
   * A call that walks for its caller walks no deeper than {@code captureCaller()} from the same
   * depth: every frame more between the hook and the walk costs a filled frame slot (~97 bytes
   * on Java 17), so the core must not add one. For both ways of handing over the path.
   */
  @Test
  void theCallersWalkGoesNoDeeperThanACapturedCallersWalk() throws Exception {
    CallTelemetry calls = Telemetry.noop().callTelemetry();
    WardenCore core = new WardenCore(() -> MonitorOnlyPolicy.INSTANCE, () -> calls);
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream(), true)); // the log lines
    try {
      capture(core);
      int captured = CallerLocator.lastWalkFrames();
      call(core, REQUEST, null);
      int walked = CallerLocator.lastWalkFrames();
      callByOffsets(core, REQUEST, null);
      int walkedByOffsets = CallerLocator.lastWalkFrames();
      assertThat(captured).isGreaterThan(5);
      assertThat(walked).isEqualTo(captured);
      assertThat(walkedByOffsets).isEqualTo(captured);
    } finally {
      System.setErr(err);
    }
  }

  /** Called as {@link #call} is: the same number of frames between the test and the walk. */
  private static void capture(WardenCore core) {
    if (core.captureCaller() == null) {
      throw new AssertionError("no caller found"); // (no assertion object per call)
    }
  }

  @Test
  void tokenCountsAreReadWithoutBoxing() throws Exception {
    // Counts of 128 and more were boxed Longs (24 bytes each, per call); small ones come from the
    // JDK's Long cache, so the difference showed exactly the boxes.
    long large = perParse(REQUEST, usage(412_000, 9_000), false);
    long small = perParse(REQUEST, usage(4, 9), false);
    assertThat(large - small).isLessThan(16);
  }

  private static byte[] usage(long input, long output) {
    return ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Revenue grew.\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + input
            + ",\"completion_tokens\":" + output + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Path fullPolicy() throws Exception {
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
                + "  deny_patterns: [\"(?i)do not (revise|rewrite|change) (this|the|my) prompt\","
                + " \"(launch|nuclear) codes?\"]\n"
                + "  deny_secrets: true\n"
                + "limits:\n  requests_per_minute: 1000000\n  tokens_per_minute: 100000000000\n"
                + "abuse:\n  content_filter_blocks: {max: 3, per: 10m}\n")
            .getBytes(StandardCharsets.UTF_8));
    return file;
  }

  /** Bytes the calling thread allocates per allowed call, after warm-up (caller handed in). */
  private static long perCall(PolicyEngine policy, byte[] request) throws Exception {
    CallTelemetry calls = Telemetry.noop().callTelemetry();
    WardenCore core = new WardenCore(() -> policy, () -> calls);
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream(), true)); // the log lines
    try {
      return measure(() -> call(core, request));
    } finally {
      System.setErr(err);
    }
  }

  /** Bytes per read of the request and response bodies alone. */
  private static long perParse(byte[] request, boolean spanValues) throws Exception {
    return perParse(request, RESPONSE, spanValues);
  }

  private static long perParse(byte[] request, byte[] response, boolean spanValues) throws Exception {
    Endpoint endpoint = EndpointClassifier.classify("api.openai.com", 443, "/v1/chat/completions");
    return measure(() -> {
      RequestInfo info =
          RequestBodyParser.parse(
              request, 0, request.length, "application/json", null, endpoint.operation(),
              RequestBodyParser.TEXT_NONE, spanValues);
      ResponseBodyParser.parse(response, 0, response.length, "application/json", null, 200, info, spanValues);
    });
  }

  private interface Work {
    void run() throws Exception;
  }

  /** Bytes per {@code work} after warm-up: the least of {@link #BLOCKS} blocks of calls. */
  private static long measure(Work work) throws Exception {
    return dev.aiwarden.hook.Allocations.leastPerRun(WARM, MEASURED, BLOCKS, work::run);
  }

  private static void call(WardenCore core, byte[] request) throws Exception {
    call(core, request, CALLER);
  }

  private static void call(WardenCore core, byte[] request, Caller caller) throws Exception {
    Object handle =
        core.requestStarting(
            "okhttp",
            "POST",
            "https://api.openai.com/v1/chat/completions",
            "api.openai.com",
            443,
            "/v1/chat/completions",
            HEADERS,
            request,
            caller);
    if (!(handle instanceof AiCall)) { // (no assertion object per call: it would be counted)
      throw new AssertionError("not an allowed AI call: " + handle);
    }
    core.responseReceived(handle, 200, RESPONSE_HEADERS, RESPONSE);
  }

  /** {@link #call} with the path handed over as offsets into the URL, as the OkHttp hook does. */
  private static void callByOffsets(WardenCore core, byte[] request, Caller caller) throws Exception {
    String url = "https://api.openai.com/v1/chat/completions";
    Object handle =
        core.requestStarting(
            "okhttp", "POST", url, "api.openai.com", 443, 22, url.length(), HEADERS, request, caller);
    if (!(handle instanceof AiCall)) {
      throw new AssertionError("not an allowed AI call: " + handle);
    }
    core.responseReceived(handle, 200, RESPONSE_HEADERS, RESPONSE);
  }
}
