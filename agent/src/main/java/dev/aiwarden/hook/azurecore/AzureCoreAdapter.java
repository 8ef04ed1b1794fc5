package dev.aiwarden.hook.azurecore;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.UncheckedIOException;
import java.net.URL;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Turns azure-core's {@code HttpRequest}/{@code HttpResponse} into ai-warden's neutral exchange.
 * Injected into the class loader that loaded azure-core; uses only azure-core, Reactor, JDK and
 * {@link Warden} types; never throws.
 */
public final class AzureCoreAdapter {
  private AzureCoreAdapter() {}

  /**
   * Returns the {@code Mono} the application's pipeline will subscribe to. For AI calls the call
   * starts when it is subscribed (so a {@code Mono} never subscribed records nothing), the policy
   * decides before the HTTP client runs, and the response is observed as its body is read.
   */
  @SuppressWarnings("unchecked")
  public static Object wrapSend(Object request, Object mono) {
    try {
      HttpRequest req = (HttpRequest) request;
      URL url = req.getUrl();
      int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
      if (!Warden.isAiCall(url.getHost(), port, url.getPath())) {
        return mono;
      }
      Mono<HttpResponse> original = (Mono<HttpResponse>) mono;
      if (Warden.handledOutside()) {
        // sendSync (Netty: send(...).block()) has the call; carry its mark into the Reactor
        // context, where the Reactor Netty hook on the event loop can see it.
        return new HandledMono(original);
      }
      return new StartingMono(req, url, port, original, Warden.captureCaller());
    } catch (Throwable t) {
      Warden.hookError("azure-core.send", t);
      return mono;
    }
  }

  /**
   * An asynchronous AI call: started when subscribed ({@link #start}), then the client's own
   * {@code Mono} with the thread and context marked handled and the response observed ({@link
   * ObservingSubscriber}). What {@code Mono.defer} with {@code map}, {@code doOnError} and {@code
   * doOnCancel} did, with two objects per call instead of a dozen.
   */
  static final class StartingMono extends Mono<HttpResponse> {
    private final HttpRequest req;
    private final URL url;
    private final int port;
    private final Mono<HttpResponse> original;
    private final Object caller;

    StartingMono(HttpRequest req, URL url, int port, Mono<HttpResponse> original, Object caller) {
      this.req = req;
      this.url = url;
      this.port = port;
      this.original = original;
      this.caller = caller;
    }

    @Override
    public void subscribe(CoreSubscriber<? super HttpResponse> actual) {
      start(req, url, port, original, caller, actual);
    }
  }

  private static void start(
      HttpRequest req,
      URL url,
      int port,
      Mono<HttpResponse> original,
      Object caller,
      CoreSubscriber<? super HttpResponse> actual) {
    Object handle;
    try {
      handle =
          Warden.requestStarting(
              "azure-core",
              req.getHttpMethod().name(),
              withoutQuery(url),
              url.getHost(),
              port,
              url.getPath(),
              requestHeaders(req.getHeaders()),
              bodyBytes(req),
              caller);
    } catch (PolicyDeniedException denied) {
      Operators.error(actual, denied); // as Mono.error(denied) would signal it
      return;
    } catch (Throwable t) {
      Warden.hookError("azure-core.request", t);
      original.subscribe(actual);
      return;
    }
    if (handle == null) {
      original.subscribe(actual);
      return;
    }
    HandledMono.subscribe(original, new ObservingSubscriber(actual, handle));
  }

  private static HttpResponse observe(Object handle, HttpResponse response) {
    try {
      HttpHeaders responseHeaders = response.getHeaders();
      String contentType = responseHeaders.getValue(HttpHeaderName.CONTENT_TYPE);
      boolean stream = ObservedBody.isEventStream(contentType);
      // A stream's call is marked started here (by ObservedBody), before the application reads.
      return new ObservedHttpResponse(
          response, handle, stream, response.getStatusCode(), headers(responseHeaders));
    } catch (Throwable t) {
      Warden.hookError("azure-core.response", t);
      Warden.failed(handle, t);
      return response;
    }
  }

  /**
   * {@code sendSync}: returns null (not an AI call, or an outer hook has it), the call handle
   * (this thread is then marked {@linkplain Warden#enterHandled() handled} until {@link
   * #onSyncResponse}), or, for a denied call, the {@link UncheckedIOException} the advice throws:
   * what azure-core's own {@code sendSync} throws for an {@code IOException}, here wrapping the
   * {@link PolicyDeniedException}.
   */
  public static Object onSendSync(Object request) {
    try {
      HttpRequest req = (HttpRequest) request;
      URL url = req.getUrl();
      int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
      if (!Warden.isAiCall(url.getHost(), port, url.getPath()) || Warden.handledOutside()) {
        return null;
      }
      Object handle;
      try {
        handle =
            Warden.requestStarting(
                "azure-core",
                req.getHttpMethod().name(),
                withoutQuery(url),
                url.getHost(),
                port,
                url.getPath(),
                requestHeaders(req.getHeaders()),
                bodyBytes(req),
                pipelineCaller(url));
      } catch (PolicyDeniedException denied) {
        return new UncheckedIOException(denied.getMessage(), denied);
      }
      if (handle != null) {
        Warden.enterHandled();
      }
      return handle;
    } catch (Throwable t) {
      Warden.hookError("azure-core.sendSync", t);
      return null;
    }
  }

  /**
   * Woven before {@code HttpPipeline.sendSync(request, context)}. The caller walk is the dearest
   * part of an azure call on Java 17 (each frame down to the application's costs a frame object
   * and the VM resolving its method): from the HTTP client's {@code sendSync} the
   * application's frame is some 36 frames down, from the pipeline's some 14. So for an AI request
   * the caller is found here and kept for this thread ({@link Warden#keepCaller}, as openai-java's
   * hook keeps its caller for OkHttp), and {@link #onSendSync} takes it for the same request (same
   * host, port and path on this thread while the pipeline runs: retries included) instead of
   * walking again.
   *
   * <p>The answer is the same as a walk from the client's {@code sendSync}: only when every
   * policy of the pipeline and its HTTP client are azure's own classes (whose frames the caller
   * walk skips) does the pipeline look; a pipeline with a policy or client of the application's
   * (whose frame would be the caller) is left to the walk at the client, as before.
   *
   * @return a token for {@link #exitPipeline}, or null when nothing was kept
   */
  public static Object enterPipeline(Object pipeline, Object request) {
    try {
      URL url = ((HttpRequest) request).getUrl();
      if (url == null || !ownFrames((HttpPipeline) pipeline)) {
        return null;
      }
      int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
      if (!Warden.isAiCall(url.getHost(), port, url.getPath())) {
        return null;
      }
      Object caller = Warden.captureCaller();
      if (caller == null) {
        return null; // no application frame (or no core): the client's walk answers as before
      }
      return Warden.keepCaller(url.getHost(), port, url.getPath(), caller);
    } catch (Throwable t) {
      Warden.hookError("azure-core.pipeline", t);
      return null;
    }
  }

  /** Woven where {@code HttpPipeline.sendSync} returns or throws: puts back what was kept before. */
  public static void exitPipeline(Object token) {
    Warden.restoreCaller(token);
  }

  /** The caller {@link #enterPipeline} found on this thread for the request to {@code url}, or null. */
  static Object pipelineCaller(URL url) {
    String path = url.getPath();
    int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
    return Warden.keptCaller(url.getHost(), port, path, 0, path.length());
  }

  /**
   * True when the pipeline's policies and HTTP client are all azure's own classes: the frames
   * between its {@code sendSync} and the client's are then ones the caller walk skips.
   */
  static boolean ownFrames(HttpPipeline pipeline) {
    if (!isAzure(pipeline.getHttpClient())) {
      return false;
    }
    for (int i = 0, n = pipeline.getPolicyCount(); i < n; i++) {
      if (!isAzure(pipeline.getPolicy(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAzure(Object o) {
    return o != null && o.getClass().getName().startsWith("com.azure.");
  }

  /**
   * Woven before {@code sendSync}: the call's handle (null when not an AI call); a denial is
   * thrown as the {@code UncheckedIOException} {@link #onSendSync} made, and the client never runs.
   */
  public static Object enterSendSync(Object request) {
    Object handle = onSendSync(request);
    if (handle instanceof RuntimeException) {
      throw (RuntimeException) handle;
    }
    return handle;
  }

  /** Woven before {@code sendSync} returns: the response the application gets. Never throws. */
  public static Object exitSendSync(Object handle, Object response) {
    if (handle == null) {
      return response;
    }
    try {
      return onSyncResponse(handle, response, null);
    } catch (Throwable t) {
      Warden.hookError("azure-core.sendSync", t);
      return response;
    }
  }

  /** Woven where {@code sendSync} throws: ends the call, returns what to throw. Never throws. */
  public static Throwable sendSyncThrown(Object handle, Throwable thrown) {
    if (handle != null) {
      try {
        onSyncResponse(handle, null, thrown);
      } catch (Throwable t) {
        Warden.hookError("azure-core.sendSync", t);
      }
    }
    return thrown;
  }

  /**
   * Woven before {@code RetryPolicy.shouldRetryException} returns: never retry a policy denial
   * (azure-core retries every other exception).
   */
  public static boolean retry(Object throwable, boolean retry) {
    return retry && !(throwable instanceof Throwable && PolicyDeniedException.isDenial((Throwable) throwable));
  }

  /** Ends {@link #onSendSync}'s mark and observes the response. Never throws. */
  public static Object onSyncResponse(Object handle, Object response, Throwable thrown) {
    Warden.exitHandled();
    if (thrown != null || response == null) {
      Warden.failed(handle, thrown);
      return response;
    }
    return observe(handle, (HttpResponse) response);
  }

  /**
   * The client's own {@code Mono}, subscribed with this thread marked {@linkplain
   * Warden#enterHandled() handled}: an inner client that starts its exchange on the subscribing
   * thread (OkHttp's {@code enqueue}, the JDK's {@code sendAsync}) sees that azure-core has it;
   * one that runs it on an event loop (Reactor Netty) finds {@link Warden#HANDLED_CONTEXT_KEY}
   * in the subscription's Reactor context ({@link HandledSubscriber}: what {@code
   * contextWrite} would do, with one object per subscription instead of four).
   */
  static final class HandledMono extends Mono<HttpResponse> {
    private final Mono<HttpResponse> source;

    HandledMono(Mono<HttpResponse> source) {
      this.source = source;
    }

    @Override
    public void subscribe(CoreSubscriber<? super HttpResponse> actual) {
      subscribe(source, new HandledSubscriber(actual));
    }

    /** Subscribes {@code handled} to {@code source} with this thread marked handled. */
    static void subscribe(Mono<HttpResponse> source, HandledSubscriber handled) {
      Warden.enterHandled();
      try {
        source.subscribe(handled);
      } finally {
        Warden.exitHandled();
      }
    }
  }

  /**
   * Passes every signal on unchanged; its context is the subscriber's with {@link
   * Warden#HANDLED_CONTEXT_KEY} added (a constant when the subscriber's is empty, as {@code
   * block()}'s is).
   */
  static class HandledSubscriber extends Relay<HttpResponse> {
    private static final Context HANDLED = Context.of(Warden.HANDLED_CONTEXT_KEY, Boolean.TRUE);
    /** Made at the first ask: a subscription's context does not change (immutable, so racing is harmless). */
    private Context context;

    HandledSubscriber(CoreSubscriber<? super HttpResponse> actual) {
      super(actual);
    }

    @Override
    public Context currentContext() {
      Context c = context;
      if (c == null) {
        Context downstream = actual.currentContext();
        c = downstream.isEmpty() ? HANDLED : downstream.put(Warden.HANDLED_CONTEXT_KEY, Boolean.TRUE);
        context = c;
      }
      return c;
    }
  }

  /**
   * An asynchronous AI call's subscriber to the client's {@code Mono}: marks the context handled,
   * hands on the response observed ({@link #observe}), and ends the call as failed on an error or
   * a cancellation before passing those on.
   */
  static final class ObservingSubscriber extends HandledSubscriber {
    private final Object handle;

    ObservingSubscriber(CoreSubscriber<? super HttpResponse> actual, Object handle) {
      super(actual);
      this.handle = handle;
    }

    @Override
    public void onNext(HttpResponse response) {
      actual.onNext(observe(handle, response));
    }

    @Override
    public void onError(Throwable error) {
      Warden.failed(handle, error);
      actual.onError(error);
    }

    @Override
    public void cancel() {
      Warden.failed(handle, null);
      super.cancel();
    }
  }

  /**
   * The headers ai-warden reads ({@link ObservedBody#isInspectedHeader}), flattened in their order:
   * azure-ai-openai sends about ten, of which the core reads two or three.
   */
  static String[] headers(HttpHeaders headers) {
    int kept = 0;
    for (HttpHeader h : headers) {
      if (ObservedBody.isInspectedHeader(h.getName())) {
        kept++;
      }
    }
    String[] flat = new String[kept * 2];
    int i = 0;
    for (HttpHeader h : headers) {
      if (i + 1 >= flat.length) {
        break;
      }
      if (ObservedBody.isInspectedHeader(h.getName())) {
        flat[i++] = h.getName();
        flat[i++] = h.getValue();
      }
    }
    return flat;
  }

  /**
   * A request's headers for the core: the key's ({@code api-key}, {@code Authorization}), {@code
   * Content-Type} and {@code Content-Encoding}, looked up by name (the core reads no other of a
   * request: not {@code Content-Length}). The same array as the last request's when they are the
   * same values (same key, same type): the core only reads it. One entry, replaced whole.
   */
  static String[] requestHeaders(HttpHeaders headers) {
    String key = headers.getValue(API_KEY);
    String authorization = headers.getValue(HttpHeaderName.AUTHORIZATION);
    String type = headers.getValue(HttpHeaderName.CONTENT_TYPE);
    String coding = headers.getValue(HttpHeaderName.CONTENT_ENCODING);
    String[] last = lastRequestHeaders;
    if (last != null) {
      int at = match(last, 0, "api-key", key);
      at = match(last, at, "Authorization", authorization);
      at = match(last, at, "Content-Type", type);
      at = match(last, at, "Content-Encoding", coding);
      if (at == last.length) {
        return last;
      }
    }
    int kept = (key == null ? 0 : 1) + (authorization == null ? 0 : 1) + (type == null ? 0 : 1)
        + (coding == null ? 0 : 1);
    String[] flat = new String[kept * 2];
    int at = put(flat, 0, "api-key", key);
    at = put(flat, at, "Authorization", authorization);
    at = put(flat, at, "Content-Type", type);
    put(flat, at, "Content-Encoding", coding);
    lastRequestHeaders = flat;
    return flat;
  }

  /** Where the pair after {@code name: value} is in {@code last} (-1: not the same headers). */
  private static int match(String[] last, int at, String name, String value) {
    if (value == null || at < 0) {
      return at;
    }
    return at + 1 < last.length && name.equals(last[at]) && value.equals(last[at + 1]) ? at + 2 : -1;
  }

  private static int put(String[] flat, int at, String name, String value) {
    if (value == null) {
      return at;
    }
    flat[at] = name;
    flat[at + 1] = value;
    return at + 2;
  }

  private static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");

  /** The last {@link #requestHeaders}, never changed once published. */
  private static volatile String[] lastRequestHeaders;

  /**
   * The last AI call's URL up to its query ({@code [3]}), and the protocol, authority and path it
   * was made of: an Azure SDK builds a new {@link URL} per request, and {@code URL.toString()}
   * costs some 700 bytes each time. One entry, replaced whole (no lock).
   */
  private static volatile String[] lastUrl;

  /** {@code url.toString()} without its query: what the core keeps of it. */
  static String withoutQuery(URL url) {
    String protocol = url.getProtocol();
    boolean plain = url.getRef() == null && ("https".equals(protocol) || "http".equals(protocol));
    if (plain) {
      String[] last = lastUrl;
      if (last != null
          && url.getPath().equals(last[2])
          && java.util.Objects.equals(url.getAuthority(), last[1])
          && protocol.equals(last[0])) {
        return last[3];
      }
    }
    String text = url.toString();
    int q = text.indexOf('?');
    if (q >= 0) {
      text = text.substring(0, q);
    }
    if (plain) {
      lastUrl = new String[] {protocol, url.getAuthority(), url.getPath(), text};
    }
    return text;
  }

  /** The request body's bytes when it can be read twice (azure-ai-openai's JSON bodies can). */
  private static byte[] bodyBytes(HttpRequest req) {
    BinaryData body = req.getBodyAsBinaryData();
    if (body == null || !body.isReplayable()) {
      return null;
    }
    return body.toBytes();
  }
}
