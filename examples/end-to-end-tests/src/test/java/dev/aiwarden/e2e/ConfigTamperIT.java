package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's configuration is read once at start-up: an application that, after its first AI
 * call, points {@code aiwarden.*} system properties at a permissive policy, another audit file,
 * another traces file or the test hook, tries to change the environment, edits a different
 * policy file, and calls the agent's public bootstrap class to uninstall it, changes none of the
 * enforce decisions; the policy is re-read only from the configured file.
 */
class ConfigTamperIT {
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
  void settingsChangedByTheApplicationAfterStartUpChangeNothing() throws Exception {
    Path dir = Files.createTempDirectory("ai-warden-tamper");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"gpt-4o*\"]\n");
    Path permissive = dir.resolve("permissive.yaml");
    Files.writeString(permissive, "version: 1\nmode: monitor\n");
    Path audit = dir.resolve("audit.jsonl");
    Path otherAudit = dir.resolve("other-audit.jsonl");
    Path otherTraces = dir.resolve("other-traces.jsonl");

    ChildJvm.Result run =
        FaultApps.app(server)
            .agentArgs("policy=" + policy + ",audit.file=" + audit)
            .args(
                "chat",
                "setprop:aiwarden.policy=" + permissive,
                "setprop:aiwarden.audit.file=" + otherAudit,
                "setprop:aiwarden.traces.file=" + otherTraces,
                "setprop:aiwarden.test.fail=policy",
                "setprop:aiwarden.audit.required=true",
                "setprop:aiwarden.otel.sdk.disabled=true",
                "setprop:otel.resource.attributes=host.name=somewhere-else",
                "getenv-put",
                "write-policy:" + permissive, // edits a policy file that is not the configured one
                "sleep:1500", // longer than the policy file's poll interval
                "chats:5",
                "uninstall",
                "chats:5",
                "get")
            .run();

    assertThat(run.exitCode).as(run.toString()).isZero();
    List<String> r = run.results();
    assertThat(r.get(0)).as(run.toString()).startsWith("RESULT chat error=ai-warden: blocked by model.not_allowed: ");
    assertThat(r).contains("RESULT getenv-put java.lang.UnsupportedOperationException");
    assertThat(r).contains("RESULT uninstall called installed=true");
    for (int i = 0; i < 2; i++) {
      FaultApps.Chats c = FaultApps.chats(run, i);
      assertThat(c.denied).as(run.toString()).isEqualTo(5);
      assertThat(c.rule).isEqualTo("model.not_allowed");
    }
    assertThat(r).contains("RESULT get status=404");
    assertThat(run.stderr).doesNotContain("policy reloaded").doesNotContain("TestFaults");
    assertThat(run.spans).as("spans still go to the configured traces.file").hasSize(11);
    assertThat(Files.exists(otherAudit)).isFalse();
    assertThat(Files.exists(otherTraces)).isFalse();
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);
    assertThat(FaultApps.occurrences(auditText, "\"type\":\"ai_call\"")).isEqualTo(11);
    assertThat(FaultApps.occurrences(auditText, "\"decision\":\"deny\"")).isEqualTo(11);
    assertThat(auditText).doesNotContain(server.openAiKey);
    Leaks.assertNoSecret(run, server.openAiKey);
  }
}
