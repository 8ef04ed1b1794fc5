package dev.aiwarden.e2e;

import dev.aiwarden.examples.server.LocalAiServer;
import dev.aiwarden.examples.server.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The project's local OpenAI/Azure server for one test class, with fresh random keys (so a leak
 * test that finds one knows where it came from), TLS, and a hosts file mapping real host names
 * ({@code api.openai.com}, {@code myres.openai.azure.com}, ...) to loopback.
 */
final class TestServer implements AutoCloseable {
  static final String[] HOSTS = {
    "api.openai.com",
    "myres.openai.azure.com",
    "myres.cognitiveservices.azure.com",
    "myres.services.ai.azure.com",
    "proxy.example.test",
  };
  private static final SecureRandom RANDOM = new SecureRandom();

  final String openAiKey = "sk-proj-" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);
  final String azureKey = random("0123456789abcdef", 32);
  final LocalAiServer server;
  private final Path hostsFile;

  TestServer() throws IOException {
    this(0);
  }

  /** Also accepts {@code extraKeys} (tests that use keys of their own). */
  TestServer(String... extraKeys) throws IOException {
    this(0, extraKeys);
  }

  /**
   * @param streamChunkDelayMillis pause between streamed events
   * @param extraKeys keys accepted besides {@link #openAiKey} and {@link #azureKey}
   */
  TestServer(long streamChunkDelayMillis, String... extraKeys) throws IOException {
    Path dir = Files.createTempDirectory("ai-warden-e2e");
    server =
        LocalAiServer.start(
            new Options()
                .httpPort(0)
                .httpsPort(0)
                .keystoreDir(dir)
                .validKeys(openAiKey, azureKey)
                .validKeys(extraKeys)
                .streamChunkDelayMillis(streamChunkDelayMillis));
    hostsFile = LocalAiServer.writeHostsFile(dir.resolve("hosts"), HOSTS);
  }

  Path hostsFile() {
    return hostsFile;
  }

  Path truststore() {
    return server.truststore();
  }

  /** {@code https://HOST:PORT} of the server under a real host name. */
  String https(String host) {
    return "https://" + host + ":" + server.httpsPort();
  }

  /** {@code http://HOST:PORT} of the server's plain-HTTP port under a real host name. */
  String http(String host) {
    return "http://" + host + ":" + server.httpPort();
  }

  /** How many requests the server received with this key (as a bearer token or {@code api-key}). */
  long requestsWith(String key) {
    return server.requests().stream()
        .filter(
            r -> ("Bearer " + key).equals(r.header("Authorization")) || key.equals(r.header("api-key")))
        .count();
  }

  int httpsPort() {
    return server.httpsPort();
  }

  /** A random OpenAI-shaped project key. */
  static String newOpenAiKey() {
    return "sk-proj-" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);
  }

  static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
