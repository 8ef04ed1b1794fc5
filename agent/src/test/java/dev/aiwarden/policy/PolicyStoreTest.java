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
}
