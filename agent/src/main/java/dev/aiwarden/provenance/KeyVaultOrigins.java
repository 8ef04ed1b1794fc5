package dev.aiwarden.provenance;

import java.lang.reflect.Method;
import java.net.URI;

/**
 * {@code keyvault:VAULT/SECRET}: records a value the application read from Azure Key Vault (a
 * {@code KeyVaultSecret}) under its fingerprint, named after the secret's id ({@code
 * https://VAULT.vault.azure.net/secrets/SECRET/VERSION}). Only the first origin of a value is
 * kept, so the reflection on the secret object happens once per distinct value. A value whose id
 * cannot be read is not recorded (never a guess).
 */
public final class KeyVaultOrigins {
  private KeyVaultOrigins() {}

  /** Listener for {@link dev.aiwarden.bootstrap.SecretReads}. */
  public static void onSecretRead(Object secret, String value) {
    String key = value.trim();
    if (key.isEmpty()) {
      return;
    }
    String fingerprint = Fingerprints.fingerprint(key);
    if (KeyOrigins.origin(fingerprint) != null) {
      return;
    }
    String source = sourceOf(secretId(secret));
    if (source != null) {
      KeyOrigins.record(fingerprint, source);
    }
  }

  private static String secretId(Object secret) {
    try {
      Method getId = secret.getClass().getMethod("getId");
      Object id = getId.invoke(secret);
      return id instanceof String ? (String) id : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** {@code keyvault:VAULT/SECRET} from a secret id URL, or null. */
  static String sourceOf(String id) {
    if (id == null) {
      return null;
    }
    try {
      URI uri = URI.create(id);
      String host = uri.getHost();
      String path = uri.getPath();
      if (host == null || path == null || !path.startsWith("/secrets/")) {
        return null;
      }
      int dot = host.indexOf('.');
      String vault = dot < 0 ? host : host.substring(0, dot);
      String rest = path.substring("/secrets/".length());
      int slash = rest.indexOf('/');
      String name = slash < 0 ? rest : rest.substring(0, slash);
      if (vault.isEmpty() || name.isEmpty()) {
        return null;
      }
      return "keyvault:" + vault + "/" + name;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
