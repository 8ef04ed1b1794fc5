package dev.aiwarden.hook.azurecore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.hook.TestCores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** How an azure-core response whose body breaks off ends its call. */
class ObservedHttpResponseTest {
  private final WardenHooks core = TestCores.mock();

  @BeforeEach
  void install() {
    Warden.install(core);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  /** Netty's getBodyAsInputStream aggregates the body: a connection closed mid-body fails the Mono. */
  @Test
  void anInputStreamBodyThatFailsEndsTheCallAsFailedAndTheApplicationSeesTheSameError() {
    IOException closed = new IOException("Connection prematurely closed DURING response");
    ObservedHttpResponse observed =
        new ObservedHttpResponse(new Broken(closed), "call-1", false, 200, new String[0]);
    assertThatThrownBy(() -> observed.getBodyAsInputStream().block()).hasCause(closed);
    observed.close();
    verify(core).failed(same("call-1"), same(closed));
    verify(core, never()).responseReceived(any(), anyInt(), any(), any());
  }

  /** azure-ai-openai reads the body through the base class's BinaryData over getBody(). */
  @Test
  void aBodyReadAsBinaryDataIsSeenOnceAsItPasses() {
    byte[] content = "{\"id\":\"chatcmpl-1\",\"choices\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Chunked response = new Chunked(content, 7);
    ObservedHttpResponse observed =
        new ObservedHttpResponse(
            response, "call-2", false, 200, new String[] {"Content-Length", "" + content.length});
    assertThat(observed.getBodyAsBinaryData().toBytes()).isEqualTo(content);
    observed.close();
    org.mockito.ArgumentCaptor<byte[]> body = org.mockito.ArgumentCaptor.forClass(byte[].class);
    verify(core).responseReceived(same("call-2"), org.mockito.ArgumentMatchers.eq(200), any(), body.capture());
    assertThat(body.getValue()).isEqualTo(content);
    assertThat(response.subscriptions).as("the body is read once").isEqualTo(1);
  }

  /** A streamed body: every chunk on its way, the end when the Flux completes, and cancel ends it too. */
  @Test
  void aStreamedBodySeesEveryChunkAndEndsWithTheFlux() {
    byte[] content = "data: {}\n\ndata: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ObservedHttpResponse observed =
        new ObservedHttpResponse(new Chunked(content, 10), "call-3", true, 200, new String[0]);
    assertThat(observed.getBody().map(ByteBuffer::remaining).collectList().block())
        .containsExactly(10, 10, 4);
    verify(core, org.mockito.Mockito.times(3))
        .streamData(same("call-3"), any(), anyInt(), anyInt());
    verify(core).streamEnded("call-3", null);
    ObservedHttpResponse cancelled =
        new ObservedHttpResponse(new Chunked(content, 10), "call-4", true, 200, new String[0]);
    assertThat(cancelled.getBody().take(1).collectList().block()).hasSize(1);
    verify(core).streamEnded("call-4", null);
  }

  /** A response whose body arrives in chunks of a given size (heap buffers, like azure-core's Netty copy). */
  private static final class Chunked extends TestResponse {
    private final byte[] content;
    private final int chunk;
    int subscriptions;

    Chunked(byte[] content, int chunk) {
      this.content = content;
      this.chunk = chunk;
    }


    @Override
    public String getHeaderValue(HttpHeaderName name) {
      return HttpHeaderName.CONTENT_LENGTH.equals(name) ? "" + content.length : null;
    }

    @Override
    public HttpHeaders getHeaders() {
      return new HttpHeaders();
    }

    @Override
    public Flux<ByteBuffer> getBody() {
      return Flux.defer(
          () -> {
            subscriptions++;
            java.util.List<ByteBuffer> parts = new java.util.ArrayList<>();
            for (int off = 0; off < content.length; off += chunk) {
              parts.add(ByteBuffer.wrap(content, off, Math.min(chunk, content.length - off)).slice());
            }
            return Flux.fromIterable(parts);
          });
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
      return Mono.just(content);
    }

    @Override
    public Mono<String> getBodyAsString() {
      return Mono.just(new String(content, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
      return Mono.just(new String(content, charset));
    }
  }

  /** A 200 response to a chat call; subclasses give its body. */
  abstract static class TestResponse extends HttpResponse {
    TestResponse() {
      super(new HttpRequest(HttpMethod.POST, "https://api.openai.com/v1/chat/completions"));
    }

    @Override
    public int getStatusCode() {
      return 200;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
      return null;
    }
  }

  private static final class Broken extends TestResponse {
    private final IOException error;

    Broken(IOException error) {
      this.error = error;
    }


    @Override
    public String getHeaderValue(HttpHeaderName name) {
      return null;
    }

    @Override
    public HttpHeaders getHeaders() {
      return new HttpHeaders();
    }

    @Override
    public Flux<ByteBuffer> getBody() {
      return Flux.error(error);
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
      return Mono.error(error);
    }

    @Override
    public Mono<String> getBodyAsString() {
      return Mono.error(error);
    }

    @Override
    public Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
      return Mono.error(error);
    }

    @Override
    public Mono<InputStream> getBodyAsInputStream() {
      return Mono.error(error);
    }
  }
}
