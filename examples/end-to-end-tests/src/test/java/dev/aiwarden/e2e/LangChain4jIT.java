package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI chat and streaming chat models (JDK HttpClient underneath). */
class LangChain4jIT {
  private static final String MAIN = "dev.aiwarden.examples.langchain4j.LangChain4jExample";

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static ChildJvm.Result without;
  private static List<String> requestsWithAgent;
  private static List<String> requestsWithout;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args("chat", "stream").run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    requestsWithAgent = Requests.seenBy(server);
    without = child().withoutAgent().args("chat", "stream").run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    requestsWithout = Requests.seenBy(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() {
    return ChildJvm.of(MAIN)
        .classpath(ExampleClasspath.of("langchain4j-example"))
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void chatAndStreamAreOneSpanEachWithEverythingTheBodySays() {
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(2);
    for (Spans.Span s : withAgent.spans) {
      Map<String, Object> a = s.attributes;
      assertThat(s.name).isEqualTo("chat gpt-4o");
      assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT);
      assertThat(a).containsEntry("aiwarden.client", "jdk-httpclient");
      assertThat(a).containsEntry("gen_ai.provider.name", "openai");
      assertThat(a).containsEntry("aiwarden.endpoint.kind", "openai");
      assertThat(a).containsEntry("server.address", "api.openai.com");
      assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
      assertThat(a).containsEntry("gen_ai.request.temperature", 0.2);
      assertThat(a).containsEntry("enduser.id", "user-4711");
      assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
      assertThat(a).containsEntry("http.response.status_code", 200L);
      assertThat(a.get("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat(a).containsEntry("aiwarden.key.kind", "openai_api_key");
      assertThat(a).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));
      assertThat(a).containsEntry("aiwarden.key.source", "env:OPENAI_API_KEY");
      assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.langchain4j.LangChain4jExample.main");
      assertThat(a).doesNotContainKey("error.type");
    }
    Spans.Span stream = withAgent.spans.get(1);
    assertThat(stream.attr("aiwarden.request.stream")).isEqualTo(true);
    assertThat(withAgent.spans.get(0).attributes).doesNotContainKey("aiwarden.request.stream");
  }

  @Test
  void noKeyAndNoPromptTextAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
  }

  @Test
  void resultsAndRequestBytesAreIdenticalWithoutTheAgent() {
    assertThat(withAgent.results()).hasSize(2).isEqualTo(without.results());
    assertThat(requestsWithAgent).hasSize(2).isEqualTo(requestsWithout);
    assertThat(without.spans).isEmpty();
  }
}
