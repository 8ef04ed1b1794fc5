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
  private final WardenHooks core = mock(WardenHooks.class);

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

  private static final class Broken extends HttpResponse {
    private final IOException error;

    Broken(IOException error) {
      super(new HttpRequest(HttpMethod.POST, "https://api.openai.com/v1/chat/completions"));
      this.error = error;
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
