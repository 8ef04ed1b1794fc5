package dev.aiwarden.examples.apache;

import java.io.IOException;
import java.net.URI;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.AbstractCharResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;

/**
 * Apache HttpClient 5 async beyond {@code SimpleHttpRequest}: a request built with {@code
 * AsyncRequestBuilder} and a {@code String} entity producer, read by a {@code
 * BasicResponseConsumer}; and an SSE stream sent with a {@code BasicRequestProducer} and a byte
 * entity producer, read line by line by a streaming {@code AbstractCharResponseConsumer}.
 */
final class AsyncProducerCalls {
  private AsyncProducerCalls() {}

  static void run(String scenario, String base, String key) throws Exception {
    try (CloseableHttpAsyncClient client = HttpAsyncClients.createSystem()) {
      client.start();
      if (scenario.equals("hc5-async-builder-chat")) {
        Message<HttpResponse, String> response =
            client
                .execute(
                    AsyncRequestBuilder.post(base + "/chat/completions")
                        .addHeader("Authorization", "Bearer " + key)
                        .setEntity(
                            AsyncEntityProducers.create(
                                ApacheHttpClientExample.chatBody(false), ContentType.APPLICATION_JSON))
                        .build(),
                    new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                    null)
                .get(30, TimeUnit.SECONDS);
        ApacheHttpClientExample.print(scenario, response.getHead().getCode(), response.getBody());
        return;
      }
      BasicHttpRequest request =
          new BasicHttpRequest(Method.POST, URI.create(base + "/chat/completions"));
      request.addHeader("Authorization", "Bearer " + key);
      BasicRequestProducer producer =
          new BasicRequestProducer(
              request,
              AsyncEntityProducers.create(
                  ApacheHttpClientExample.chatBody(true).getBytes(StandardCharsets.UTF_8),
                  ContentType.APPLICATION_JSON));
      String events = client.execute(producer, new EventCounter(), null).get(30, TimeUnit.SECONDS);
      System.out.println("RESULT " + scenario + " " + events);
    }
  }

  /** Counts SSE {@code data:} lines as they arrive; the result is {@code status=... events=...}. */
  static final class EventCounter extends AbstractCharResponseConsumer<String> {
    private final StringBuilder line = new StringBuilder();
    private int status;
    private int events;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
      status = response.getCode();
    }

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE;
    }

    @Override
    protected void data(CharBuffer src, boolean endOfStream) throws IOException {
      while (src.hasRemaining()) {
        char c = src.get();
        if (c == '\n') {
          if (line.toString().startsWith("data:")) {
            events++;
          }
          line.setLength(0);
        } else {
          line.append(c);
        }
      }
    }

    @Override
    protected String buildResult() {
      return "status=" + status + " events=" + events;
    }

    @Override
    public void failed(Exception cause) {}

    @Override
    public void releaseResources() {}
  }
}
