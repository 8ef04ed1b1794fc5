package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's Azure OpenAI chat and streaming chat models (on azure-ai-openai: azure-core over
 * Reactor Netty, where both the azure-core and the Reactor Netty hooks sit): one span per call.
 */
class LangChain4jAzureIT {
  private static final String MAIN = "dev.aiwarden.examples.langchain4jazure.LangChain4jAzureExample";
  private static final String[] SCENARIOS = {"chat", "stream"};

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
        .module("langchain4j-azure-example")
        .against(server)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void chatAndStreamAreOneAzureSpanEach() {
    assertThat(withAgent.results()).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.name).isEqualTo("chat my-gpt4o-deployment");
      assertThat(s.attr("aiwarden.client")).isEqualTo("azure-core");
      assertThat(s.attr("gen_ai.provider.name")).isEqualTo("azure.ai.openai");
      assertThat(s.attr("gen_ai.request.max_tokens")).isEqualTo(64L);
      assertThat(s.attr("enduser.id")).isEqualTo("user-4711");
      assertThat(s.attr("aiwarden.key.kind")).isEqualTo("azure_api_key");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.azureKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:AZURE_OPENAI_API_KEY");
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    }
    assertThat(withAgent.spans.get(0).attr("code.function.name"))
        .isEqualTo("dev.aiwarden.examples.langchain4jazure.LangChain4jAzureExample.main");
    assertThat((Long) withAgent.spans.get(0).attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(withAgent.spans.get(1).attr("aiwarden.request.stream")).isEqualTo(true);
  }

  @Test
  void noKeyAnywhereAndResultsUnchanged() throws Exception {
    Leaks.assertNoSecret(withAgent, server.azureKey);
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(withAgent.results()).isEqualTo(without.results());
  }
}
