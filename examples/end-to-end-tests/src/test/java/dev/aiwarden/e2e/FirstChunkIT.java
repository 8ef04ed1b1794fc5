package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first streamed chunk is never held back, shown by cause and effect rather than by a clock: the
 * local server sends the first event of each stream and then waits for the application ({@link
 * FirstChunkMain}) to say it has that chunk. Were the agent to keep the chunk until more bytes
 * came, the application could not say so, and the server would go on only after its time-out. Every
 * streaming client the SDK examples use: {@code java.net.http} (send and sendAsync), {@code
 * HttpURLConnection}, openai-java (OkHttp) and azure-ai-openai (azure-core over Reactor Netty).
 */
class FirstChunkIT {
  private static final String[] CLIENTS = {
    "jdk-send", "jdk-send-async", "huc", "openai-java", "azure-ai-openai"
  };

  private static TestServer server;
  private static ChildJvm.Result withAgent;
  private static ChildJvm.Result without;

  @BeforeAll
  static void runOnce() throws Exception {
    server = new TestServer();
    withAgent = child("with").run();
    assertThat(withAgent.exitCode).as(withAgent.toString()).isZero();
    without = child("without").withoutAgent().run();
    assertThat(without.exitCode).as(without.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ChildJvm child(String prefix) throws Exception {
    return ChildJvm.of("dev.aiwarden.e2e.FirstChunkMain")
        .classpath(ChildJvm.childClasspath() + java.io.File.pathSeparator + ExampleClasspath.testClasses())
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .env("AZURE_OPENAI_ENDPOINT", server.https("myres.openai.azure.com"))
        .env("AZURE_OPENAI_API_KEY", server.azureKey)
        .env("RELEASE_URL", server.server.httpUrl())
        .env("HOLD_PREFIX", prefix)
        .args(CLIENTS);
  }

  @Test
  void everyClientHandsOverTheFirstChunkWhileTheServerHoldsTheRest() {
    for (String client : CLIENTS) {
      assertThat(server.server.holdOutcome("with-" + client)).as("with the agent: " + client).isEqualTo("released");
      assertThat(server.server.holdOutcome("without-" + client)).as("without: " + client).isEqualTo("released");
    }
  }

  @Test
  void theApplicationSeesTheSameStreams() {
    assertThat(withAgent.results()).hasSize(CLIENTS.length).isEqualTo(without.results());
    assertThat(withAgent.results())
        .filteredOn(r -> r.contains("chunks="))
        .allSatisfy(r -> assertThat(r).contains("text=Hello"));
    assertThat(without.spans).isEmpty();
  }

  @Test
  void eachStreamIsOneSpanOfItsClientAndTheReleasesAreNone() {
    assertThat(withAgent.spans).as(withAgent.toString()).hasSize(CLIENTS.length);
    List<Object> clients =
        withAgent.spans.stream().map(s -> s.attr("aiwarden.client")).collect(Collectors.toList());
    assertThat(clients)
        .containsExactly("jdk-httpclient", "jdk-httpclient", "jdk-httpurlconnection", "okhttp", "azure-core");
    assertThat(withAgent.spans).allSatisfy(s -> {
      assertThat(s.attr("aiwarden.request.stream")).isEqualTo(true);
      assertThat(s.attr("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
    });
  }

  @Test
  void noKeyAnywhere() throws Exception {
    Leaks.assertNoSecret(withAgent, server.openAiKey, server.azureKey);
  }
}
