package dev.aiwarden.hook;

import dev.aiwarden.hook.apache.ApacheHttpClient4Hook;
import dev.aiwarden.hook.apache.ApacheHttpClient5Hook;
import dev.aiwarden.hook.azurecore.AzureCoreHook;
import dev.aiwarden.hook.keyvault.KeyVaultSecretsHook;
import dev.aiwarden.hook.okhttp.OkHttp3Hook;
import dev.aiwarden.hook.jdkhttp.JdkHttpClientHook;
import dev.aiwarden.hook.jdkurl.HttpUrlConnectionHook;
import dev.aiwarden.hook.okhttp.OkHttp4Hook;
import dev.aiwarden.hook.openaijava.OpenAiJavaHook;
import dev.aiwarden.hook.reactornetty.ReactorNettyHook;
import dev.aiwarden.hook.spring.SpringWebHook;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Every hook ai-warden has, one per client library. */
public final class Hooks {
  private static final List<Hook> ALL =
      Collections.unmodifiableList(Arrays.asList(
              new OkHttp4Hook(),
              new AzureCoreHook(),
              new OpenAiJavaHook(),
              new OkHttp3Hook(),
              new ApacheHttpClient5Hook(),
              new ApacheHttpClient4Hook(),
              new ReactorNettyHook(),
              new JdkHttpClientHook(),
              new SpringWebHook(),
              new HttpUrlConnectionHook(),
              new KeyVaultSecretsHook()));

  private Hooks() {}

  public static List<Hook> all() {
    return ALL;
  }
}
