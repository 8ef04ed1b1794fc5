package dev.aiwarden.examples.openai;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An azure-core {@link HttpClient} that answers like Azure Key Vault: the bearer challenge on the
 * first, unauthenticated request, then {@code GET /secrets/NAME} with the secret's JSON. The real
 * {@code SecretClient} runs on top of it (pipeline, challenge policy, JSON model), only the network
 * is replaced. The secret's value stands for what the remote vault holds.
 */
final class KeyVaultStub implements HttpClient {
  private final String vaultHost;
  private final String value;

  KeyVaultStub(String vaultHost, String value) {
    this.vaultHost = vaultHost;
    this.value = value;
  }

  /** A credential that hands out a token without asking anyone. */
  static TokenCredential credential() {
    return request -> Mono.just(new AccessToken("stub-token", OffsetDateTime.now().plusHours(1)));
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    HttpHeaders headers = new HttpHeaders().set(HttpHeaderName.CONTENT_TYPE, "application/json");
    if (request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION) == null) {
      headers.set(
          HttpHeaderName.WWW_AUTHENTICATE,
          "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\","
              + " resource=\"https://vault.azure.net\"");
      return Mono.just(new Response(request, 401, headers, "{\"error\":{\"code\":\"Unauthorized\"}}"));
    }
    String path = request.getUrl().getPath(); // /secrets/NAME or /secrets/NAME/VERSION
    String name = path.substring("/secrets/".length()).split("/")[0];
    String json =
        "{\"value\":\"" + value + "\",\"id\":\"https://" + vaultHost + "/secrets/" + name
            + "/5f0c2a1b9d8e4f7a\",\"attributes\":{\"enabled\":true,\"created\":1700000000,"
            + "\"updated\":1700000000,\"recoveryLevel\":\"Recoverable+Purgeable\","
            + "\"recoverableDays\":90},\"tags\":{}}";
    return Mono.just(new Response(request, 200, headers, json));
  }

  private static final class Response extends HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    Response(HttpRequest request, int status, HttpHeaders headers, String body) {
      super(request);
      this.status = status;
      this.headers = headers;
      this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    @SuppressWarnings("deprecation")
    public String getHeaderValue(String name) {
      return headers.getValue(name);
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
}
