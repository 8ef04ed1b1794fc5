package dev.aiwarden.hook.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.classify.EndpointClassifier;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** The OkHttp adapter without a client: its cheap checks, how much of a body it copies, and a body that breaks off. */
class OkHttp4AdapterTest {
  private static final MediaType JSON = MediaType.get("application/json");
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

  @Test
  void aSmallBodyIsCopiedWithoutConsumingIt() throws Exception {
    RequestBody body = RequestBody.create("{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8), JSON);
    assertThat(new String(OkHttp4Adapter.bodyBytes(body), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"gpt-4o\"}");
    assertThat(OkHttp4Adapter.bodyBytes(body)).hasSize(18); // replayed, not consumed
  }

  /** A 100 MB upload was copied whole (and twice) before the call: OutOfMemoryError in a small heap. */
  @Test
  void aBodyLongerThanTheInspectionLimitIsNeverWritten() throws Exception {
    RequestBody huge =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return JSON;
          }

          @Override
          public long contentLength() {
            return OkHttp4Adapter.MAX_INSPECTED_BODY + 1;
          }

          @Override
          public void writeTo(BufferedSink sink) {
            throw new AssertionError("the adapter must not write a body it will not inspect");
          }
        };
    assertThat(OkHttp4Adapter.bodyBytes(huge)).isNull();
    assertThat(OkHttp4Adapter.bodyBytes(null)).isNull();
  }

  /** A body that breaks off after a few bytes, as when the server closes the connection mid-body. */
  @Test
  void aResponseBodyThatBreaksOffEndsTheCallAsFailedAndTheApplicationSeesTheSameException() {
    WardenHooks core = mock(WardenHooks.class);
    Warden.install(core);
    try {
      Source broken =
          new Source() {
            private boolean sent;

            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
              if (!sent) {
                sent = true;
                sink.writeUtf8("{\"id\":\"chat");
                return 12;
              }
              throw new ProtocolException("unexpected end of stream");
            }

            @Override
            public Timeout timeout() {
              return Timeout.NONE;
            }

            @Override
            public void close() {}
          };
      Response response =
          new Response.Builder()
              .request(new Request.Builder().url("https://api.openai.com/v1/chat/completions").build())
              .protocol(Protocol.HTTP_1_1)
              .code(200)
              .message("OK")
              .header("Content-Type", "application/json")
              .body(ResponseBody.create(Okio.buffer(broken), MediaType.get("application/json"), 24))
              .build();
      Object seen = OkHttp4Adapter.onResponse("call-1", response, null);
      assertThat(seen).isSameAs(response);
      verify(core).failed(eq("call-1"), any(ProtocolException.class));
      verify(core, never()).responseReceived(any(), org.mockito.ArgumentMatchers.anyInt(), any(), any());
      assertThatThrownBy(() -> response.body().string())
          .isInstanceOf(ProtocolException.class)
          .hasMessage("unexpected end of stream");
    } finally {
      Warden.install(null);
    }
  }

  /** A streamed body of unknown length is copied only up to the inspection limit, then left alone. */
  @Test
  void aBodyOfUnknownLengthOverTheLimitIsNotInspected() throws Exception {
    long[] written = {0};
    RequestBody streamed =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return JSON;
          }

          @Override
          public long contentLength() {
            return -1;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            for (long i = 0; i < 2 * OkHttp4Adapter.MAX_INSPECTED_BODY; i += chunk.length) {
              sink.write(chunk);
              written[0] += chunk.length;
            }
          }
        };
    assertThat(OkHttp4Adapter.bodyBytes(streamed)).isNull();
    assertThat(written[0]).isLessThanOrEqualTo(OkHttp4Adapter.MAX_INSPECTED_BODY + 64 * 1024);
  }
}
