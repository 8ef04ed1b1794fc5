package dev.aiwarden.hook.keyvault;

import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THIS;

import dev.aiwarden.bootstrap.SecretReads;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.InlineAdvice;
import dev.aiwarden.hook.InlineWeaver;
import java.util.Collections;
import java.util.List;

/**
 * {@code com.azure:azure-security-keyvault-secrets} (4.9 tracked): {@code KeyVaultSecret.getValue()}
 * reports each value the application reads, with its secret object, to {@link SecretReads}. Both
 * {@code SecretClient} and {@code SecretAsyncClient} hand out {@code KeyVaultSecret}s, so one hook
 * covers both. No adapter: the core reads the secret's id by reflection, once per distinct value.
 */
public final class KeyVaultSecretsHook implements Hook {
  @Override
  public String name() {
    return "keyvault-secrets";
  }

  @Override
  public List<String> adapterClasses() {
    return Collections.emptyList();
  }

  /** {@code KeyVaultSecret.getValue()}: hands the value and its secret over ({@link SecretReads}). */
  @Override
  public void inline(InlineWeaver.Builder builder, AdapterInjector injector) {
    builder
        .named(HookTargets.KEYVAULT_SECRET)
        .advice(
            InlineAdvice.on("getValue", 0)
                .exit(
                    "dev.aiwarden.bootstrap.SecretReads",
                    "read",
                    "(Ljava/lang/Object;Ljava/lang/String;)V",
                    THIS,
                    RETURN));
  }
}
