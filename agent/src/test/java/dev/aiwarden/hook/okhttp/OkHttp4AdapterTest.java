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
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
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

/** How much of an OkHttp request body the adapter copies to inspect it. */
class OkHttp4AdapterTest {
  private static final MediaType JSON = MediaType.get("application/json");

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
}
