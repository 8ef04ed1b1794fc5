package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * azure-ai-openai over azure-core's OkHttp and JDK HttpClient implementations. azure-core's
 * OkHttp client sits on OkHttp, which the OkHttp hook also watches: each call must still be
 * exactly one span (the outermost hook, azure-core, wins), for sync, async and streamed calls.
 */
class AzureHttpClientsIT {
  private static final String MAIN = "dev.aiwarden.examples.azureclients.AzureHttpClientsExample";
  private static final String[] SCENARIOS = {
    "okhttp-chat", "okhttp-chat-async", "okhttp-stream", "jdk-chat", "jdk-chat-async", "jdk-stream"
  };

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
        .module("azure-http-clients-example")
        .against(server)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void oneSpanPerCallOnEveryClient() {
    assertThat(withAgent.results()).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    long lines =
        withAgent.stderr.lines().filter(l -> l.contains("[ai-warden]") && l.contains("key=sha256:")).count();
    assertThat(lines).as(withAgent.stderr).isEqualTo(SCENARIOS.length);
  }

  @Test
  void everySpanIsAzureWithKeyAndResponse() {
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.name).isEqualTo("chat my-gpt4o-deployment");
      assertThat(s.attr("gen_ai.provider.name")).isEqualTo("azure.ai.openai");
      assertThat(s.attr("server.address")).isEqualTo("myres.openai.azure.com");
      assertThat(s.attr("aiwarden.key.kind")).isEqualTo("azure_api_key");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.azureKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:AZURE_OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      // The outermost hook made the span: azure-core, not the OkHttp hook underneath.
      assertThat(s.attr("aiwarden.client")).isEqualTo("azure-core");
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(java.util.List.of("stop"));
      if (!Boolean.TRUE.equals(s.attr("aiwarden.request.stream"))) {
        // azure-ai-openai does not ask for a usage chunk when streaming.
        assertThat((Long) s.attr("gen_ai.usage.output_tokens")).as(s.attributes.toString()).isPositive();
      }
      assertThat(s.endNanos).isGreaterThan(s.startNanos);
    }
    assertThat(withAgent.spans.get(2).attr("aiwarden.request.stream")).isEqualTo(true);
    assertThat(withAgent.spans.get(5).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  @Test
  void syncCallsNameTheApplicationFrame() {
    for (int i : new int[] {0, 3}) {
      assertThat(withAgent.spans.get(i).attr("code.function.name"))
          .isEqualTo("dev.aiwarden.examples.azureclients.AzureHttpClientsExample.run");
    }
  }

  @Test
  void noKeyAnywhereAndResultsUnchanged() throws Exception {
    Leaks.assertNoSecret(withAgent, server.azureKey);
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(withAgent.results()).isEqualTo(without.results());
  }

  /** A denied model is blocked before a byte leaves, whichever client azure-core sits on. */
  @Test
  void deniedModelIsBlockedOnEveryInnerClient(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    server.server.reset();
    ChildJvm.Result run =
        child().agentArgs(TestPolicies.denyingModel(dir, "my-gpt4o-deployment")).args(SCENARIOS).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(server.server.requestCount()).as(run.toString()).isZero();
    assertThat(run.results()).as(run.toString()).hasSize(SCENARIOS.length);
    assertThat(run.results())
        .allSatisfy(r -> assertThat(r).contains("error=ai-warden: blocked by model.not_allowed"));
    assertThat(run.spans).as(run.toString()).hasSize(SCENARIOS.length);
    assertThat(run.spans)
        .allSatisfy(
            s -> {
              assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("deny");
              assertThat(s.attr("aiwarden.client")).isEqualTo("azure-core");
            });
    Leaks.assertNoSecret(run, server.azureKey);
  }

  /** azure-core over its OkHttp and JDK clients on Java 25: one span per call, sync, async, streamed. */
  @Test
  void sameOnJava25() throws Exception {
    ChildJvm.Result run = child().java(Jdks.java25()).args(SCENARIOS).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.results()).as(run.toString()).hasSize(SCENARIOS.length);
    assertThat(run.spans).as(run.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("aiwarden.client")).isEqualTo("azure-core");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("my-gpt4o-deployment");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
    }
    Leaks.assertNoSecret(run, server.azureKey);
  }
}
