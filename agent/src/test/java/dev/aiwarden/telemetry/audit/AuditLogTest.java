package dev.aiwarden.telemetry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointKind;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.classify.Provider;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.policy.Decision;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.provenance.KeyKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  private static final String SECRET = "sk-proj-AuditCanary0123456789abcdefghijWXYZ";
  private static final String PROMPT = "AUDIT-PROMPT-CANARY tell me about Zanzibar";

  @TempDir Path dir;

  private static AiCall call(String model, Decision decision) {
    RequestInfo r = new RequestInfo();
    r.model = model;
    r.promptText = PROMPT;
    AiCall call =
        new AiCall(
            "okhttp",
            new Endpoint(EndpointKind.OPENAI, Provider.OPENAI, Operation.CHAT, "api.openai.com", 443, null),
            "POST",
            "https://api.openai.com/v1/chat/completions",
            r,
            new ApiKey(KeyKind.OPENAI_API_KEY, SECRET, "sha256:0123456789abcdef", "...WXYZ", null, null),
            "env:OPENAI_API_KEY",
            new Caller("com.acme.App.main", "App.java", 42),
            0,
            0);
    call.decision = decision;
    call.status = 200;
    return call;
  }

  private Path writeLog(int records) {
    Path file = dir.resolve("audit/ai-audit.jsonl");
    AuditLog log = AuditLog.open(file);
    for (int i = 0; i < records; i++) {
      log.recordCall(call("gpt-4o-" + i, Decision.ALLOW));
    }
    log.recordPolicyChange("/etc/ai-warden/policy.yaml", "ab12", "loaded", null);
    log.close();
    return file;
  }

  @Test
  void recordsEveryCallChainedAndWithoutSecrets() throws Exception {
    Path file = writeLog(3);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .startsWith("{\"time\":\"")
        .contains("\"type\":\"ai_call\"", "\"key_fingerprint\":\"sha256:0123456789abcdef\"",
            "\"key_source\":\"env:OPENAI_API_KEY\"", "\"caller\":\"com.acme.App.main(App.java:42)\"",
            "\"decision\":\"allow\"", "\"model\":\"gpt-4o-0\"", "\"seq\":1",
            "\"prev\":\"" + AuditChain.GENESIS + "\"");
    assertThat(lines.get(1)).endsWith("\"prev\":\"" + AuditChain.hash(lines.get(0)) + "\"}");
    assertThat(lines.get(3)).contains("\"type\":\"policy_change\"", "\"outcome\":\"loaded\"");
    String all = String.join("\n", lines);
    assertThat(all).doesNotContain(SECRET).doesNotContain(PROMPT);

    AuditVerifier.Result r = AuditVerifier.verify(file);
    assertThat(r.intact).isTrue();
    assertThat(r.lines).isEqualTo(4);
    assertThat(r.headSeq).isEqualTo(4);
    assertThat(r.headSha256).isEqualTo(AuditChain.hash(lines.get(3)));
  }

  @Test
  void aRestartedAgentContinuesTheChain() throws Exception {
    Path file = writeLog(2);
    AuditLog again = AuditLog.open(file);
    again.recordCall(call("gpt-4o-mini", new Decision(Decision.Outcome.WOULD_DENY, "model.not_allowed", "not allowed")));
    again.close();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(3)).contains("\"seq\":4", "\"decision\":\"would_deny\"", "\"rule\":\"model.not_allowed\"");
    assertThat(AuditVerifier.verify(file).intact).isTrue();
  }

  @Test
  void anEditedLineIsFound() throws Exception {
    Path file = writeLog(5);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(2, lines.get(2).replace("\"decision\":\"allow\"", "\"decision\":\"deny\""));
    Files.write(file, lines, StandardCharsets.UTF_8);
    AuditVerifier.Result r = AuditVerifier.verify(file);
    assertThat(r.intact).isFalse();
    assertThat(r.badLine).isEqualTo(4); // line 3 changed: line 4 no longer follows it
  }

  @Test
  void aDeletedLineIsFound() throws Exception {
    Path file = writeLog(5);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(1);
    Files.write(file, lines, StandardCharsets.UTF_8);
    assertThat(AuditVerifier.verify(file).badLine).isEqualTo(2);
  }

  @Test
  void aDeletedFirstLineIsFound() throws Exception {
    Path file = writeLog(3);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(0);
    Files.write(file, lines, StandardCharsets.UTF_8);
    AuditVerifier.Result r = AuditVerifier.verify(file);
    assertThat(r.badLine).isEqualTo(1);
    assertThat(r.problem).contains("deleted");
  }

  @Test
  void reorderedLinesAreFound() throws Exception {
    Path file = writeLog(5);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    Collections.swap(lines, 1, 2);
    Files.write(file, lines, StandardCharsets.UTF_8);
    assertThat(AuditVerifier.verify(file).badLine).isEqualTo(2);
  }

  @Test
  void anInsertedForgedLineIsFound() throws Exception {
    Path file = writeLog(3);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    String forged = lines.get(1).replace("gpt-4o-1", "gpt-4o-forged");
    lines.add(2, forged);
    Files.write(file, lines, StandardCharsets.UTF_8);
    assertThat(AuditVerifier.verify(file).intact).isFalse();
  }

  @Test
  void aTruncatedTailShowsAgainstTheHead() throws Exception {
    Path file = writeLog(3);
    AuditVerifier.Result before = AuditVerifier.verify(file);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(lines.size() - 1);
    Files.write(file, lines, StandardCharsets.UTF_8);
    AuditVerifier.Result after = AuditVerifier.verify(file);
    // The chain itself is intact; the head differs from the one the agent logged at exit.
    assertThat(after.intact).isTrue();
    assertThat(after.headSeq).isLessThan(before.headSeq);
    assertThat(after.headSha256).isNotEqualTo(before.headSha256);
  }

  @Test
  void garbageIsNotAnAuditRecord() throws Exception {
    Path file = dir.resolve("garbage.jsonl");
    Files.write(file, List.of("{\"hello\":\"world\"}"));
    AuditVerifier.Result r = AuditVerifier.verify(file);
    assertThat(r.intact).isFalse();
    assertThat(r.badLine).isEqualTo(1);
  }

  @Test
  void anUnwritableFileNeverThrowsIntoTheCaller() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    Files.write(blocker, new byte[0]);
    AuditLog log = AuditLog.open(blocker.resolve("audit.jsonl")); // parent is a file
    log.recordCall(call("gpt-4o", Decision.ALLOW));
    log.close();
    assertThat(Files.isRegularFile(blocker)).isTrue();
  }

  @Test
  void serviceHostIsTheHostNameSpansAndKeysBindUse() throws Exception {
    String before = System.getProperty("otel.resource.attributes");
    System.setProperty("otel.resource.attributes", "service.name=billing,host.name=img-worker-7");
    try {
      Path file = writeLog(1);
      assertThat(Files.readAllLines(file).get(0)).contains("\"service_host\":\"img-worker-7\"");
    } finally {
      if (before == null) {
        System.clearProperty("otel.resource.attributes");
      } else {
        System.setProperty("otel.resource.attributes", before);
      }
    }
  }

  @Test
  void aFullDiskIsReportedCountedAndNeverThrows() throws Exception {
    Path devFull = java.nio.file.Paths.get("/dev/full"); // every write: ENOSPC
    long before = AuditLoss.writeFailures();
    AuditLog log = AuditLog.open(devFull);
    assertThat(log.writable()).isTrue(); // nothing tried yet
    for (int i = 0; i < 5; i++) {
      log.recordCall(call("gpt-4o", Decision.ALLOW));
    }
    assertThat(log.flush(5_000)).isTrue();
    assertThat(log.writable()).isFalse();
    assertThat(AuditLoss.writeFailures() - before).isEqualTo(5);
    log.close();
  }

  @Test
  void aFileThatBecomesWritableAgainSaysHowManyRecordsWereLost() throws Exception {
    Path parent = dir.resolve("logs");
    Files.write(parent, new byte[0]); // a file in the way of the directory
    Path file = parent.resolve("audit.jsonl");
    AuditLog log = AuditLog.open(file);
    log.recordCall(call("gpt-4o-1", Decision.ALLOW));
    log.recordCall(call("gpt-4o-2", Decision.ALLOW));
    assertThat(log.flush(5_000)).isTrue();
    assertThat(log.writable()).isFalse();

    Files.delete(parent); // fixed: the directory can be made
    log.recordCall(call("gpt-4o-3", Decision.ALLOW));
    log.recordCall(call("gpt-4o-4", Decision.ALLOW));
    assertThat(log.flush(5_000)).isTrue();
    assertThat(log.writable()).isTrue();
    log.close();

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\"model\":\"gpt-4o-3\"", "\"records_dropped_before\":2", "\"seq\":1,");
    assertThat(lines.get(1)).contains("\"model\":\"gpt-4o-4\"", "\"seq\":2,").doesNotContain("records_dropped_before");
    assertThat(AuditVerifier.verify(file).intact).isTrue();
  }

  @Test
  void aFileSystemThatRefusesNewFilesIsReportedAndCounted() throws Exception {
    // /proc refuses to create files even for root (tests here run as root, which writes into a
    // read-only directory anyway): the same path as a read-only mount or directory.
    long before = AuditLoss.writeFailures();
    AuditLog log = AuditLog.open(java.nio.file.Paths.get("/proc/ai-warden-audit.jsonl"));
    log.recordCall(call("gpt-4o", Decision.ALLOW));
    assertThat(log.flush(5_000)).isTrue();
    assertThat(log.writable()).isFalse();
    assertThat(AuditLoss.writeFailures() - before).isEqualTo(1);
    log.close();
  }
}
