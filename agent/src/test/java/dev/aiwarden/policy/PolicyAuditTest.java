package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.telemetry.audit.AuditLog;
import dev.aiwarden.telemetry.audit.AuditVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every policy load, reload and refused edit is a record in the audit log. */
class PolicyAuditTest {
  @TempDir Path dir;

  @Test
  void loadsReloadsAndRefusedEditsAreAudited() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.write(policy, "version: 1\nmode: monitor\n".getBytes(StandardCharsets.UTF_8));
    Path auditFile = dir.resolve("audit.jsonl");
    AuditLog audit = AuditLog.open(auditFile);
    PolicyStore store = PolicyStore.open(policy, audit);
    Files.write(policy, "version: 1\nmode: enforce\n".getBytes(StandardCharsets.UTF_8));
    store.checkNow();
    Files.write(policy, "version: 1\nmode: sideways\n".getBytes(StandardCharsets.UTF_8));
    store.checkNow();
    audit.close();

    List<String> records = Files.readAllLines(auditFile);
    assertThat(records).hasSize(3);
    assertThat(records.get(0)).contains("\"type\":\"policy_change\"", "\"outcome\":\"loaded\"", "\"policy_sha256\":\"");
    assertThat(records.get(1)).contains("\"outcome\":\"reloaded\"");
    assertThat(records.get(2)).contains("\"outcome\":\"edit_refused\"", "policy.yaml:2:");
    assertThat(AuditVerifier.verify(auditFile).intact).isTrue();
  }
}
