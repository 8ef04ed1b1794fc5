package dev.aiwarden.hook.keyvault;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.aiwarden.bootstrap.SecretReads;
import dev.aiwarden.hook.AdapterInjector;
import dev.aiwarden.hook.Hook;
import dev.aiwarden.hook.HookTargets;
import dev.aiwarden.hook.Weaver;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.asm.Advice;

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

  @Override
  public Weaver.Builder extend(Weaver.Builder builder, AdapterInjector injector) {
    return builder
        .type(named(HookTargets.KEYVAULT_SECRET))
        .transform(
            (b, type, loader, module, domain) ->
                b.visit(Weaver.advice(GetValueAdvice.class).on(named("getValue").and(takesArguments(0)))));
  }

  /** {@code KeyVaultSecret.getValue()}: hands the value and its secret over. */
  public static final class GetValueAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object secret, @Advice.Return String value) {
      SecretReads.read(secret, value);
    }
  }
}
