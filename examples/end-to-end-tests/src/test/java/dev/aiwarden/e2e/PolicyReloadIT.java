package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot reload in a running child JVM (openai-java): an edit that forbids the model blocks the next
 * call within 2 s; a garbled edit is reported (log and span event) and the last good policy stays;
 * a fixed file is in force again.
 */
class PolicyReloadIT {
  private static final String MAIN = "dev.aiwarden.examples.openai.OpenAiJavaExample";
  /** The agent promises a change is in force within this time. */
  private static final long RELOAD_MILLIS = 2_000;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void editsTakeEffectWithinTwoSecondsAndBrokenEditsKeepTheLastGoodPolicy() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-reload");
    Path policy = dir.resolve("policy.yaml");
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  allow: [\"gpt-4o*\"]\n");
    Path m1 = dir.resolve("m1");
    Path m2 = dir.resolve("m2");
    Path m3 = dir.resolve("m3");
    ChildJvm.Running child =
        ChildJvm.of(MAIN)
            .against(server)
            .agentArgs("policy=" + policy)
            .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
            .env("OPENAI_API_KEY", server.openAiKey)
            .args("chat", "wait-for:" + m1, "chat", "wait-for:" + m2, "chat", "wait-for:" + m3, "chat")
            .start();

    child.awaitResults(1);
    // 1. Forbid the model the application uses: the next call is blocked.
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"gpt-4o*\"]\n");
    Thread.sleep(RELOAD_MILLIS);
    Files.createFile(m1);
    child.awaitResults(2);
    // 2. A garbled edit: refused, the deny stays in force.
    FaultApps.replace(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"gpt-4o*\"\n  allow: oops\n");
    Thread.sleep(RELOAD_MILLIS);
    Files.createFile(m2);
    child.awaitResults(3);
    // 3. Fixed: allowed again.
    FaultApps.replace(policy, "version: 1\nmode: enforce\n");
    Thread.sleep(RELOAD_MILLIS);
    Files.createFile(m3);
    ChildJvm.Result run = child.await();

    assertThat(run.exitCode).as(run.toString()).isZero();
    List<String> results = run.results();
    assertThat(results).as(run.toString()).hasSize(4);
    assertThat(results.get(0)).startsWith("RESULT chat id=");
    assertThat(results.get(1)).startsWith("RESULT chat error=ai-warden: blocked by model.not_allowed: ");
    assertThat(results.get(2)).startsWith("RESULT chat error=ai-warden: blocked by model.not_allowed: ");
    assertThat(results.get(3)).startsWith("RESULT chat id=");

    assertThat(run.stderr).contains("[ai-warden] INFO policy reloaded from " + policy);
    assertThat(run.stderr).contains("[ai-warden] ERROR policy edit refused: " + policy + ":");
    assertThat(run.stderr).contains("the last good policy stays in force");

    assertThat(run.spans).hasSize(4);
    Spans.Span refused = run.spans.get(2);
    assertThat(refused.attr("aiwarden.policy.decision")).isEqualTo("deny");
    assertThat(refused.events).containsKey("aiwarden.policy.reload_failed");
    assertThat((String) refused.events.get("aiwarden.policy.reload_failed").get("aiwarden.policy.error"))
        .startsWith(policy + ":").contains("not valid YAML");
    assertThat(run.spans.get(3).events).isEmpty();
    assertThat(run.spans.get(3).attr("aiwarden.policy.decision")).isEqualTo("allow");
    Leaks.assertNoSecret(run, server.openAiKey);
  }


}
