package dev.aiwarden.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aiwarden.policy.Policy;
import dev.aiwarden.policy.PolicyException;
import dev.aiwarden.policy.PolicyFile;
import dev.aiwarden.provenance.KeyShapes;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the two remaining readers of untrusted text: the policy
 * loader (a policy file is edited by hand, and a garbled one must be refused with a {@link
 * PolicyException} naming line and column, never anything else), and the key-shape classifier that
 * scans class constants and files the application reads. Run like {@link ParsersFuzzTest}.
 */
class PolicyAndKeysFuzzTest {
  @FuzzTest(maxDuration = "15s")
  void policyFiles(FuzzedDataProvider data) {
    // Seeds (valid policies the fuzzer mutates, so it gets past the YAML parser) are in
    // src/test/resources/dev/aiwarden/fuzz/PolicyAndKeysFuzzTestInputs/policyFiles.
    byte[] bytes = data.consumeRemainingAsBytes();
    byte[] before = bytes.clone();
    try {
      Policy policy = PolicyFile.parse("fuzz.yaml", bytes);
      assertThat(policy).isNotNull();
    } catch (PolicyException e) {
      // The one documented outcome for a bad file: a message with a place in the file.
      assertThat(e.getMessage()).startsWith("fuzz.yaml:");
    }
    assertThat(bytes).isEqualTo(before);
  }

  @FuzzTest(maxDuration = "15s")
  void keyShapes(FuzzedDataProvider data) {
    boolean strict = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    byte[] before = bytes.clone();
    int from = bytes.length / 3;
    int[] last = {from};
    KeyShapes.find(
        bytes,
        from,
        bytes.length,
        strict,
        (kind, start, end) -> {
          assertThat(kind).isNotNull();
          assertThat(start).isGreaterThanOrEqualTo(last[0]).isLessThan(end);
          assertThat(end).isLessThanOrEqualTo(bytes.length);
          last[0] = end;
        });
    assertThat(Arrays.equals(bytes, before)).isTrue();
  }
}
