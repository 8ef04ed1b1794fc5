package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyVaultOriginsTest {

  /** The shape of {@code KeyVaultSecret}: an id getter. */
  public static final class FakeSecret {
    private final String id;

    FakeSecret(String id) {
      this.id = id;
    }

    public String getId() {
      return id;
    }
  }

  @AfterEach
  void clear() {
    KeyOrigins.clear();
  }

  @Test
  void vaultAndSecretNameFromTheSecretId() {
    assertThat(KeyVaultOrigins.sourceOf("https://acme-prod.vault.azure.net/secrets/openai-key/0123abcd"))
        .isEqualTo("keyvault:acme-prod/openai-key");
    assertThat(KeyVaultOrigins.sourceOf("https://acme.vault.azure.net/secrets/openai-key"))
        .isEqualTo("keyvault:acme/openai-key");
    assertThat(KeyVaultOrigins.sourceOf("https://acme.vault.azure.net/keys/k1/1")).isNull();
    assertThat(KeyVaultOrigins.sourceOf("not a url")).isNull();
    assertThat(KeyVaultOrigins.sourceOf(null)).isNull();
  }

  @Test
  void recordsTheFirstVaultAValueCameFrom() {
    String key = TestKeys.azure32();
    KeyVaultOrigins.onSecretRead(new FakeSecret("https://v1.vault.azure.net/secrets/aoai/1"), key);
    KeyVaultOrigins.onSecretRead(new FakeSecret("https://v2.vault.azure.net/secrets/aoai/1"), key);
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(key))).isEqualTo("keyvault:v1/aoai");
    String other = TestKeys.openAi();
    KeyVaultOrigins.onSecretRead(new Object(), other); // no id: nothing recorded, no guess
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(other))).isNull();
  }
}
