package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@code prompts.deny_secrets}' run-skipping scan against the
 * plain scan it replaced ({@link SecretScannerFastPathTest.Reference}): any prompt text, the same
 * answer. Seeds (one text of each secret shape) are in
 * src/test/resources/dev/aiwarden/policy/SecretScannerFuzzTestInputs/secretScan; run like {@link
 * dev.aiwarden.fuzz.ParsersFuzzTest} (the {@code fuzz-secretScan} execution of the agent's pom).
 */
class SecretScannerFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void secretScan(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    String expected = SecretScannerFastPathTest.Reference.find(text);
    assertThat(SecretScanner.find(text)).isEqualTo(expected);
    assertThat(SecretScanner.find(new StringBuilder(text))).isEqualTo(expected);
  }
}
