package dev.aiwarden.bootstrap;

import java.util.function.BiConsumer;

/**
 * Secrets the application read from a secret store, for {@code keyvault:VAULT/SECRET} provenance:
 * advice in the store's client library calls {@link #read} with the library's secret object and
 * its value, and the agent's listener records where the value came from. JDK types only: this
 * class lives in the bootstrap class loader. Never throws.
 */
public final class SecretReads {
  private static volatile BiConsumer<Object, String> listener;

  private SecretReads() {}

  /** Called once by the agent when it starts. */
  public static void install(BiConsumer<Object, String> l) {
    listener = l;
  }

  /** The application read {@code value} from {@code secret} (e.g. a {@code KeyVaultSecret}). */
  public static void read(Object secret, String value) {
    BiConsumer<Object, String> l = listener;
    if (l == null || secret == null || value == null) {
      return;
    }
    try {
      l.accept(secret, value);
    } catch (Throwable ignored) {
      // provenance is best effort; the application gets its secret as always
    }
  }
}
