package dev.aiwarden.hook.azurecore;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.core.WardenCore;
import dev.aiwarden.hook.Allocations;
import dev.aiwarden.policy.MonitorOnlyPolicy;
import dev.aiwarden.provenance.Caller;
import dev.aiwarden.telemetry.CallTelemetry;
import dev.aiwarden.telemetry.Telemetry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * What the azure-core hook and Warden's core add, in bytes allocated on the calling thread, to one
 * allowed azure-ai-openai chat call made as azure-core's default (Netty) client makes it: {@code
 * sendSync} is {@code send(...).block()}, and the SDK reads the body through the base class's
 * {@code getBodyAsBinaryData()} over {@code getBody()}. The same calls without the hook are
 * measured too and taken off: what remains is the hook's and the core's. The caller is the one
 * {@code HttpPipeline.sendSync}'s advice keeps (its stack walk depends on the stack's depth and is
 * measured by the caller locator's own tests). Measured after warm-up with the JVM's per-thread
 * allocation counter: the least of a few blocks, as {@code CorePathAllocationTest} does (the log
 * writer makes a calling thread allocate now and then when it falls behind).
 */
class AzureHookAllocationTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef";
  private static final String CHAT =
      "https://myres.openai.azure.com/openai/deployments/my-gpt4o-deployment/chat/completions"
          + "?api-version=2024-10-21";
  private static final byte[] REQUEST =
      ("{\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
              + "{\"role\":\"user\",\"content\":\"Summarise the following notes in one sentence. Our"
              + " quarterly revenue grew in every region while costs stayed flat.\"}],"
              + "\"max_tokens\":64,\"temperature\":0.2,\"user\":\"user-4711\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESPONSE =
      ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Revenue grew.\"},"
              + "\"finish_reason\":\"stop\",\"content_filter_results\":{\"hate\":{\"filtered\":false,"
              + "\"severity\":\"safe\"}}}],\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":9}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final Caller CALLER = new Caller("com.acme.Billing.summarise", "Billing.java", 81);
  private static final int WARM = 20_000;
  private static final int MEASURED = 10_000;
  private static final int BLOCKS = 40;

  private PrintStream err;

  @BeforeEach
  void install() {
    CallTelemetry calls = Telemetry.noop().callTelemetry();
    Warden.install(new WardenCore(() -> MonitorOnlyPolicy.INSTANCE, () -> calls));
    err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream(), true)); // the log lines
  }

  @AfterEach
  void uninstall() {
    System.setErr(err);
    Warden.install(null);
    Warden.exitHandled();
  }

  @Test
  void anAllowedSyncChatCallAddsLittle() throws Exception {
    HttpRequest request = request();
    URL url = request.getUrl();
    String path = url.getPath();
    JsonResponse response = new JsonResponse(RESPONSE);
    if (!(call(request, response, url, path) instanceof byte[])) {
      throw new AssertionError("the call did not go through");
    }
    long added =
        Allocations.leastPerRun(WARM, MEASURED, BLOCKS, () -> call(request, response, url, path))
            - Allocations.leastPerRun(WARM, MEASURED, BLOCKS, () -> plain(response));
    // The hook's and the core's own objects: the call record, the request and response records,
    // the observed response and its body watcher, the body Flux's tap, the handled mark's
    // subscriber, the response's header array, and the log line (at this rate most lines are
    // copied to a string: the writer thread looks every 1 ms). 730-850 bytes here; 960-970
    // before the per-call Slice, Instant, request header array and iterator, and contextWrite's
    // four objects were left out.
    assertThat(added).isLessThan(900);
  }

  /** The request azure-ai-openai hands the client (a replayable JSON body, its key header). */
  private static HttpRequest request() {
    HttpHeaders headers =
        new HttpHeaders()
            .set(HttpHeaderName.fromString("x-ms-client-request-id"), "0f1e2d3c")
            .set(HttpHeaderName.fromString("api-key"), new AzureKeyCredential(KEY).getKey())
            .set(HttpHeaderName.USER_AGENT, "azsdk-java-azure-ai-openai/1.0.0-beta.16")
            .set(HttpHeaderName.CONTENT_TYPE, "application/json")
            .set(HttpHeaderName.CONTENT_LENGTH, String.valueOf(REQUEST.length));
    return new HttpRequest(HttpMethod.POST, CHAT).setHeaders(headers).setBody(BinaryData.fromBytes(REQUEST));
  }

  /** What the hook's advice does around the client's {@code sendSync} of one call, and the SDK's read. */
  private static Object call(HttpRequest request, JsonResponse response, URL url, String path) {
    Object token = Warden.keepCaller(url.getHost(), 443, path, CALLER); // HttpPipeline.sendSync's
    Object handle;
    try {
      handle = AzureCoreAdapter.enterSendSync(request);
    } finally {
      AzureCoreAdapter.exitPipeline(token);
    }
    if (!(handle instanceof AiCall)) {
      return handle;
    }
    @SuppressWarnings("unchecked")
    Mono<HttpResponse> sent = (Mono<HttpResponse>) AzureCoreAdapter.wrapSend(request, Mono.just(response));
    HttpResponse observed = (HttpResponse) AzureCoreAdapter.exitSendSync(handle, sent.block());
    byte[] body = observed.getBodyAsBinaryData().toBytes();
    observed.close();
    return body;
  }

  /** The same without the hook: the client's {@code Mono} blocked on, the body read, closed. */
  private static Object plain(JsonResponse response) {
    HttpResponse r = Mono.just(response).block();
    byte[] body = r.getBodyAsBinaryData().toBytes();
    r.close();
    return body;
  }
}
