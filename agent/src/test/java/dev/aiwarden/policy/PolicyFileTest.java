package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every schema error kind gives FILE:LINE:COLUMN and a sentence a person understands. */
class PolicyFileTest {
  /** The contract's example policy, verbatim. */
  static final String CONTRACT_EXAMPLE = String.join("\n",
      "version: 1",
      "mode: enforce            # enforce: a deny blocks the call | monitor: recorded as would_deny",
      "endpoints:",
      "  allow: [\"*.openai.azure.com\", \"api.openai.com\"]   # host globs",
      "keys:",
      "  allow: [\"sha256:0123456789abcdef\"]   # fingerprints; absent = any key",
      "  deny:  [\"sha256:fedcba9876543210\"]   # revoked or leaked keys",
      "  sources: [env, sysprop, file, keyvault, entra_id]   # allowed provenance kinds",
      "  bind:                                # fingerprint -> host.name globs that may use it",
      "    \"sha256:0123456789abcdef\": [\"img-worker-*\"]",
      "  match_provider: true                 # an Azure key sent to a non-Azure host, or an OpenAI key to Azure, is denied",
      "  entra:                               # Entra ID tokens must come from these tenants / apps",
      "    tenants: [\"00000000-0000-0000-0000-000000000000\"]",
      "    apps: []",
      "models:",
      "  allow: [\"gpt-4o*\", \"dall-e-3\"]",
      "  deny: []",
      "operations:",
      "  allow: [chat, embeddings, image_generation]",
      "prompts:",
      "  max_chars: 32000",
      "  deny_patterns: [\"(?i)do not (revise|rewrite|change) (this|the|my) prompt\"]",
      "  deny_secrets: true     # an API key, token or private key inside the prompt text",
      "  capture: hash          # none | hash | full",
      "limits:                  # per key fingerprint, in this process",
      "  requests_per_minute: 600",
      "  tokens_per_minute: 200000",
      "abuse:",
      "  content_filter_blocks: {max: 3, per: 10m}   # then the key is denied locally for `per`",
      "");

  private static PolicyException error(String yaml) {
    PolicyException e = catchThrowableOfType(PolicyException.class,
        () -> PolicyFile.parse("/etc/ai-warden/policy.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
    assertThat(e).as("expected the policy to be refused:\n" + yaml).isNotNull();
    assertThat(e.getMessage()).startsWith("/etc/ai-warden/policy.yaml:" + e.line() + ":" + e.column() + ": ");
    return e;
  }

  private static void assertError(String yaml, int line, int column, String... words) {
    PolicyException e = error(yaml);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
    for (String w : words) {
      assertThat(e.problem()).contains(w);
    }
  }

  @Test
  void theContractExampleIsValid() throws Exception {
    Policy p = PolicyFile.parse("p.yaml", CONTRACT_EXAMPLE.getBytes(StandardCharsets.UTF_8));
    assertThat(p.mode()).isEqualTo(Policy.Mode.ENFORCE);
    assertThat(p.capture).isEqualTo(PromptCapture.HASH);
  }

  @Test
  void minimalPolicyAndDefaults() throws Exception {
    Policy p = PolicyFile.parse("p.yaml", "version: 1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(p.mode()).isEqualTo(Policy.Mode.ENFORCE);
    assertThat(PolicyFile.parse("p.yaml", "version: 1\nmode: monitor\nkeys:\n".getBytes(StandardCharsets.UTF_8))
        .mode()).isEqualTo(Policy.Mode.MONITOR);
  }

  @Test
  void unknownKey() {
    assertError("version: 1\nmodles:\n  allow: [gpt-4o]\n", 2, 1, "unknown key \"modles\"", "models");
    assertError("version: 1\nkeys:\n  alow: []\n", 3, 3, "unknown key \"keys.alow\"", "allow");
    assertError("version: 1\nabuse:\n  content_filter_blocks: {max: 3, per: 10m, for: 1h}\n", 3, 45,
        "unknown key", "max, per");
  }

  @Test
  void wrongType() {
    assertError("version: 1\nendpoints:\n  allow: api.openai.com\n", 3, 10, "endpoints.allow must be a list");
    assertError("version: 1\nlimits:\n  requests_per_minute: lots\n", 3, 24, "whole number");
    assertError("version: 1\nkeys:\n  match_provider: yes\n", 3, 19, "true or false");
    assertError("version: 1\nprompts: [a]\n", 2, 10, "prompts must be a mapping");
    assertError("version: 1\nlimits:\n  requests_per_minute: -5\n", 3, 24, "between 0 and");
    assertError("version: 1\nmode: enforcing\n", 2, 7, "enforce or monitor");
    assertError("version: 1\nprompts:\n  capture: everything\n", 3, 12, "none, hash or full");
    assertError("version: 1\noperations:\n  allow: [chat, images]\n", 3, 17, "unknown operation \"images\"");
    assertError("version: 1\nkeys:\n  sources: [env, vault]\n", 3, 18, "unknown key source \"vault\"");
  }

  @Test
  void badGlob() {
    assertError("version: 1\nendpoints:\n  allow: [\"https://api.openai.com/v1\"]\n", 3, 11, "bad glob",
        "not a URL");
    assertError("version: 1\nmodels:\n  allow: [\"gpt-[34]*\"]\n", 3, 11, "bad glob", "character classes");
    assertError("version: 1\nmodels:\n  deny: [\"\"]\n", 3, 10, "empty glob");
  }

  @Test
  void badRegex() {
    PolicyException e = error("version: 1\nprompts:\n  deny_patterns:\n    - \"(?i)ignore (all\"\n");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.column()).isEqualTo(7);
    assertThat(e.problem()).contains("bad regular expression").contains("missing closing )");
    // Look-around cannot run in linear time: refused with a hint.
    assertError("version: 1\nprompts:\n  deny_patterns: [\"foo(?=bar)\"]\n", 3, 19, "bad regular expression",
        "RE2");
    assertError("version: 1\nprompts:\n  deny_patterns: [\"builtin:nope\"]\n", 3, 19, "dalle_no_revise");
  }

  @Test
  void badDuration() {
    assertError("version: 1\nabuse:\n  content_filter_blocks: {max: 3, per: 10 minutes}\n", 3, 40,
        "bad duration \"10 minutes\"", "10m");
    assertError("version: 1\nabuse:\n  content_filter_blocks: {max: 3}\n", 3, 26, "needs both max and per");
  }

  @Test
  void badFingerprint() {
    assertError("version: 1\nkeys:\n  deny: [\"sha256:XYZ\"]\n", 3, 10, "bad fingerprint", "16 lower-case hex");
    PolicyException e = error("version: 1\nkeys:\n  allow:\n    - sk-proj-abcdefghijklmnopqrstuvwxyz0123\n");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.problem()).contains("looks like a key itself");
    assertThat(e.getMessage()).doesNotContain("sk-proj-abcdefghijklmnopqrstuvwxyz0123");
    assertError("version: 1\nkeys:\n  bind:\n    \"sha256:0123\": [\"h*\"]\n", 4, 5, "bad fingerprint");
  }

  @Test
  void aKeyPastedInTheWrongPlaceIsNeverEchoed() {
    String key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
    PolicyException e = error("version: 1\nkeys:\n  allow: " + key + "\n");
    assertThat(e.getMessage()).doesNotContain(key);
  }

  @Test
  void aTagTheYamlLibraryRejectsOutsideItsOwnErrorsIsPlacedToo() {
    // Found by the policy-file fuzzer: "!%e" decodes to a tag with a trailing space, and the YAML
    // library throws IllegalArgumentException rather than one of its own errors.
    assertError("!%e", 1, 1, "not valid YAML", "Tag");
    // Only at the very end of the file (anywhere else the scanner reports a bad escape itself).
    assertError("version: 1\nmode: !%e", 2, 7, "not valid YAML", "Tag");
    assertError("version: 1\nmodels:\n  allow:\n    - gpt-4o\n    - !%e", 5, 7, "not valid YAML", "Tag");
  }

  @Test
  void tooManyAliasesArePlacedAtTheAliasThatWentOverTheLimit() {
    // The YAML library allows 10 aliases to collections here (an "alias bomb" guard) and reports
    // the eleventh without a place of its own: it is placed at the alias the composer was on.
    StringBuilder yaml = new StringBuilder("version: 1\nmodels:\n  allow: &m [\"gpt-4o\"]\n  deny:\n");
    for (int i = 0; i < 11; i++) {
      yaml.append("    - *m\n");
    }
    assertError(yaml.toString(), 15, 7, "not valid YAML", "aliases");
  }

  @Test
  void badYamlAndMissingVersion() {
    assertError("version: 1\nkeys:\n  allow: [\"a\"\n", 4, 1, "not valid YAML");
    assertError("mode: enforce\n", 1, 1, "version: 1");
    assertError("version: 2\n", 1, 10, "unsupported version 2");
    assertError("", 1, 1, "empty");
    assertError("version: 1\nversion: 1\n", 2, 1, "appears twice");
  }

  @Test
  void missingFileAndDirectory(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> PolicyFile.read(missing))
        .isInstanceOf(PolicyException.class)
        .hasMessage(missing + ":1:1: the policy file does not exist");
    assertThatThrownBy(() -> PolicyFile.read(dir)).hasMessageContaining("directory");
  }

  @Test
  void readsFromDisk(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("policy.yaml");
    Files.write(f, CONTRACT_EXAMPLE.getBytes(StandardCharsets.UTF_8));
    assertThat(PolicyFile.read(f).mode()).isEqualTo(Policy.Mode.ENFORCE);
  }
}
