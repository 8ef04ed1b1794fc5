package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spring AI 1.x {@code OpenAiChatModel} as a plain program: {@code RestClient} over the JDK
 * HttpClient for calls, {@code WebClient} on its JDK connector for streams. Spring sits on the
 * JDK client, and each AI call is still exactly one span.
 *
 * <p>Spring hands the JDK client its body as a reactive publisher that can be read only once, so
 * the hook does not read it: request-side attributes (model, prompt, max tokens) are absent; key,
 * endpoint, caller and response attributes are there. See docs/hooks.md.
 */
class SpringAi1IT {
  private static final String MAIN = "dev.aiwarden.examples.springai.SpringAi1Example";

  private static TestServer server;
  private static ChildJvm.Result withAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args("chat", "stream").run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
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
      assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.springai.SpringAi1Example.main");
      assertThat(a).doesNotContainKey("error.type");
    }
    assertThat((Long) withAgent.spans.get(0).attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(withAgent.spans.get(1).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  @Test
  void noKeyAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
  }

  @Test
  void resultsAreIdenticalWithoutTheAgent() throws Exception {
    ChildJvm.Result without = child().withoutAgent().args("chat", "stream").run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(withAgent.results()).hasSize(2).isEqualTo(without.results());
  }
}
