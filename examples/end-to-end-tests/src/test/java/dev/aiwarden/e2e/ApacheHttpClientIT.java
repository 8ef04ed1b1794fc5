package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw Apache HttpClient 5 (classic and async) and 4.x calling OpenAI's REST API over TLS, with
 * the agent attached: one span per call, the body the application reads byte for byte the same.
 */
class ApacheHttpClientIT {
  private static final String MAIN = "dev.aiwarden.examples.apache.ApacheHttpClientExample";
  private static final String[] SCENARIOS = {
    "hc5-chat", "hc5-stream", "hc5-async-chat", "hc5-async-builder-chat", "hc5-async-producer-stream",
    "hc4-chat", "hc4-stream", "hc4-embeddings"
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

  static ChildJvm child() throws Exception {
    return ChildJvm.of(MAIN)
        .module("apache-httpclient-example")
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  @Test
  void everyCallBecomesOneClientSpanInOrder() {
    assertThat(withAgent.results()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans)
        .extracting(s -> s.attr("aiwarden.client"))
        .containsExactly(
            "apache-httpclient-5",
            "apache-httpclient-5",
            "apache-httpclient-5-async",
            "apache-httpclient-5-async",
            "apache-httpclient-5-async",
            "apache-httpclient-4",
            "apache-httpclient-4",
            "apache-httpclient-4");
    for (Spans.Span s : withAgent.spans) {
      assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT);
      assertThat(s.attr("gen_ai.provider.name")).isEqualTo("openai");
      assertThat(s.attr("aiwarden.endpoint.kind")).isEqualTo("openai");
      assertThat(s.attr("server.address")).isEqualTo("api.openai.com");
      assertThat(s.attr("server.port")).isEqualTo((long) server.httpsPort());
      assertThat(s.attr("http.response.status_code")).isEqualTo(200L);
      assertThat(s.attr("aiwarden.key.kind")).isEqualTo("openai_api_key");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
      assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("allow");
      assertThat(s.endNanos).isGreaterThan(s.startNanos);
    }
  }

  @Test
  void classicChatCarriesRequestResponseAndCaller() {
    for (String client : List.of("hc5", "hc4")) {
      Spans.Span chat = nonStreamedChats().get(client.equals("hc5") ? 0 : 3);
      Map<String, Object> a = chat.attributes;
      assertThat(chat.name).isEqualTo("chat gpt-4o");
      assertThat(a).containsEntry("gen_ai.request.model", "gpt-4o");
      assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
      assertThat(a).containsEntry("gen_ai.request.temperature", 0.2);
      assertThat(a).containsEntry("enduser.id", "user-4711");
      assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
      assertThat((String) a.get("gen_ai.response.id")).startsWith("chatcmpl-");
      assertThat(a.get("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) a.get("gen_ai.usage.input_tokens")).isPositive();
      assertThat((Long) a.get("gen_ai.usage.output_tokens")).isPositive();
      assertThat(a).doesNotContainKey("aiwarden.request.stream");
      assertThat((String) a.get("code.function.name")).as(client).startsWith("dev.aiwarden.examples.apache.");
      assertThat((Long) a.get("code.line.number")).isPositive();
    }
  }

  @Test
  void asyncChatIsRecordedWithTheCallersFrameAndItsResponse() {
    Spans.Span async = nonStreamedChats().get(1);
    assertThat(async.attr("code.function.name"))
        .isEqualTo("dev.aiwarden.examples.apache.ApacheHttpClientExample.async5");
    assertThat((Long) async.attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(async.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
  }

  /**
   * {@code AsyncRequestBuilder} with a {@code String} entity producer and a {@code
   * BasicResponseConsumer}; a {@code BasicRequestProducer} with a byte producer streamed through an
   * {@code AbstractCharResponseConsumer}: one span each, with request and response attributes.
   */
  @Test
  void asyncProducersAndStreamingConsumersAreOneSpanEachWithTheirBodies() {
    Spans.Span builder = nonStreamedChats().get(2);
    Spans.Span stream = withAgent.spans.get(4);
    for (Spans.Span s : List.of(builder, stream)) {
      Map<String, Object> a = s.attributes;
      assertThat(s.name).as(s.toString()).isEqualTo("chat gpt-4o");
      assertThat(a).containsEntry("aiwarden.client", "apache-httpclient-5-async");
      assertThat(a).containsEntry("gen_ai.request.model", "gpt-4o");
      assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
      assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
      assertThat((String) a.get("aiwarden.prompt.sha256")).matches("[0-9a-f]{16}");
      assertThat(a.get("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) a.get("gen_ai.usage.input_tokens")).isPositive();
      assertThat((Long) a.get("gen_ai.usage.output_tokens")).isPositive();
      assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.apache.AsyncProducerCalls.run");
    }
    assertThat(stream.attr("aiwarden.request.stream")).isEqualTo(true);
    assertThat(withAgent.results().get(4)).contains("status=200 events=");
  }

  @Test
  void streamsEndWithTheStreamAndKeepTheirUsage() {
    List<Spans.Span> streams =
        withAgent.spans.stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .collect(java.util.stream.Collectors.toList());
    assertThat(streams).hasSize(3);
    for (Spans.Span s : streams) {
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).isPositive();
    }
  }

  @Test
  void embeddingsOverHttpClient4() {
    Spans.Span emb = withAgent.spans("embeddings").get(0);
    assertThat(emb.name).isEqualTo("embeddings text-embedding-3-small");
    assertThat((Long) emb.attr("gen_ai.usage.input_tokens")).isPositive();
  }

  @Test
  void noKeyAndNoPromptTextAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
  }

  @Test
  void responsesReachTheApplicationUnchanged() throws Exception {
    server.server.reset();
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(masked(withAgent.results())).isEqualTo(masked(without.results()));
    // The request bodies too, byte for byte: the producers' bodies were copied, then reset.
    assertThat(requestsWithAgent).hasSize(SCENARIOS.length).isEqualTo(Requests.seenBy(server));
    assertThat(without.spans).isEmpty();
  }

  /** A denied model: every Apache form fails in the application, and nothing reaches the server. */
  @Test
  void deniedModelIsBlockedOnEveryApacheForm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    server.server.reset();
    String[] scenarios = {
      "hc5-chat", "hc5-async-chat", "hc5-async-builder-chat", "hc5-async-producer-stream", "hc4-chat"
    };
    ChildJvm.Result run = child().agentArgs(TestPolicies.denyingModel(dir, "gpt-4o")).args(scenarios).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(server.server.requestCount()).as(run.toString()).isZero();
    assertThat(run.results()).as(run.toString()).hasSize(scenarios.length);
    assertThat(run.results()).allSatisfy(r -> assertThat(r).contains("error=ai-warden: blocked by model.not_allowed"));
    assertThat(run.spans).as(run.toString()).hasSize(scenarios.length);
    assertThat(run.spans).allSatisfy(s -> assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("deny"));
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  /** Every Apache hook family on Java 25: HC5 classic, HC5 async (simple and producer), HC4. */
  @Test
  void sameOnJava25() throws Exception {
    String[] scenarios = {
      "hc5-chat", "hc5-async-chat", "hc5-async-builder-chat", "hc5-async-producer-stream", "hc4-chat"
    };
    ChildJvm.Result run = child().java(Jdks.java25()).args(scenarios).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans).as(run.toString()).hasSize(scenarios.length);
    assertThat(run.spans)
        .extracting(s -> s.attr("aiwarden.client"))
        .containsExactly(
            "apache-httpclient-5",
            "apache-httpclient-5-async",
            "apache-httpclient-5-async",
            "apache-httpclient-5-async",
            "apache-httpclient-4");
    for (Spans.Span s : run.spans) {
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat((Long) s.attr("gen_ai.usage.output_tokens")).as(s.toString()).isPositive();
    }
    Leaks.assertNoSecret(run, server.openAiKey);
  }

  private static List<Spans.Span> nonStreamedChats() {
    return withAgent.spans("chat").stream()
        .filter(s -> !Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
        .collect(java.util.stream.Collectors.toList());
  }

  /** The server makes fresh ids and timestamps per response; everything else must match. */
  static List<String> masked(List<String> results) {
    return results.stream()
        .map(r -> r.replaceAll("\"(id|created|system_fingerprint)\":\\s*(\"[^\"]*\"|\\d+)", "\"$1\":*"))
        .collect(java.util.stream.Collectors.toList());
  }
}
