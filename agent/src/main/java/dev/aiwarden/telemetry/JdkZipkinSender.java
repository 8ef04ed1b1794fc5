package dev.aiwarden.telemetry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;

/**
 * Sends Zipkin v2 JSON spans with the JDK's own {@code HttpClient}: the agent does not ship the
 * Zipkin exporter's default sender (Zipkin's OkHttp one). Called on the agent's export thread; the client's own
 * threads are {@link ExportThreads} too, so its traffic is never taken for the application's.
 */
final class JdkZipkinSender extends BytesMessageSender.Base {
  /** Zipkin's default maximum message size. */
  static final int MESSAGE_MAX_BYTES = 5 * 1024 * 1024;

  private final URI endpoint;
  private final Duration timeout;
  private final ExecutorService executor;
  private final HttpClient client;
  private volatile boolean closed;

  JdkZipkinSender(String endpoint, Duration timeout) {
    super(Encoding.JSON);
    this.endpoint = URI.create(endpoint);
    this.timeout = timeout;
    this.executor = ExportThreads.executor(1);
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public int messageMaxBytes() {
    return MESSAGE_MAX_BYTES;
  }

  @Override
  public void send(List<byte[]> encodedSpans) throws IOException {
    if (closed) {
      throw new IOException("ai-warden's Zipkin sender is closed");
    }
    byte[] body = encoding.encode(encodedSpans);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", encoding.mediaType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<Void> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending spans to Zipkin", e);
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw new IOException("Zipkin answered HTTP " + status + " at " + endpoint);
    }
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "JdkZipkinSender{" + endpoint + "}";
  }
}
