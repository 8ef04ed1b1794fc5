package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw OkHttp 3.14 ({@code okhttp3.RealCall}, not 4.x's): execute, enqueue and an SSE stream. */
class OkHttp3IT {
  private static final String MAIN = "dev.aiwarden.examples.okhttp3.OkHttp3Example";
  private static final String[] SCENARIOS = {"chat", "chat-async", "stream"};

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
        .module("okhttp3-example")
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void runsOnOkHttp3() {
    assertThat(ChildJvmClasspath.of(withAgent)).contains("okhttp-3.14.9.jar").doesNotContain("okhttp-4.");
  }

  /** OkHttp 3 (sync, enqueue, stream) on Java 25. */
  @Test
  void sameOnJava25() throws Exception {
    ChildJvm.Result run = child().java(Jdks.java25()).args(SCENARIOS).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans).as(run.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("aiwarden.client")).isEqualTo("okhttp");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
    }
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  @Test
  void everyCallBecomesOneSpanWithKeyResponseAndCaller() {
    assertThat(withAgent.results()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.name).isEqualTo("chat gpt-4o");
      assertThat(s.attr("aiwarden.client")).isEqualTo("okhttp");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
      // enqueue captures the caller on the application thread, before OkHttp changes threads.
      assertThat(s.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.okhttp3.OkHttp3Example.main");
    }
    assertThat(withAgent.spans.get(2).attr("aiwarden.request.stream")).isEqualTo(true);
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
