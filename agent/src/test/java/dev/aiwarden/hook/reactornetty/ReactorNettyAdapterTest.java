package dev.aiwarden.hook.reactornetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Reading host, port and path of a request URL without {@link URI}: the same answers. */
class ReactorNettyAdapterTest {
  @Test
  void theUrlIsReadAsUriReadsIt() {
    String[] urls = {
      "https://api.openai.com/v1/chat/completions",
      "http://127.0.0.1:8080/v1/chat/completions?x=1#f",
      "https://myres.openai.azure.com:8443/openai/deployments/my%20d/chat/completions?api-version=2025-01-01-preview",
      "HTTPS://API.OPENAI.COM/v1/embeddings",
      "http://localhost:1234",
      "http://localhost:1234?q",
      "https://h/",
      "wss://h:9/v1/realtime",
      "http://user:pw@h:81/v1/x",
      "http://[::1]:8080/v1/chat/completions",
    };
    for (String url : urls) {
      URI uri = URI.create(url);
      boolean secure = uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("wss");
      int port = uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      ReactorNettyAdapter.Target t = ReactorNettyAdapter.Target.parse(url);
      assertThat(t.host).as(url).isEqualTo(uri.getHost());
      assertThat(t.port).as(url).isEqualTo(port);
      assertThat(t.path).as(url).isEqualTo(path);
    }
  }
}
