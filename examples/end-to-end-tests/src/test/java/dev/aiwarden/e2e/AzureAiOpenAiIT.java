package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Microsoft's azure-ai-openai SDK (azure-core over Reactor Netty, TLS required for key
 * credentials), sync and async clients, with the agent attached.
 */
class AzureAiOpenAiIT {
  private static final String MAIN = "dev.aiwarden.examples.azure.AzureOpenAiExample";
  private static final String[] SCENARIOS = {
    "chat", "chat-async", "stream", "embeddings", "image", "content-filter"
  };

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static List<String> requestsWithAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().args(SCENARIOS).run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    requestsWithAgent = Requests.seenBy(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() {
    return childFor(server);
  }

  static ChildJvm childFor(TestServer server) {
    return ChildJvm.of(MAIN)
        .against(server)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void everyCallBecomesOneAzureSpan() {
    assertThat(withAgent.results()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT);
      assertThat(s.attr("gen_ai.provider.name")).isEqualTo("azure.ai.openai");
      assertThat(s.attr("aiwarden.endpoint.kind")).isEqualTo("azure_openai");
      assertThat(s.attr("server.address")).isEqualTo("myres.openai.azure.com");
      assertThat(s.attr("aiwarden.key.kind")).isEqualTo("azure_api_key");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.azureKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:AZURE_OPENAI_API_KEY");
      assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("allow");
      assertThat(s.endNanos).isGreaterThan(s.startNanos);
    }
  }

  @Test
  void syncChatNamesTheDeploymentAndTheApplicationFrame() {
    Spans.Span chat = chats().get(0);
    assertThat(chat.name).isEqualTo("chat my-gpt4o-deployment");
    Map<String, Object> a = chat.attributes;
    assertThat(a).containsEntry("gen_ai.request.model", "my-gpt4o-deployment");
    assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
    assertThat(a).containsEntry("enduser.id", "user-4711");
    assertThat(a).containsEntry("http.response.status_code", 200L);
    assertThat(a).containsKey("gen_ai.response.model");
    assertThat((Long) a.get("gen_ai.usage.input_tokens")).isPositive();
    assertThat((Long) a.get("gen_ai.usage.output_tokens")).isPositive();
    assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.azure.AzureOpenAiExample.run");
    assertThat(a).containsEntry("code.file.path", "AzureOpenAiExample.java");
    assertThat(a).doesNotContainKey("aiwarden.content_filter.blocked");
  }

  @Test
  void asyncChatIsRecordedWithItsResponse() {
    Spans.Span async = chats().get(1);
    assertThat(async.attr("gen_ai.usage.output_tokens")).isNotNull();
    assertThat(async.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    // The async client is subscribed by block() on the application thread.
    assertThat(async.attr("code.function.name"))
        .isEqualTo("dev.aiwarden.examples.azure.AzureOpenAiExample.run");
  }

  @Test
  void streamedChatEndsWhenTheStreamEnds() {
    Spans.Span stream =
        chats().stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .findFirst()
            .orElseThrow();
    assertThat(stream.attr("http.response.status_code")).isEqualTo(200L);
    assertThat(stream.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    assertThat(withAgent.results().get(2)).startsWith("RESULT stream chunks=");
  }

  @Test
  @SuppressWarnings("unchecked")
  void contentFilterRejectionIsRecorded() {
    Spans.Span blocked = chats().get(chats().size() - 1);
    assertThat(blocked.attr("http.response.status_code")).isEqualTo(400L);
    assertThat(blocked.attr("error.type")).isEqualTo("400");
    assertThat(blocked.attr("aiwarden.content_filter.blocked")).isEqualTo(true);
    assertThat((List<Object>) blocked.attr("aiwarden.content_filter.categories"))
        .contains("jailbreak", "violence");
    assertThat(blocked.statusCode).isEqualTo(Spans.STATUS_ERROR);
    assertThat(withAgent.results()).contains("RESULT content-filter status=400");
  }

  @Test
  void embeddingsAndImages() {
    Spans.Span emb = withAgent.spans("embeddings").get(0);
    assertThat(emb.name).isEqualTo("embeddings my-embedding-deployment");
    Spans.Span img = withAgent.spans("image_generation").get(0);
    assertThat(img.name).isEqualTo("image_generation my-dalle3-deployment");
    assertThat(img.attr("aiwarden.image.prompt_revised")).isEqualTo(true);
  }

  @Test
  void noKeyAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.azureKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
  }

  @Test
  void sdkResultsAreIdenticalWithoutTheAgent() throws Exception {
    server.server.reset();
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    // The server received the same requests, byte for byte, with and without the agent.
    assertThat(requestsWithAgent).isEqualTo(Requests.seenBy(server));
    assertThat(masked(withAgent.results())).isEqualTo(masked(without.results()));
  }

  private static List<Spans.Span> chats() {
    return withAgent.spans("chat");
  }

  private static List<String> masked(List<String> results) {
    return results.stream().map(r -> r.replaceAll("id=\\S+", "id=*")).collect(Collectors.toList());
  }
}
