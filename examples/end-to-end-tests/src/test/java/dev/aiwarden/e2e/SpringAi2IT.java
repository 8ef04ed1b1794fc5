package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spring AI 2.x {@code OpenAiChatModel} (openai-java-core 4.49 with Spring AI's own OkHttp client),
 * chat and streamed chat, on its own class path (Spring 7, Reactor 3.8).
 */
class SpringAi2IT {
  private static final String MAIN = "dev.aiwarden.examples.springai2.SpringAi2Example";
  private static final String[] SCENARIOS = {"chat", "stream"};

  private static TestServer server;
  private static ChildJvm.Result withAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    // At debug level: the openai-java hook tells which client chain it found (and every output is
    // still searched for the key).
    withAgent = child().agentArgs("log.level=debug").args(SCENARIOS).run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() throws Exception {
    return ChildJvm.of(MAIN)
        .module("spring-ai2-example")
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void runsOnSpringAi2AndOpenAiJavaCore() {
    assertThat(ChildJvmClasspath.of(withAgent))
        .contains("spring-ai-openai-2.0.1.jar")
        .contains("openai-java-core-4.49.0.jar");
  }

  @Test
  void chatAndStreamAreOneSpanEach() {
    assertThat(withAgent.results()).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.name).isEqualTo("chat gpt-4o");
      assertThat(s.attr("aiwarden.client")).isEqualTo("okhttp");
      assertThat(s.attr("gen_ai.provider.name")).isEqualTo("openai");
      assertThat(s.attr("gen_ai.request.max_tokens")).isEqualTo(64L);
      assertThat(s.attr("enduser.id")).isEqualTo("user-4711");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
    }
    // Spring AI runs the call inside a Micrometer observation: those frames are not the caller.
    assertThat(withAgent.spans.get(0).attr("code.function.name"))
        .isEqualTo("dev.aiwarden.examples.springai2.SpringAi2Example.main");
    assertThat(String.valueOf(withAgent.spans.get(1).attr("code.function.name")))
        .doesNotStartWith("io.micrometer.");
    assertThat(withAgent.spans.get(1).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  /**
   * Spring AI 2's own OkHttp client ends a chain the caller walk skips ({@code org.springframework.}),
   * so the caller is found at openai-java's {@code RetryingHttpClient.execute}, nearer the
   * application than OkHttp's hook, as for openai-java's own client; no adapter failed.
   */
  @Test
  void theCallerIsFoundAtOpenAiJavasRetryingClientThroughSpringAisOkHttpClient() {
    assertThat(withAgent.stderr)
        .contains("hooked com/openai/core/http/RetryingHttpClient")
        .contains("openai-java: AI calls' caller found at RetryingHttpClient.execute for client chain"
            + " com.openai.core.http.RetryingHttpClient -> ")
        .contains(" -> org.springframework.ai.openai.http.okhttp.SpringAiOpenAiHttpClient")
        .doesNotContain("caller walked for at OkHttp")
        .doesNotContain("openai-java.execute")
        .doesNotContain("keepCaller")
        .doesNotContain("keptCaller");
  }

  @Test
  void noKeyAnywhereAndResultsUnchanged() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(withAgent.results()).isEqualTo(without.results());
  }
}
