package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.examples.server.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An internal error of the agent, forced with the test hook {@code aiwarden.test.fail=STAGE} in
 * every AI call: the application's calls go through untouched (the server receives the same
 * requests, byte for byte, as without the agent; the application gets the same results), the
 * error is logged once however many calls hit it, and {@code aiwarden.internal.errors{stage}}
 * counts every occurrence.
 */
class InternalErrorIT {
  private static final int CALLS = 20;
  private static TestServer server;
  private static List<String> withoutAgent;
  private static List<String> resultsWithoutAgent;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    server.server.reset();
    ChildJvm.Result plain = FaultApps.app(server).withoutAgent().args("chats:" + CALLS, "get").run();
    assertThat(plain.exitCode).as(plain.toString()).isZero();
    withoutAgent = received();
    resultsWithoutAgent = withoutTimes(plain.results());
    assertThat(withoutAgent).hasSize(CALLS + 1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hook", "classify", "policy", "telemetry"})
  void theCallGoesOnTheErrorIsLoggedOnceAndEveryOneIsCounted(String stage) throws Exception {
    server.server.reset();
    ChildJvm.Result run;
    long counted;
    try (OtlpReceiver metrics = new OtlpReceiver()) {
      run =
          FaultApps.metricsTo(FaultApps.app(server), metrics)
              .jvmArg("-Daiwarden.test.fail=" + stage)
              .agentArgs("policy=" + policyFile())
              .args("chats:" + CALLS, "get", "sleep:1000")
              .run();
      counted = FaultApps.counter(metrics, "aiwarden.internal.errors", "stage", stage);
      assertThat(FaultApps.points(metrics, "aiwarden.internal.errors", "stage").keySet())
          .as("counted under its own stage only").containsExactly(stage);
    }
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(withoutTimes(run.results())).as(run.toString()).isEqualTo(resultsWithoutAgent);
    assertThat(received()).as("the same bytes reached the server").isEqualTo(withoutAgent);
    assertThat(FaultApps.occurrences(run.stderr, "TestFaults$Fault")).as(run.stderr).isEqualTo(1);
    assertThat(run.stderr).containsOnlyOnce("test hook test.fail=" + stage + " is set");
    assertThat(counted).as(run.toString()).isEqualTo(CALLS);
    Leaks.assertNoSecret(run, server.openAiKey);
    System.out.println("FIGURE internal-error | test.fail=" + stage + " | " + CALLS + " calls ok, "
        + counted + " counted, logged once | spans " + run.spans.size());
  }

  /** A policy that allows everything, so the policy stage runs (no file: the built-in monitor policy). */
  private static String policyFile() throws Exception {
    java.nio.file.Path p = java.nio.file.Files.createTempFile("ai-warden-allow", ".yaml");
    java.nio.file.Files.writeString(p, "version: 1\nmode: enforce\n");
    return p.toString();
  }

  /** What the server received: method, path, body (the headers carry the SDK's varying ids). */
  private static List<String> received() {
    List<String> list = new ArrayList<>();
    for (RecordedRequest r : server.server.requests()) {
      list.add(r.method() + " " + r.pathAndQuery() + " " + r.header("authorization") + " " + r.bodyAsString());
    }
    return list;
  }

  private static List<String> withoutTimes(List<String> results) {
    List<String> list = new ArrayList<>();
    for (String r : results) {
      list.add(r.replaceAll(" millis=\\d+", ""));
    }
    return list;
  }
}
