package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, reloading and refusing broken edits. */
class PolicyStoreTest {
  @TempDir Path dir;

  private PolicyStore store(Path file) {
    PolicyStore s = new PolicyStore(file, System::nanoTime, () -> "h");
    s.loadInitial();
    return s;
  }

  private static void write(Path f, String text) throws Exception {
    Files.write(f, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anEditTakesEffectAndABrokenEditKeepsTheLastGoodPolicy() throws Exception {
    Path f = dir.resolve("policy.yaml");
    write(f, "version: 1\n");
    PolicyStore s = store(f);
    assertThat(s.decide(openAi("gpt-4o", "hi")).blocks()).isFalse();

    write(f, "version: 1\nmodels:\n  deny: [gpt-4o]\n");
    assertThat(s.checkNow()).isTrue();
    assertThat(s.decide(openAi("gpt-4o", "hi")).rule()).isEqualTo("model.not_allowed");

    write(f, "version: 1\nmodels:\n  deny: [gpt-4o\n");
    assertThat(s.checkNow()).isTrue();
    Decision kept = s.decide(openAi("gpt-4o", "hi"));
    assertThat(kept.rule()).isEqualTo("model.not_allowed");
    assertThat(kept.policyError()).startsWith(f + ":").contains("not valid YAML");
    assertThat(s.reloadError()).isEqualTo(kept.policyError());

    write(f, "version: 1\n");
    assertThat(s.checkNow()).isTrue();
    Decision fixed = s.decide(openAi("gpt-4o", "hi"));
    assertThat(fixed.blocks()).isFalse();
    assertThat(fixed.policyError()).isNull();
    assertThat(s.checkNow()).isFalse();
  }

  @Test
  void aDeletedFileKeepsTheLastGoodPolicy() throws Exception {
    Path f = dir.resolve("policy.yaml");
    write(f, "version: 1\nmodels:\n  deny: [gpt-4o]\n");
    PolicyStore s = store(f);
    Files.delete(f);
    s.checkNow();
    assertThat(s.decide(openAi("gpt-4o", "hi")).rule()).isEqualTo("model.not_allowed");
    assertThat(s.reloadError()).contains("does not exist");
  }

  @Test
  void anInvalidOrMissingFileAtStartUpDeniesEveryCallUntilFixed() throws Exception {
    Path f = dir.resolve("policy.yaml");
    PolicyStore missing = store(f);
    Decision d = missing.decide(openAi("gpt-4o", "hi"));
    assertThat(d.rule()).isEqualTo("policy.invalid");
    assertThat(d.blocks()).isTrue();
    assertThat(d.reason()).contains(f + ":1:1: the policy file does not exist");

    write(f, "version: 1\nmodles: []\n");
    PolicyStore invalid = store(f);
    assertThat(invalid.decide(openAi("gpt-4o", "hi")).reason()).contains(f + ":2:1: unknown key");

    write(f, "version: 1\nmode: monitor\n");
    assertThat(invalid.checkNow()).isTrue();
    assertThat(invalid.decide(openAi("gpt-4o", "hi")).blocks()).isFalse();
  }

  @Test
  void theWatcherPicksUpAChangeWithinTwoSeconds() throws Exception {
    Path f = dir.resolve("policy.yaml");
    write(f, "version: 1\n");
    PolicyStore s = PolicyStore.open(f);
    write(f, "version: 1\nmodels:\n  deny: [gpt-4o]\n");
    long start = System.nanoTime();
    while (!s.decide(openAi("gpt-4o", "hi")).blocks()) {
      assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
      Thread.sleep(20);
    }
  }

  @Test
  void aTruncatedOrGarbledFileKeepsTheLastGoodPolicyAndRestoringItReloads() throws Exception {
    Path f = dir.resolve("policy.yaml");
    String good = "version: 1\nmode: enforce\nmodels:\n  deny: [gpt-4o]\n";
    write(f, good);
    PolicyStore s = store(f);
    for (String broken : new String[] {"", "version: 1\nmod", "\u0000\u00ff\u0001garbage{[", "- a\n- b\n"}) {
      write(f, broken);
      assertThat(s.checkNow()).isTrue();
      Decision kept = s.decide(openAi("gpt-4o", "hi"));
      assertThat(kept.rule()).as(broken).isEqualTo("model.not_allowed");
      assertThat(kept.policyError()).as(broken).startsWith(f + ":");
    }
    write(f, "version: 1\nmode: enforce\n");
    assertThat(s.checkNow()).isTrue();
    assertThat(s.decide(openAi("gpt-4o", "hi")).blocks()).isFalse();
    assertThat(s.reloadError()).isNull();
  }

  @Test
  void auditRequiredDeniesWhileTheAuditFileCannotBeWritten() throws Exception {
    Path f = dir.resolve("policy.yaml");
    write(f, "version: 1\nmode: enforce\n");
    dev.aiwarden.telemetry.audit.AuditLog full =
        dev.aiwarden.telemetry.audit.AuditLog.open(java.nio.file.Paths.get("/dev/full"));
    PolicyStore s = PolicyStore.open(f, full, true);
    assertThat(full.flush(5_000)).isTrue(); // the "loaded" record failed
    Decision d = s.decide(openAi("gpt-4o", "hi"));
    assertThat(d.blocks()).isTrue();
    assertThat(d.rule()).isEqualTo("audit.unavailable");
    assertThat(d.reason()).contains("audit.required=true");

    write(f, "version: 1\nmode: monitor\n");
    assertThat(s.checkNow()).isTrue();
    assertThat(full.flush(5_000)).isTrue();
    Decision monitor = s.decide(openAi("gpt-4o", "hi"));
    assertThat(monitor.outcome()).isEqualTo(Decision.Outcome.WOULD_DENY);
    assertThat(monitor.rule()).isEqualTo("audit.unavailable");
    full.close();

    // Not required (the default): the audit log fails open.
    dev.aiwarden.telemetry.audit.AuditLog full2 =
        dev.aiwarden.telemetry.audit.AuditLog.open(java.nio.file.Paths.get("/dev/full"));
    write(f, "version: 1\nmode: enforce\n");
    PolicyStore open = PolicyStore.open(f, full2, false);
    assertThat(full2.flush(5_000)).isTrue();
    assertThat(full2.writable()).isFalse();
    assertThat(open.decide(openAi("gpt-4o", "hi")).blocks()).isFalse();
    full2.close();

    // Required and writable: allowed.
    dev.aiwarden.telemetry.audit.AuditLog ok =
        dev.aiwarden.telemetry.audit.AuditLog.open(dir.resolve("audit.jsonl"));
    PolicyStore fine = PolicyStore.open(f, ok, true);
    assertThat(ok.flush(5_000)).isTrue();
    assertThat(fine.decide(openAi("gpt-4o", "hi")).blocks()).isFalse();
    ok.close();
  }
}
