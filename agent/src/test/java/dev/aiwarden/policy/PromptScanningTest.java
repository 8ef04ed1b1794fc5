package dev.aiwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Secret shapes and deny patterns: right answers, in bounded time. */
class PromptScanningTest {

  @Test
  void everySecretShapeIsFoundAndNamed() {
    String azure84 = "A".repeat(52) + "JQQJ9" + "B".repeat(19) + "ACOG" + "C".repeat(4);
    assertThat(SecretScanner.find("key=" + azure84 + ".")).isEqualTo("an Azure AI Services key");
    assertThat(SecretScanner.find("sk-ant-api03-abcdefghijklmnopqrstuvwxyz")).isEqualTo("an API key (sk-...)");
    assertThat(SecretScanner.find("x 0123456789abcdef0123456789ABCDEF y")).isEqualTo("an Azure API key (32 hex digits)");
    assertThat(SecretScanner.find("xoxb-1234567890-abcdef")).isEqualTo("a Slack token");
    assertThat(SecretScanner.find("AIza" + "a".repeat(35))).isEqualTo("a Google API key");
    assertThat(SecretScanner.find("github_pat_" + "a".repeat(30))).isEqualTo("a GitHub token");
    assertThat(SecretScanner.find("-----BEGIN OPENSSH PRIVATE KEY-----\nabc")).isEqualTo("a private key block");
    assertThat(SecretScanner.find("BEARER\tabcdefghijklmnopqrstuvwxyz.0123")).isEqualTo("a bearer token");
  }

  @Test
  void lookAlikesAreNotSecrets() {
    assertThat(SecretScanner.find("task-abcdefghijklmnopqrstuvwxyz")).isNull();
    assertThat(SecretScanner.find("sk-short")).isNull();
    assertThat(SecretScanner.find("0123456789abcdef0123456789abcdef0")).isNull(); // 33 hex
    assertThat(SecretScanner.find("the bearer of bad news")).isNull();
    assertThat(SecretScanner.find("AKIA is a prefix")).isNull();
    assertThat(SecretScanner.find("-----BEGIN PUBLIC KEY-----")).isNull();
    assertThat(SecretScanner.find("")).isNull();
  }

  @Test
  void aCatastrophicPatternOnAHostilePromptStillAnswersQuickly() {
    PromptPattern evil = new PromptPattern("(a+)+$");
    String hostile = "a".repeat(20_000) + "!";
    long start = System.nanoTime();
    assertThat(evil.find(hostile)).isFalse();
    assertThat(evil.find("aaaa")).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void re2OnlySyntaxStillWorks() {
    PromptPattern named = new PromptPattern("(?P<word>secret)");
    assertThat(named.find("a secret plan")).isTrue();
    assertThat(named.find("a public plan")).isFalse();
  }
}
