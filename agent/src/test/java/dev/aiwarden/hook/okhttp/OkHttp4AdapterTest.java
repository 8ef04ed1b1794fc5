package dev.aiwarden.hook.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.classify.EndpointClassifier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The OkHttp adapter's cheap checks and copies, without a client. */
class OkHttp4AdapterTest {
  private static final String[] SEGMENTS = {
    "v1", "openai", "deployments", "d", "chat", "completions", "embeddings", "images", "generations",
    "edits", "variations", "responses", "audio", "speech", "transcriptions", "translations", "usage",
    "models", "ping", "api", "x", "", "s", "h",
  };

  @Test
  void thePathPrefilterNeverHidesAnAiCall() {
    Random r = new Random(3);
    String[] hosts = {"api.openai.com", "myres.openai.azure.com", "localhost", "example.com"};
    int ai = 0;
    for (int i = 0; i < 20000; i++) {
      StringBuilder path = new StringBuilder();
      int n = 1 + r.nextInt(5);
      for (int s = 0; s < n; s++) {
        path.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
      }
      if (r.nextBoolean()) {
        path.append('/');
      }
      String suffix = r.nextInt(3) == 0 ? "?api-version=2025-01-01" : r.nextInt(4) == 0 ? "#f" : "";
      String host = hosts[r.nextInt(hosts.length)];
      String url = "https://" + host + ":8443" + path + suffix;
      boolean classified = EndpointClassifier.classify(host, 8443, path + suffix) != null;
      if (classified) {
        ai++;
        assertThat(OkHttp4Adapter.mayBeAiPath(url)).as(url).isTrue();
      }
    }
    assertThat(ai).isGreaterThan(100);
    assertThat(OkHttp4Adapter.mayBeAiPath("http://127.0.0.1:8080/ping")).isFalse();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://127.0.0.1:8080/")).isFalse();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://h/v1/chat/completions?x=1#y")).isTrue();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://h/v1/audio/speech/")).isTrue();
  }
}
