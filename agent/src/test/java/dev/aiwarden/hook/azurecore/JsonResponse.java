package dev.aiwarden.hook.azurecore;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A 200 JSON response as Netty's is to an SDK: its headers (type, length, one more), and its body
 * as a {@code Flux} of one buffer; {@code getBodyAsBinaryData()} is the base class's streaming
 * view of it.
 */
final class JsonResponse extends ObservedHttpResponseTest.TestResponse {
  private final byte[] body;
  private final HttpHeaders headers;

  JsonResponse(byte[] body) {
    this.body = body;
    this.headers =
        new HttpHeaders()
            .set(HttpHeaderName.CONTENT_TYPE, "application/json")
            .set(HttpHeaderName.CONTENT_LENGTH, String.valueOf(body.length))
            .set(HttpHeaderName.fromString("apim-request-id"), "5c4b3a29");
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public Flux<ByteBuffer> getBody() {
    return Flux.just(ByteBuffer.wrap(body));
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return Mono.just(body);
  }

  @Override
  public Mono<String> getBodyAsString() {
    return Mono.just(new String(body, StandardCharsets.UTF_8));
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return Mono.just(new String(body, charset));
  }
}
