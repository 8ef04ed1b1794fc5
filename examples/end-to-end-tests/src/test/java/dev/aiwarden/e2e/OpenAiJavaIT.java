package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK (OkHttp underneath), sync and async, with the agent attached. */
class OpenAiJavaIT {
  private static final String MAIN = "dev.aiwarden.examples.openai.OpenAiJavaExample";
  private static final String[] SCENARIOS = {
    "chat", "chat-async", "stream", "embeddings", "image", "responses", "azure-chat", "azure-stream",
    "responses-stream"
  };

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static List<String> requestsWithAgent;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child().agentArgs("audit.file=audit/ai-calls.jsonl").args(SCENARIOS).run();
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
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey);
  }

  @Test
  void everyCallBecomesOneClientSpan() {
    assertThat(withAgent.results()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(SCENARIOS.length);
    assertThat(withAgent.spans).allSatisfy(s -> assertThat(s.kind).isEqualTo(Spans.KIND_CLIENT));
    assertThat(withAgent.spans).allSatisfy(s -> assertThat(s.scope).isEqualTo("ai-warden"));
    assertThat(withAgent.spans)
        .allSatisfy(s -> assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("allow"));
    assertThat(withAgent.spans)
        .allSatisfy(s -> assertThat(s.endNanos).isGreaterThan(s.startNanos));
  }

  @Test
  void chatSpanCarriesRequestResponseKeyAndCaller() {
    Spans.Span chat = openAi("chat").get(0);
    assertThat(chat.name).isEqualTo("chat gpt-4o");
    Map<String, Object> a = chat.attributes;
    assertThat(a).containsEntry("gen_ai.operation.name", "chat");
    assertThat(a).containsEntry("gen_ai.provider.name", "openai");
    assertThat(a).containsEntry("aiwarden.endpoint.kind", "openai");
    assertThat(a).containsEntry("gen_ai.request.model", "gpt-4o");
    assertThat(a).containsEntry("gen_ai.request.max_tokens", 64L);
    assertThat(a).containsEntry("gen_ai.request.temperature", 0.2);
    assertThat(a).containsEntry("server.address", "api.openai.com");
    assertThat(a).containsEntry("server.port", (long) server.httpsPort());
    assertThat(a).containsEntry("http.response.status_code", 200L);
    assertThat(a).containsEntry("enduser.id", "user-4711");
    assertThat(a).containsEntry("aiwarden.prompt.messages", 2L);
    assertThat((Long) a.get("aiwarden.prompt.chars")).isEqualTo(
        (long) ("You are a concise assistant.".length()
            + "Summarise our quarterly numbers in one friendly sentence.".length()));
    assertThat((String) a.get("aiwarden.prompt.sha256")).matches("[0-9a-f]{16}");
    assertThat((String) a.get("gen_ai.response.id")).startsWith("chatcmpl-");
    assertThat(a).containsKey("gen_ai.response.model");
    assertThat(a.get("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    assertThat((Long) a.get("gen_ai.usage.input_tokens")).isPositive();
    assertThat((Long) a.get("gen_ai.usage.output_tokens")).isPositive();
    assertThat(a).doesNotContainKey("aiwarden.request.stream");
    assertThat(a).doesNotContainKey("error.type");

    assertThat(a).containsEntry("aiwarden.key.kind", "openai_api_key");
    assertThat(a).containsEntry("aiwarden.key.fingerprint", Keys.fingerprint(server.openAiKey));
    assertThat(a).containsEntry("aiwarden.key.hint", "..." + server.openAiKey.substring(server.openAiKey.length() - 4));
    assertThat(a).containsEntry("aiwarden.key.source", "env:OPENAI_API_KEY");

    assertThat(a).containsEntry("code.function.name", "dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    assertThat(a).containsEntry("code.file.path", "OpenAiJavaExample.java");
    assertThat((Long) a.get("code.line.number")).isPositive();
  }

  /**
   * A synchronous call's caller is the application's exact line, plain or streamed: found at
   * openai-java's {@code RetryingHttpClient.execute} and taken by the OkHttp hook (docs/hooks.md),
   * the same frame OkHttp's own walk finds.
   */
  @Test
  void syncCallsNameTheApplicationsExactLine() throws Exception {
    List<String> source =
        java.nio.file.Files.readAllLines(
            java.nio.file.Paths.get(
                "../openai-java-example/src/main/java/dev/aiwarden/examples/openai/OpenAiJavaExample.java"));
    Spans.Span chat = openAi("chat").get(0);
    assertThat(chat.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    assertThat(chat.attr("code.line.number"))
        .isEqualTo(lineOf(source, "print(scenario, client.chat().completions().create(chat(model, false)));"));
    Spans.Span stream =
        openAi("chat").stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .findFirst()
            .orElseThrow();
    assertThat(stream.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    long streaming = lineOf(source, "client.chat().completions().createStreaming(chat(model, true))) {");
    // The try-with-resources statement starts a line above the call.
    assertThat((Long) stream.attr("code.line.number")).isBetween(streaming - 1, streaming);
  }

  private static long lineOf(List<String> source, String code) {
    for (int i = 0; i < source.size(); i++) {
      if (source.get(i).trim().equals(code)) {
        return i + 1;
      }
    }
    throw new AssertionError("not in the example's source: " + code);
  }

  @Test
  void asyncChatIsRecordedWithItsKeyAndResponse() {
    List<Spans.Span> chats = openAi("chat");
    assertThat(chats).hasSize(3); // chat, chat-async, stream
    Spans.Span async = chats.get(1);
    assertThat(async.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
    assertThat(async.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
    assertThat(async.attr("gen_ai.usage.output_tokens")).isNotNull();
    assertThat(async.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    // openai-java 4.x hands async requests to OkHttp from a CompletableFuture task on a pool
    // thread (thenComposeAsync), so no application frame is on the stack when OkHttp's enqueue
    // runs: the caller is absent rather than wrong (documented in docs/attributes.md).
    assertThat(async.attributes).doesNotContainKey("code.function.name");
  }

  @Test
  void streamedChatEndsWithTheStreamAndKeepsItsChunks() {
    Spans.Span stream =
        openAi("chat").stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .findFirst()
            .orElseThrow();
    assertThat(stream.attr("gen_ai.operation.name")).isEqualTo("chat");
    assertThat(stream.attr("http.response.status_code")).isEqualTo(200L);
    assertThat(stream.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    assertThat((Long) stream.attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(withAgent.results().get(2)).startsWith("RESULT stream chunks=");
  }

  @Test
  void embeddingsImagesAndResponses() {
    Spans.Span emb = withAgent.spans("embeddings").get(0);
    assertThat(emb.name).isEqualTo("embeddings text-embedding-3-small");
    assertThat((Long) emb.attr("gen_ai.usage.input_tokens")).isPositive();

    Spans.Span img = withAgent.spans("image_generation").get(0);
    assertThat(img.name).isEqualTo("image_generation dall-e-3");
    assertThat(img.attr("aiwarden.image.prompt_revised")).isEqualTo(true);

    Spans.Span resp =
        withAgent.spans("responses").stream()
            .filter(s -> s.attr("aiwarden.request.stream") == null)
            .findFirst()
            .orElseThrow();
    assertThat(resp.name).isEqualTo("responses gpt-4o");
    assertThat((String) resp.attr("gen_ai.response.id")).startsWith("resp_");
    assertThat((Long) resp.attr("gen_ai.usage.output_tokens")).isPositive();
  }

  /** The Responses API streamed: the span ends with the stream and reads response.completed. */
  @Test
  void streamedResponsesEndWithTheStreamAndReadResponseCompleted() {
    Spans.Span streamed =
        withAgent.spans("responses").stream()
            .filter(s -> Boolean.TRUE.equals(s.attr("aiwarden.request.stream")))
            .findFirst()
            .orElseThrow();
    assertThat(streamed.name).isEqualTo("responses gpt-4o");
    assertThat(streamed.attr("http.response.status_code")).isEqualTo(200L);
    assertThat((String) streamed.attr("gen_ai.response.id")).startsWith("resp_");
    assertThat((Long) streamed.attr("gen_ai.usage.input_tokens")).isPositive();
    assertThat((Long) streamed.attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat((Long) streamed.attr("aiwarden.prompt.chars"))
        .isEqualTo((long) "Summarise our quarterly numbers in one friendly sentence.".length());
    String result = withAgent.results().get(SCENARIOS.length - 1);
    assertThat(result).startsWith("RESULT responses-stream events=").contains(" id=resp_");
    assertThat(result).contains(" id=" + streamed.attr("gen_ai.response.id") + " ");
  }

  @Test
  void openAiJavaPointedAtAzureIsAzureWithTheDeploymentAsModel() {
    List<Spans.Span> azure =
        withAgent.spans.stream()
            .filter(s -> "azure.ai.openai".equals(s.attr("gen_ai.provider.name")))
            .collect(java.util.stream.Collectors.toList());
    assertThat(azure).hasSize(2);
    for (Spans.Span s : azure) {
      assertThat(s.attr("aiwarden.endpoint.kind")).isEqualTo("azure_openai");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("my-gpt4o-deployment");
      assertThat(s.attr("server.address")).isEqualTo("myres.openai.azure.com");
      assertThat(s.attr("aiwarden.key.kind")).isEqualTo("azure_api_key");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.azureKey));
      assertThat(s.attr("aiwarden.key.source")).isEqualTo("env:AZURE_OPENAI_API_KEY");
    }
  }

  @Test
  void auditLogHasEveryCallAndVerifies() throws Exception {
    java.nio.file.Path audit = withAgent.dir.resolve("audit/ai-calls.jsonl");
    List<String> records = java.nio.file.Files.readAllLines(audit);
    assertThat(records).hasSize(SCENARIOS.length);
    assertThat(records)
        .allSatisfy(r -> assertThat(r).contains("\"type\":\"ai_call\"", "\"decision\":\"allow\""));
    assertThat(records.get(0))
        .contains("\"key_fingerprint\":\"" + Keys.fingerprint(server.openAiKey) + "\"");
    Process verify =
        new ProcessBuilder(
                java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ChildJvm.agentJar().toString(), "verify-audit", audit.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(verify.getInputStream().readAllBytes());
    assertThat(verify.waitFor()).as(out).isZero();
    assertThat(out).contains("intact, " + SCENARIOS.length + " records");
  }

  @Test
  void resourceNamesTheHostAndProcess() {
    Map<String, Object> resource = withAgent.spans.get(0).resource;
    assertThat(resource).containsKeys("service.name", "host.name", "process.pid");
  }

  @Test
  void readableLinePerCallOnStderr() {
    long lines = withAgent.stderr.lines().filter(l -> l.contains("[ai-warden]") && l.contains("key=sha256:")).count();
    assertThat(lines).as(withAgent.stderr).isEqualTo(SCENARIOS.length);
  }

  @Test
  void noKeyAndNoPromptTextAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey, server.azureKey);
    assertThat(withAgent.stderr).doesNotContain("quarterly numbers");
    assertThat(java.nio.file.Files.readString(withAgent.dir.resolve("traces.jsonl")))
        .doesNotContain("quarterly numbers")
        .doesNotContain("lighthouse");
  }

  @Test
  void sdkResultsAreIdenticalWithoutTheAgent() throws Exception {
    server.server.reset();
    ChildJvm.Result without = child().withoutAgent().args(SCENARIOS).run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    // The server received the same requests, byte for byte, with and without the agent.
    assertThat(requestsWithAgent).isEqualTo(Requests.seenBy(server));
    assertThat(masked(withAgent.results())).isEqualTo(masked(without.results()));
    assertThat(without.spans).isEmpty();
  }

  private static List<String> masked(List<String> results) {
    return results.stream()
        .map(r -> r.replaceAll("id=\\S+", "id=*"))
        .collect(java.util.stream.Collectors.toList());
  }

  /**
   * The shared child class path has OkHttp 5.3.2 ({@code okhttp-jvm}) before openai-java's own
   * 4.12.0, so the tests above run on OkHttp 5. Here openai-java-example's own class path: OkHttp
   * 4.12.0 alone, as an application depending on openai-java gets it. Every scenario is one span
   * with its key, tokens and caller there too, and nothing leaks.
   */
  @Test
  void onOpenAiJavasOwnOkHttp4EveryCallIsOneSpanToo() throws Exception {
    String libraries = ExampleClasspath.of("openai-java-example");
    assertThat(libraries).contains("okhttp-4.12.0.jar").doesNotContain("okhttp-jvm-5");
    ChildJvm.Result run = child().classpath(libraries).agentArgs("log.level=debug").args(SCENARIOS).run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(ChildJvmClasspath.of(run)).contains("okhttp-4.12.0.jar").doesNotContain("okhttp-jvm-5");
    // The openai-java hook (the caller found at RetryingHttpClient.execute) is woven, and no
    // adapter of it failed.
    assertThat(run.stderr).contains("hooked com/openai/core/http/RetryingHttpClient");
    assertThat(run.stderr).doesNotContain("openai-java.execute").doesNotContain("keepCaller")
        .doesNotContain("keptCaller");
    assertThat(run.spans).as(run.toString()).hasSize(SCENARIOS.length);
    assertThat(run.spans).allSatisfy(s -> assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("allow"));
    Spans.Span chat = run.spans("chat").stream()
        .filter(s -> "openai".equals(s.attr("gen_ai.provider.name")))
        .findFirst()
        .orElseThrow();
    assertThat(chat.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
    assertThat(chat.attr("aiwarden.key.source")).isEqualTo("env:OPENAI_API_KEY");
    assertThat((Long) chat.attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat(chat.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    assertThat(run.spans("chat"))
        .anySatisfy(s -> assertThat(s.attr("aiwarden.request.stream")).isEqualTo(Boolean.TRUE));
    Leaks.assertNoSecret(run, server.openAiKey, server.azureKey);
  }

  private static List<Spans.Span> openAi(String operation) {
    return withAgent.spans(operation).stream()
        .filter(s -> "openai".equals(s.attr("gen_ai.provider.name")))
        .collect(java.util.stream.Collectors.toList());
  }
}
