package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw Reactor Netty (WebClient's default engine) calling OpenAI over TLS: a {@code Mono} body
 * (one full message: the policy sees the body), an SSE stream, and a {@code Flux} body (headers
 * first: the call is recorded without the body's attributes). azure-ai-openai, which also runs on
 * Reactor Netty, keeps one span per call: see {@code AzureAiOpenAiIT}.
 */
class ReactorNettyIT {
  private static final String MAIN = "dev.aiwarden.examples.reactornetty.ReactorNettyExample";
  private static final String[] SCENARIOS = {"chat", "stream", "chat-flux"};

  private static TestServer server;
  private static ChildJvm.Result withAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args(SCENARIOS).run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() throws Exception {
    return ChildJvm.of(MAIN)
        .module("reactor-netty-example")
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void everyCallBecomesOneSpanWithKeyAndResponse() {
    assertThat(withAgent.results()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.attr("aiwarden.client")).isEqualTo("reactor-netty");
      assertThat(s.attr("gen_ai.operation.name")).isEqualTo("chat");
      assertThat(s.attr("server.address")).isEqualTo("api.openai.com");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
      assertThat(s.endNanos).isGreaterThan(s.startNanos);
    }
  }

  @Test
  void monoBodiesAreSeenBeforeTheyLeave() {
    Spans.Span chat = withAgent.spans.get(0);
    assertThat(chat.name).isEqualTo("chat gpt-4o");
    assertThat(chat.attr("gen_ai.request.max_tokens")).isEqualTo(64L);
    assertThat(chat.attr("enduser.id")).isEqualTo("user-4711");
    Spans.Span stream = withAgent.spans.get(1);
    assertThat(stream.attr("aiwarden.request.stream")).isEqualTo(true);
  }

  @Test
  void fluxBodiesAreRecordedWithoutTheirBody() {
    Spans.Span flux = withAgent.spans.get(2);
    assertThat(flux.attributes).doesNotContainKey("aiwarden.prompt.chars");
    assertThat((String) flux.attr("gen_ai.response.id")).startsWith("chatcmpl-");
  }

  @Test
  void noKeyAnywhereAndResultsUnchanged() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(ApacheHttpClientIT.masked(withAgent.results()))
        .isEqualTo(ApacheHttpClientIT.masked(without.results()));
  }
}
