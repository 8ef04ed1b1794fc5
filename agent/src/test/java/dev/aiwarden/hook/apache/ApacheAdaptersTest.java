package dev.aiwarden.hook.apache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Apache HttpClient adapters against a recording {@link WardenHooks} (our own seam): what
 * they hand the core, what they leave alone, and that a denial comes back to the advice.
 */
class ApacheAdaptersTest {
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";
  private final Recorder core = new Recorder();

  @BeforeEach
  void install() {
    Warden.install(core);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
    assertThat(core.errors).as("hook errors").isEmpty();
  }

  @Test
  void classic5HandsOverTargetHeadersAndARepeatableBody() {
    HttpPost post = new HttpPost("https://api.openai.com/v1/chat/completions?x=1");
    post.setHeader("Authorization", "Bearer sk-test");
    post.setEntity(new StringEntity(BODY, ContentType.APPLICATION_JSON));
    Object handle = ApacheHttpClient5Adapter.onRequest(null, post);
    assertThat(handle).isEqualTo("call-1");
    assertThat(core.started).containsExactly(
        "apache-httpclient-5 POST https://api.openai.com/v1/chat/completions?x=1 api.openai.com:443"
            + " /v1/chat/completions [Authorization, Bearer sk-test, Content-Type, application/json;"
            + " charset=UTF-8] " + BODY);
  }

  @Test
  void oneShotBodiesAndNonAiCallsAreLeftAlone() {
    HttpPost post = new HttpPost("https://api.openai.com/v1/chat/completions");
    post.setEntity(new InputStreamEntity(new ByteArrayInputStream(new byte[] {1}), ContentType.APPLICATION_JSON));
    ApacheHttpClient5Adapter.onRequest(null, post);
    assertThat(core.started.get(0)).endsWith(" null");
    assertThat(ApacheHttpClient5Adapter.onRequest(null, new HttpGet("https://example.com/index.html"))).isNull();
    assertThat(core.started).hasSize(1);
  }

  @Test
  void aCallAnOuterHookHandlesIsLeftToIt() {
    Warden.enterHandled();
    try {
      assertThat(ApacheHttpClient5Adapter.onRequest(null, new HttpPost("https://api.openai.com/v1/chat/completions")))
          .isNull();
    } finally {
      Warden.exitHandled();
    }
    assertThat(Warden.handledOutside()).isFalse();
    assertThat(core.started).isEmpty();
  }

  @Test
  void aDenialIsReturnedForTheAdviceToThrow() {
    core.deny = true;
    Object r = ApacheHttpClient5Adapter.onRequest(null, new HttpPost("https://api.openai.com/v1/chat/completions"));
    assertThat(r).isInstanceOf(PolicyDeniedException.class);
    assertThat(((PolicyDeniedException) r).getMessage()).startsWith("ai-warden: blocked by model.not_allowed");
    Object r4 =
        ApacheHttpClient4Adapter.onRequest(
            null, new org.apache.http.client.methods.HttpPost("https://api.openai.com/v1/chat/completions"));
    assertThat(r4).isInstanceOf(PolicyDeniedException.class);
  }

  @Test
  void jsonResponsesAreSeenAsTheApplicationReadsThem() throws Exception {
    BasicClassicHttpResponse response = new BasicClassicHttpResponse(200);
    response.setEntity(new StringEntity("{\"id\":\"chatcmpl-1\"}", ContentType.APPLICATION_JSON));
    ApacheHttpClient5Adapter.onResponse("call-1", response, null);
    assertThat(core.ended).isEmpty(); // nothing read ahead
    assertThat(EntityUtils.toString(response.getEntity())).isEqualTo("{\"id\":\"chatcmpl-1\"}");
    assertThat(core.ended).containsExactly("received 200 {\"id\":\"chatcmpl-1\"}");
  }

  @Test
  void sseResponsesStayStreams() throws Exception {
    org.apache.http.message.BasicHttpResponse response =
        new org.apache.http.message.BasicHttpResponse(
            new org.apache.http.message.BasicStatusLine(org.apache.http.HttpVersion.HTTP_1_1, 200, "OK"));
    response.setEntity(
        new org.apache.http.entity.InputStreamEntity(
            new ByteArrayInputStream("data: 1\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)),
            org.apache.http.entity.ContentType.create("text/event-stream")));
    ApacheHttpClient4Adapter.onResponse("call-1", response, null);
    assertThat(core.ended).containsExactly("stream 200");
    byte[] first = new byte[4];
    assertThat(response.getEntity().getContent().read(first)).isEqualTo(4);
    assertThat(core.ended).containsExactly("stream 200", "data data");
    org.apache.http.util.EntityUtils.consume(response.getEntity());
    assertThat(core.ended).last().isEqualTo("stream ended");
  }

  @Test
  void asyncDenialFailsTheFutureAndTellsTheCallback() {
    core.deny = true;
    SimpleHttpRequest request = SimpleHttpRequest.create("POST", "https://api.openai.com/v1/chat/completions");
    request.setBody(BODY, ContentType.APPLICATION_JSON);
    AtomicReference<Exception> told = new AtomicReference<>();
    Object r = ApacheAsyncClient5Adapter.onExecute(request, new FutureCallback<SimpleHttpResponse>() {
      @Override public void completed(SimpleHttpResponse result) {}
      @Override public void failed(Exception ex) { told.set(ex); }
      @Override public void cancelled() {}
    });
    assertThat(r).isInstanceOf(Future.class);
    assertThat(told.get()).isInstanceOf(PolicyDeniedException.class);
    try {
      ((Future<?>) r).get();
    } catch (ExecutionException | InterruptedException e) {
      assertThat(e.getCause()).isInstanceOf(PolicyDeniedException.class);
    }
  }

  @Test
  void asyncResponsesReachTheCoreThenTheApplication() {
    SimpleHttpRequest request = SimpleHttpRequest.create("POST", "https://api.openai.com/v1/chat/completions");
    request.setBody(BODY, ContentType.APPLICATION_JSON);
    List<String> order = new ArrayList<>();
    Object r = ApacheAsyncClient5Adapter.onExecute(request, new FutureCallback<SimpleHttpResponse>() {
      @Override public void completed(SimpleHttpResponse result) { order.add("app " + result.getBodyText()); }
      @Override public void failed(Exception ex) {}
      @Override public void cancelled() {}
    });
    assertThat(r).isInstanceOf(ApacheAsyncClient5Adapter.ObservingCallback.class);
    @SuppressWarnings("unchecked")
    FutureCallback<SimpleHttpResponse> cb = (FutureCallback<SimpleHttpResponse>) r;
    cb.completed(SimpleHttpResponse.create(200, "{\"id\":\"x\"}", ContentType.APPLICATION_JSON));
    assertThat(core.ended).containsExactly("received 200 {\"id\":\"x\"}");
    assertThat(order).containsExactly("app {\"id\":\"x\"}");
    ((ApacheAsyncClient5Adapter.ObservingCallback) r).abandon(new IllegalStateException("not started"));
    assertThat(core.ended).last().isEqualTo("failed");
  }

  /** Records what the adapters hand the core. */
  static final class Recorder implements WardenHooks {
    final List<String> started = new ArrayList<>();
    final List<String> ended = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    boolean deny;

    @Override
    public boolean isAiCall(String host, int port, String path) {
      return host.endsWith("openai.com");
    }

    @Override
    public Object captureCaller() {
      return null;
    }

    @Override
    public Object requestStarting(String client, String method, String url, String host, int port,
        String path, String[] headers, byte[] body, Object caller) throws PolicyDeniedException {
      if (deny) {
        throw new PolicyDeniedException("model.not_allowed", "the model is not in models.allow.");
      }
      started.add(client + " " + method + " " + url + " " + host + ":" + port + " " + path + " "
          + Arrays.toString(headers) + " " + (body == null ? null : new String(body, StandardCharsets.UTF_8)));
      return "call-" + started.size();
    }

    @Override
    public void responseReceived(Object call, int status, String[] headers, byte[] body) {
      ended.add("received " + status + " " + (body == null ? null : new String(body, StandardCharsets.UTF_8)));
    }

    @Override
    public void streamStarted(Object call, int status, String[] headers) {
      ended.add("stream " + status);
    }

    @Override
    public void streamData(Object call, byte[] bytes, int offset, int length) {
      ended.add("data " + new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void streamEnded(Object call, Throwable error) {
      ended.add("stream ended");
    }

    @Override
    public void failed(Object call, Throwable error) {
      ended.add("failed");
    }

    @Override
    public void hookError(String where, Throwable error) {
      errors.add(error);
    }
  }
}
