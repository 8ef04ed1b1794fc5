package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spring {@code WebClient} (chat, SSE stream) and {@code RestClient} on Reactor Netty 1.2 (Spring
 * 6.2): recorded by the Reactor Netty hook, one span per call. {@code RestClient} directly on its
 * JDK and Apache HttpClient 5 request factories: one span per call from the client underneath,
 * with the request body seen (the Spring hook offers it to the JDK hook; HC5's entity is
 * repeatable).
 */
class SpringWebClientIT {
  private static final String MAIN = "dev.aiwarden.examples.webclient.SpringWebClientExample";
  private static final String[] SCENARIOS = {"webclient-chat", "webclient-stream", "restclient-chat"};
  private static final String[] REST_CLIENT_FACTORIES = {"restclient-jdk-chat", "restclient-hc5-chat"};

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static ChildJvm.Result restClients;
  private static List<String> restClientRequests;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args(SCENARIOS).run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    server.server.reset();
    restClients = child().args(REST_CLIENT_FACTORIES).run();
    assertThat(restClients.exitCode).as(restClients.toString()).isZero();
    restClientRequests = Requests.seenBy(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() throws Exception {
    return ChildJvm.of(MAIN)
        .module("spring-webclient-example")
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void runsOnReactorNetty12() {
    assertThat(ChildJvmClasspath.of(withAgent)).contains("reactor-netty-http-1.2.17.jar");
  }

  @Test
  void everyCallIsOneReactorNettySpan() {
    assertThat(withAgent.results()).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.attr("aiwarden.client")).isEqualTo("reactor-netty");
      assertThat(s.attr("gen_ai.operation.name")).isEqualTo("chat");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
    }
    Spans.Span chat = withAgent.spans.get(0);
    assertThat(chat.name).isEqualTo("chat gpt-4o");
    assertThat(chat.attr("gen_ai.request.max_tokens")).isEqualTo(64L);
    assertThat(withAgent.spans.get(1).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  @Test
  void restClientStreamsItsBodySoTheRequestSideIsUnknown() {
    // RestClient's ReactorClientHttpRequest writes the body as a Flux after the headers: the
    // call is recorded (key, endpoint, response, tokens) but the request's model and prompt are
    // not seen before it leaves (docs/hooks.md, Reactor Netty).
    Spans.Span rest = withAgent.spans.get(2);
    assertThat(rest.name).isEqualTo("chat");
    assertThat(rest.attributes).doesNotContainKey("gen_ai.request.model");
    assertThat(rest.attr("gen_ai.response.model")).isNotNull();
  }

  /** RestClient over the JDK client and over Apache HC5: one AI call, one span, request body seen. */
  @Test
  void restClientOnTheJdkAndApacheFactoriesIsOneSpanWithTheRequestBody() throws Exception {
    assertThat(restClients.spans).as(restClients.toString()).hasSize(2);
    assertThat(restClients.spans)
        .extracting(s -> s.attr("aiwarden.client"))
        .containsExactly("jdk-httpclient", "apache-httpclient-5");
    for (Spans.Span s : restClients.spans) {
      assertThat(s.name).as(s.toString()).isEqualTo("chat gpt-4o");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat(s.attr("gen_ai.request.max_tokens")).isEqualTo(64L);
      assertThat(s.attr("aiwarden.prompt.messages")).isEqualTo(2L);
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
      assertThat(s.attr("code.function.name"))
          .isEqualTo("dev.aiwarden.examples.webclient.SpringWebClientExample.run");
    }
    Leaks.assertNoSecret(restClients, server.openAiKey);
  }

  @Test
  void restClientFactoriesSendTheSameBytesAndGetTheSameResultsWithoutTheAgent() throws Exception {
    server.server.reset();
    ChildJvm.Result without = child().withoutAgent().args(REST_CLIENT_FACTORIES).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(ApacheHttpClientIT.masked(restClients.results()))
        .isEqualTo(ApacheHttpClientIT.masked(without.results()));
    assertThat(restClientRequests).hasSize(2).isEqualTo(Requests.seenBy(server));
  }

  /**
   * A denied model: blocked before a byte leaves on WebClient (Mono body) and RestClient over the
   * JDK and HC5 factories. RestClient on Reactor Netty writes its body as a Flux after the headers,
   * so model rules cannot see it: that call goes through (the documented gap, docs/coverage.md).
   */
  @Test
  void deniedModelIsBlockedWhereTheBodyIsSeen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    server.server.reset();
    String[] scenarios = {
      "webclient-chat", "webclient-stream", "restclient-jdk-chat", "restclient-hc5-chat", "restclient-chat"
    };
    ChildJvm.Result run = child().agentArgs(TestPolicies.denyingModel(dir, "gpt-4o")).args(scenarios).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.results()).as(run.toString()).hasSize(5);
    for (int i = 0; i < 4; i++) {
      assertThat(run.results().get(i)).contains("error=ai-warden: blocked by model.not_allowed");
      assertThat(run.spans.get(i).attr("aiwarden.policy.rule")).isEqualTo("model.not_allowed");
    }
    assertThat(run.results().get(4)).doesNotContain("error=");
    assertThat(server.server.requestCount()).as("only the Flux-bodied RestClient call").isEqualTo(1);
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  /** Reactor Netty (WebClient) and RestClient on the JDK and HC5 factories, on Java 25. */
  @Test
  void sameOnJava25() throws Exception {
    ChildJvm.Result run =
        child()
            .java(Jdks.java25())
            .args("webclient-chat", "webclient-stream", "restclient-jdk-chat", "restclient-hc5-chat")
            .run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans)
        .as(run.toString())
        .extracting(s -> s.attr("aiwarden.client"))
        .containsExactly("reactor-netty", "reactor-netty", "jdk-httpclient", "apache-httpclient-5");
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).as(s.toString()).isPositive();
    }
    Leaks.assertNoSecret(run, server.openAiKey);
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
