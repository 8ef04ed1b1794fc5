package dev.aiwarden.hook;

import dev.aiwarden.hook.azurecore.AzureCoreHook;
import dev.aiwarden.hook.jdkhttp.JdkHttpClientHook;
import dev.aiwarden.hook.jdkurl.HttpUrlConnectionHook;
import dev.aiwarden.hook.okhttp.OkHttp4Hook;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Every hook ai-warden has, one per client library. */
public final class Hooks {
  private static final List<Hook> ALL =
      Collections.unmodifiableList(
          Arrays.asList(
              new OkHttp4Hook(),
              new AzureCoreHook(),
              new JdkHttpClientHook(),
              new HttpUrlConnectionHook()));

  private Hooks() {}

  public static List<Hook> all() {
    return ALL;
  }
}
