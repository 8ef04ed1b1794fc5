package dev.aiwarden.hook.azurecore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import dev.aiwarden.hook.TestCores;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * An asynchronous azure-core AI call ({@code send}, no {@code sendSync} around it): started when
 * its {@code Mono} is subscribed, the client's {@code Mono} subscribed with the handled mark, the
 * response observed, and the call ended as failed on an error or a cancellation; a denial is the
 * {@code Mono}'s error and the client never runs.
 */
class AsyncSendTest {
  private static final String CHAT =
      "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=1";
  private static final Object HANDLE = "call-1";
  private static final byte[] BODY =
      "{\"id\":\"chatcmpl-1\",\"choices\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final WardenHooks core = TestCores.mock();
  private final List<Object> seen = new ArrayList<>();

  @BeforeEach
  void install() throws Exception {
    Warden.install(core);
    when(core.isAiCall(anyString(), anyInt(), anyString())).thenReturn(true);
    when(core.requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), any()))
        .thenReturn(HANDLE);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  private static HttpRequest chat() {
    return new HttpRequest(HttpMethod.POST, CHAT)
        .setHeader(HttpHeaderName.fromString("api-key"), "k")
        .setBody(BinaryData.fromString("{\"model\":\"gpt-4o\"}"));
  }

  /** The client's Mono: notes the handled mark on the thread and in the context. */
  private Mono<HttpResponse> client(Mono<HttpResponse> answer) {
    return Mono.deferContextual(
        ctx -> {
          seen.add(Warden.handledOutside());
          seen.add(ctx.getOrDefault(Warden.HANDLED_CONTEXT_KEY, false));
          return answer;
        });
  }

  @SuppressWarnings("unchecked")
  private static Mono<HttpResponse> send(HttpRequest request, Mono<HttpResponse> client) {
    return (Mono<HttpResponse>) AzureCoreAdapter.wrapSend(request, client);
  }

  @Test
  void theCallStartsOnSubscriptionAndItsResponseIsObserved() throws Exception {
    HttpRequest request = chat();
    JsonResponse response = new JsonResponse(BODY);
    Mono<HttpResponse> sent = send(request, client(Mono.just(response)));
    verify(core, never()).requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), any());

    HttpResponse observed = sent.contextWrite(reactor.util.context.Context.of("app", "entry")).block();
    assertThat(observed).isInstanceOf(ObservedHttpResponse.class);
    assertThat(seen).containsExactly(true, true);
    assertThat(Warden.handledOutside()).isFalse();
    assertThat(observed.getBodyAsBinaryData().toBytes()).isEqualTo(BODY);
    verify(core).requestStarting(same("azure-core"), any(), any(), any(), anyInt(), any(), any(), any(), isNull());
    verify(core).responseReceived(same(HANDLE), anyInt(), any(), any());
  }

  @Test
  void anErrorOrACancellationEndsTheCallAsFailedAndPassesOn() {
    IllegalStateException refused = new IllegalStateException("refused");
    assertThatThrownBy(() -> send(chat(), client(Mono.error(refused))).block()).isSameAs(refused);
    verify(core).failed(same(HANDLE), same(refused));

    send(chat(), client(Mono.never())).subscribe().dispose();
    verify(core).failed(same(HANDLE), isNull());
  }

  @Test
  void aDenialIsTheMonosErrorAndTheClientNeverRuns() throws Exception {
    PolicyDeniedException denied = new PolicyDeniedException("keys.deny", "a denied key");
    when(core.requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), any())).thenThrow(denied);
    // block() wraps a checked exception; a Reactor subscriber gets the denial itself.
    assertThatThrownBy(() -> send(chat(), client(Mono.empty())).block())
        .satisfies(e -> assertThat(e.getCause()).isSameAs(denied));
    assertThat(seen).isEmpty();
  }

  @Test
  void aCallTheCoreLeavesGoesToTheClientUnmarked() throws Exception {
    when(core.requestStarting(any(), any(), any(), any(), anyInt(), any(), any(), any(), any())).thenReturn(null);
    HttpRequest request = chat();
    JsonResponse response = new JsonResponse(BODY);
    assertThat(send(request, client(Mono.just(response))).block()).isSameAs(response);
    assertThat(seen).containsExactly(false, false);
  }
}
