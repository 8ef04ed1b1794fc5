package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spring AI 1.x {@code OpenAiChatModel} as a plain program: {@code RestClient} over the JDK
 * HttpClient for calls, {@code WebClient} on its JDK connector for streams. Spring sits on the
 * JDK client, and each AI call is still exactly one span.
 *
 * <p>Spring hands the JDK client its body as a one-shot stream; the Spring hook ({@code
 * hook/spring}) offers the JDK client hook the bytes Spring still holds, so the span has every
 * request attribute and the policy sees model and prompt before a byte leaves. See docs/hooks.md.
 */
class SpringAi1IT {
  private static final String MAIN = "dev.aiwarden.examples.springai.SpringAi1Example";
  private static final long PROMPT_CHARS =
      "You are a concise assistant.".length()
          + "Summarise our quarterly numbers in one friendly sentence.".length();

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static List<String> requestsWithAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args("chat", "stream").run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    requestsWithAgent = Requests.seenBy(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() {
    return ChildJvm.of(MAIN)
        .classpath(ExampleClasspath.of("spring-ai-1-example"))
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com"))
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void oneSpanPerCallThoughSpringSitsOnTheJdkClient() {
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(2);
    for (Spans.Span s : withAgent.spans) {
      Map<String, Object> a = s.attributes;
      assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT);
      assertThat(a).containsEntry("aiwarden.client", "jdk-httpclient");
      assertThat(a).containsEntry("gen_ai.operation.name", "chat");
      assertThat(a).containsEntry("aiwarden.endpoint.kind", "openai");
      assertThat(a).containsEntry("server.address", "api.openai.com");
      assertThat(a).containsEntry("http.response.status_code", 200L);
      assertThat(a).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));
      assertThat(a).containsEntry("aiwarden.key.source", "env:OPENAI_API_KEY");
      assertThat(a).containsEntry("gen_ai.response.model", "gpt-4o");
      assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.springai.SpringAi1Example.run");
      assertThat(a).doesNotContainKey("error.type");
    }
    assertThat((Long) withAgent.spans.get(0).attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(withAgent.spans.get(1).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  /** The request side, from the bytes the Spring hook offered: sync (RestClient) and streamed (WebClient). */
  @Test
  void requestAttributesOnSyncAndStreamedCalls() {
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(2);
    for (Spans.Span s : withAgent.spans) {
      Map<String, Object> a = s.attributes;
      assertThat(s.name).as(s.toString()).isEqualTo("chat gpt-4o");
      assertThat(a).containsEntry("gen_ai.request.model", "gpt-4o");
      assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
      assertThat(a).containsEntry("gen_ai.request.temperature", 0.2);
      assertThat(a).containsEntry("enduser.id", "user-4711");
      assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
      assertThat(a).containsEntry("aiwarden.prompt.chars", PROMPT_CHARS);
      assertThat((String) a.get("aiwarden.prompt.sha256")).matches("[0-9a-f]{16}");
      assertThat((Long) a.get("gen_ai.usage.input_tokens")).as(s.toString()).isPositive();
      assertThat((Long) a.get("gen_ai.usage.output_tokens")).as(s.toString()).isPositive();
    }
    assertThat(withAgent.spans.get(0).attr("aiwarden.prompt.sha256"))
        .isEqualTo(withAgent.spans.get(1).attr("aiwarden.prompt.sha256"));
  }

  @Test
  void noKeyAndNoPromptTextAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
  }

  @Test
  void resultsAndRequestBytesAreIdenticalWithoutTheAgent() throws Exception {
    server.server.reset();
    ChildJvm.Result without = child().withoutAgent().args("chat", "stream").run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(withAgent.results()).hasSize(2).isEqualTo(without.results());
    assertThat(requestsWithAgent).hasSize(2).isEqualTo(Requests.seenBy(server));
  }

  /** The Spring hook and the JDK client hook on Java 25: request attributes on both paths. */
  @Test
  void sameOnJava25() throws Exception {
    ChildJvm.Result run = child().java(Jdks.java25()).args("chat", "stream").run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans).as(run.toString()).hasSize(2);
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("aiwarden.client")).isEqualTo("jdk-httpclient");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat(s.attr("aiwarden.prompt.chars")).isEqualTo(PROMPT_CHARS);
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).as(s.toString()).isPositive();
    }
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  /** A model the policy denies: blocked on both paths before a byte leaves; nothing reaches the server. */
  @Test
  void deniedModelIsBlockedOnSyncAndStreamedCalls(@TempDir Path dir) throws Exception {
    server.server.reset();
    ChildJvm.Result run =
        child()
            .agentArgs(TestPolicies.denyingModel(dir, "gpt-4o"))
            .env("SPRING_AI_MAX_ATTEMPTS", "1")
            .args("chat", "stream")
            .run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(server.server.requestCount()).as(run.toString()).isZero();
    assertThat(run.results()).as(run.toString()).hasSize(2);
    for (String result : run.results()) {
      assertThat(result).contains("error=ai-warden: blocked by model.not_allowed");
    }
    assertThat(run.spans).as(run.toString()).hasSize(2);
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("deny");
      assertThat(s.attr("aiwarden.policy.rule")).isEqualTo("model.not_allowed");
      assertThat(s.attr("error.type")).isEqualTo("ai_warden.policy_denied");
    }
    Leaks.assertNoSecret(run, server.openAiKey);
  }
}
