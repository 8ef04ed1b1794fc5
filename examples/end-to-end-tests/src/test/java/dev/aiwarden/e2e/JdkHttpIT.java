package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own clients, {@code java.net.http.HttpClient} (send, sendAsync, a streamed response)
 * and {@code HttpURLConnection} (buffered and streamed response), calling an OpenAI-compatible
 * proxy URL. One child JVM with the agent, one without; plus a run where every call is denied.
 */
class JdkHttpIT {
  private static final String MAIN = "dev.aiwarden.examples.jdk.JdkHttpExample";
  private static final String[] SCENARIOS = {
    "chat", "chat-async", "stream", "huc-chat", "huc-stream", "stream-timed"
  };
  private static final int TIMED = 10;
  /**
   * Pause between streamed events: a span that ended before its stream would be short. (That the
   * first chunk is not held back is {@link FirstChunkIT}'s subject.)
   */
  private static final long CHUNK_DELAY_MILLIS = 40;

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static ChildJvm.Result without;
  private static List<String> requestsWithAgent;
  private static List<String> requestsWithout;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer(CHUNK_DELAY_MILLIS);
    withAgent = child().args(SCENARIOS).run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    requestsWithAgent = Requests.seenBy(server);
    without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    requestsWithout = Requests.seenBy(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ChildJvm child() {
    return ChildJvm.of(MAIN)
        .classpath(ExampleClasspath.of("jdk-http-example"))
        .against(server)
        .env("OPENAI_BASE_URL", server.https("proxy.example.test") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .env("EXAMPLE_REPEAT", String.valueOf(TIMED));
  }

  @Test
  void everyCallIsOneSpanOfTheRightClient() {
    int calls = SCENARIOS.length - 1 + TIMED;
    assertThat(withAgent.results()).hasSize(calls);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(calls);
    List<Object> clients = withAgent.spans.stream().map(s -> s.attr("aiwarden.client")).collect(Collectors.toList());
    assertThat(clients.subList(0, 5))
        .containsExactly(
            "jdk-httpclient", "jdk-httpclient", "jdk-httpclient",
            "jdk-httpurlconnection", "jdk-httpurlconnection");
    assertThat(withAgent.spans).allSatisfy(s -> assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT));
  }

  @Test
  void proxyCallsAreOpenAiCompatibleWithKeyCallerAndUsage() {
    for (Spans.Span s : withAgent.spans) {
      Map<String, Object> a = s.attributes;
      assertThat(s.name).isEqualTo("chat gpt-4o-mini");
      assertThat(a).containsEntry("aiwarden.endpoint.kind", "openai_compatible");
      assertThat(a).containsEntry("server.address", "proxy.example.test");
      assertThat(a).containsEntry("server.port", (long) server.httpsPort());
      assertThat(a).containsEntry("http.response.status_code", 200L);
      assertThat(a).containsEntry("gen_ai.request.model", "gpt-4o-mini");
      assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
      assertThat(a).containsEntry("enduser.id", "user-4711");
      assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
      assertThat(a).containsEntry("aiwarden.key.kind", "openai_api_key");
      assertThat(a).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));
      assertThat(a).containsEntry("aiwarden.key.source", "env:OPENAI_API_KEY");
      assertThat(a.get("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
      assertThat((Long) a.get("gen_ai.usage.output_tokens")).isPositive();
      assertThat(a).containsEntry("code.file.path", "JdkHttpExample.java");
      assertThat((String) a.get("code.function.name"))
          .startsWith("dev.aiwarden.examples.jdk.JdkHttpExample.");
      assertThat(a).doesNotContainKey("error.type");
    }
  }

  @Test
  void asyncCallKeepsTheApplicationFrame() {
    // sendAsync hands the exchange to the client's executor, but the hook runs before that, on
    // the caller's thread.
    Spans.Span async = withAgent.spans.get(1);
    assertThat(async.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.jdk.JdkHttpExample.run");
    assertThat((Long) async.attr("code.line.number")).isPositive();
  }

  @Test
  void streamedCallsEndWithTheStream() {
    List<Spans.Span> streamed =
        withAgent.spans.stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .collect(Collectors.toList());
    assertThat(streamed).hasSize(2 + TIMED);
    for (Spans.Span s : streamed) {
      // The server pauses between events: a span that ended before the stream did would be short.
      assertThat(s.endNanos - s.startNanos).isGreaterThan(8 * CHUNK_DELAY_MILLIS * 1_000_000L);
    }
  }

  @Test
  void applicationSeesIdenticalResultsAndChunksInTheSameOrder() {
    assertThat(withAgent.results()).isEqualTo(without.results());
    assertThat(withAgent.results()).filteredOn(r -> r.contains("stream")).allSatisfy(
        r -> assertThat(r).contains("chunks=12 finish=stop text=Hello"));
    assertThat(without.spans).isEmpty();
  }

  @Test
  void serverReceivesIdenticalRequestBytes() {
    assertThat(requestsWithAgent).hasSize(SCENARIOS.length - 1 + TIMED);
    assertThat(requestsWithAgent).isEqualTo(requestsWithout);
  }

  @Test
  void deniedCallsFailInTheApplicationAndNeverReachTheServer() throws Exception {
    long before = aiRequests();
    ChildJvm.Result denied =
        ChildJvm.of("dev.aiwarden.e2e.DenyingJdkMain")
            .classpath(ExampleClasspath.testClasses())
            .against(server)
            .env("OPENAI_BASE_URL", server.https("proxy.example.test") + "/v1")
            .env("OPENAI_API_KEY", server.openAiKey)
            .run();
    assertThat(denied.exitCode).as(denied.toString()).isZero();
    String prefix = "dev.aiwarden.bootstrap.PolicyDeniedException ai-warden: blocked by model.not_allowed: ";
    assertThat(denied.results())
        .containsExactly(
            "RESULT send " + prefix + "the test denies every AI call.",
            "RESULT sendAsync " + prefix + "the test denies every AI call.",
            "RESULT huc " + prefix + "the test denies every AI call.",
            "RESULT other status=404");
    assertThat(aiRequests()).as("AI requests that reached the server").isEqualTo(before);
    Leaks.assertNoSecret(denied, server.openAiKey);
  }

  @Test
  void sameOnJava25() throws Exception {
    java.util.Optional<String> java25 = Jdks.java(25);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java25.isPresent(), "no JDK 25 found (set JAVA25_HOME or install one under /usr/lib/jvm)");
    ChildJvm.Result r = child().java(java25.get()).args("chat", "chat-async", "stream", "huc-chat", "huc-stream").run();
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.results()).isEqualTo(without.results().subList(0, 5));
    assertThat(r.spans).as(r.toString()).hasSize(5);
    assertThat(r.spans).allSatisfy(s -> {
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o-mini");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    });
    assertThat(r.stderr).doesNotContain("could not");
    Leaks.assertNoSecret(r, server.openAiKey);
  }

  @Test
  void theAgentsOwnExporterIsNeverRecorded() throws Exception {
    // The OTLP exporter also sends with the JDK client; aimed at an AI-looking path, its requests
    // would look like AI calls. They are the agent's own, and never become spans.
    long before = aiRequests();
    ChildJvm.Result r =
        child()
            .env("OTEL_TRACES_EXPORTER", "otlp")
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", server.https("proxy.example.test") + "/v1/chat/completions")
            .args("chat", "chat")
            .run();
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.spans).as(r.toString()).hasSize(2);
    assertThat(aiRequests() - before).as("the two calls and at least one export").isGreaterThan(2);
  }

  @Test
  void noKeyAndNoPromptTextAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
    assertThat(java.nio.file.Files.readString(withAgent.dir.resolve("traces.jsonl")))
        .doesNotContain("quarterly numbers");
  }

  private static long aiRequests() {
    return server.server.requests().stream().filter(r -> r.path().startsWith("/v1/")).count();
  }
}
