package dev.aiwarden.examples.benchmarks;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.openai.aiwardenbench.CoreRequest;
import com.openai.aiwardenbench.SdkFrames;
import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.examples.server.LocalAiServer;
import dev.aiwarden.examples.server.Options;
import dev.aiwarden.hook.azurecore.AzureCoreAdapter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The agent's whole work on one allowed azure-ai-openai chat call (the 2 KB prompt of {@link
 * Worker}), measured in process with no agent, like {@link AiCallBench} for openai-java.
 *
 * <p>At set-up, azure-ai-openai 1.0.0-beta.16 really makes the call, through an azure-core {@link
 * HttpClient} of this class that keeps the {@link HttpRequest} the SDK hands it (URL, headers with
 * the {@code api-key}, body), counts the frames between the application's {@code
 * getChatCompletions} and its {@code sendSync} (where the azure-core hook runs), and replays the
 * request to the local server (plain HTTP, Azure host name in {@code Host}) for the real answer
 * (status, headers, body).
 *
 * <ul>
 *   <li>{@link #azureChat}: what AzureCoreHook's advice does for that call on azure-core's default
 *       Netty client, whose {@code sendSync} is {@code send(...).block()}: {@code enterPipeline}
 *       (the caller, found at {@code HttpPipeline.sendSync}, as deep as there), {@code onSendSync}
 *       (request side and core), the {@code send} advice's {@code wrapSend} on the client's {@code
 *       Mono} (the thread is marked: only the handled-mark wrapper), that {@code Mono} blocked on,
 *       {@code onSyncResponse} (the observed response), then the SDK's reading of the body ({@code
 *       getBodyAsBinaryData().toBytes()}) and {@code close()}. The client's own {@code Mono} is an
 *       in-memory response's, so {@code block()} on it (tens of bytes) is counted too.
 *   <li>{@link #coreChat}: Warden's core alone on the same call, {@code requestStarting} + {@code
 *       responseReceived}.
 * </ul>
 *
 * Both run under as many stand-in frames ({@link SdkFrames}) as azure-ai-openai and azure-core
 * really put between the application and the hook.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class AzureCallBench {
  @Param({"default", "full"})
  public String policy;

  static final String ENDPOINT = "https://myres.openai.azure.com";
  static final String DEPLOYMENT = "my-gpt4o-deployment";

  private static final String DENIED = "the azure chat call was denied while measuring";

  private HttpRequest request;
  private BytesResponse response;
  private int depth;
  private int pipelineDepth;
  private HttpPipeline pipeline;
  private CoreRequest coreRequest;
  private String[] responseHeaders;
  private PrintStream stderr;

  /** The key of the calls (its fingerprint is one the full policy allows). */
  private String azureKey;

  @Setup
  public void setUp() throws Exception {
    // The suite passes its key (the full policy allows its fingerprint); run alone, one of our own.
    String key = System.getenv("AZURE_OPENAI_API_KEY");
    if (key == null || key.isEmpty()) {
      key = new java.math.BigInteger(128, new SecureRandom()).toString(16);
    }
    Capture capture = Capture.call(key);
    request = capture.request;
    response = capture.response;
    depth = capture.depth;
    pipelineDepth = capture.pipelineDepth;
    pipeline = capture.ownClientPipeline();
    azureKey = key;
    InstalledCore.install(InstalledCore.policy(policy, System.getenv("OPENAI_API_KEY"), key));
    stderr = InstalledCore.quietStandardError();

    URL url = request.getUrl();
    coreRequest = new CoreRequest("azure-core", url.toString(), url.getHost(), 443, url.getPath(),
        flat(request.getHeaders()), request.getBodyAsBinaryData().toBytes());
    responseHeaders = flat(response.getHeaders());
    Object token = SdkFrames.call(pipelineDepth, AzureCoreAdapter::enterPipeline, pipeline, request);
    if (token == null) {
      throw new IllegalStateException("the azure-core hook did not find the caller at HttpPipeline.sendSync");
    }
    AzureCoreAdapter.exitPipeline(token);
    if (!(SdkFrames.call(depth, coreRequest, null) instanceof AiCall)
        || !(AzureCoreAdapter.onSendSync(request) instanceof AiCall)) {
      throw new IllegalStateException("the benchmark's azure chat call is not an allowed AI call (policy " + policy
          + ")");
    }
    Warden.exitHandled();
  }

  /**
   * With the full policy, a fresh policy store before each iteration: at over 100 000 calls a
   * second the agent's own work passes the full policy's {@code limits.requests_per_minute} (a
   * million, the most the validator allows) within one fork, and the limit would start denying the
   * measured calls. A new store's limits start empty; everything else about the policy is the same.
   */
  @Setup(Level.Iteration)
  public void freshLimits() throws Exception {
    if (policy.equals("full")) {
      InstalledCore.install(InstalledCore.policy(policy, System.getenv("OPENAI_API_KEY"), azureKey));
    }
  }

  @TearDown
  public void tearDown() {
    System.setErr(stderr);
  }

  /**
   * What AzureCoreHook weaves into an azure-ai-openai chat over Netty: {@code enterSendSync} (=
   * {@code onSendSync}, a denial thrown) and {@code exitSendSync} around {@code sendSync}, and
   * {@code wrapSend} on the {@code Mono} that {@code send} returns inside it.
   */
  @Benchmark
  public Object azureChat() {
    // HttpPipeline.sendSync's advice finds the caller, as deep down as in the SDK's call; the
    // client's sendSync (deeper still) then takes it. Its exit advice ends that.
    Object token = SdkFrames.call(pipelineDepth, AzureCoreAdapter::enterPipeline, pipeline, request);
    Object handle;
    try {
      handle = SdkFrames.call(depth, AzureCoreAdapter::onSendSync, request);
    } finally {
      AzureCoreAdapter.exitPipeline(token);
    }
    if (handle instanceof RuntimeException) {
      throw new IllegalStateException(DENIED, (RuntimeException) handle);
    }
    // Netty's sendSync: send(request, context).block(), with the send advice's wrapper.
    @SuppressWarnings("unchecked")
    Mono<HttpResponse> sent = (Mono<HttpResponse>) AzureCoreAdapter.wrapSend(request, Mono.just(response));
    HttpResponse observed = (HttpResponse) AzureCoreAdapter.exitSendSync(handle, sent.block());
    byte[] body = observed.getBodyAsBinaryData().toBytes();
    observed.close();
    return body;
  }

  /** Warden's core alone on the same call: requestStarting + responseReceived. */
  @Benchmark
  public Object coreChat() {
    Object handle = SdkFrames.call(depth, coreRequest, null);
    if (handle instanceof PolicyDeniedException) {
      throw new IllegalStateException(DENIED, (PolicyDeniedException) handle);
    }
    Warden.responseReceived(handle, response.getStatusCode(), responseHeaders, response.body);
    return handle;
  }

  private static String[] flat(HttpHeaders headers) {
    List<String> flat = new ArrayList<>();
    for (HttpHeader h : headers) {
      flat.add(h.getName());
      flat.add(h.getValue());
    }
    return flat.toArray(new String[0]);
  }

  /**
   * One real azure-ai-openai chat call, its request kept as the SDK hands it to the HTTP client,
   * answered by the local server.
   */
  static final class Capture implements HttpClient {
    private final OkHttpClient ok = new OkHttpClient();
    private final String server;
    HttpRequest request;
    BytesResponse response;
    int depth;
    int pipelineDepth;
    List<HttpPipelinePolicy> policies;

    private Capture(String server) {
      this.server = server;
    }

    static Capture call(String key) throws IOException {
      try (LocalAiServer local =
          LocalAiServer.start(new Options().httpsPort(Options.DISABLED).validKeys(key).maxRecordedRequests(1))) {
        Capture capture = new Capture(local.httpUrl());
        try {
          OpenAIClient azure = new OpenAIClientBuilder().endpoint(ENDPOINT).credential(new AzureKeyCredential(key))
              .httpClient(capture).retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)))
              .buildClient();
          capture.policies = policies(azure);
          List<ChatRequestMessage> messages = List.of(new ChatRequestSystemMessage("You are a concise assistant."),
              new ChatRequestUserMessage(Worker.PROMPT_2K));
          application(azure, messages);
        } finally {
          capture.ok.dispatcher().executorService().shutdown();
          capture.ok.connectionPool().evictAll();
        }
        if (capture.response == null || capture.response.getStatusCode() != 200) {
          throw new IllegalStateException("the local server did not answer the azure chat call with 200");
        }
        return capture;
      }
    }

    /**
     * The SDK's pipeline (its policies, in order) over azure-core's default (Netty) client, which
     * is never called: what {@code HttpPipeline.sendSync}'s advice looks at.
     */
    HttpPipeline ownClientPipeline() {
      return new HttpPipelineBuilder().policies(policies.toArray(new HttpPipelinePolicy[0]))
          .httpClient(HttpClient.createDefault()).build();
    }

    /** The policies of the client's pipeline (azure-ai-openai's own field and getter). */
    private static List<HttpPipelinePolicy> policies(OpenAIClient client) {
      try {
        java.lang.reflect.Field f = OpenAIClient.class.getDeclaredField("serviceClient");
        f.setAccessible(true);
        HttpPipeline sdk = ((com.azure.ai.openai.implementation.OpenAIClientImpl) f.get(client)).getHttpPipeline();
        List<HttpPipelinePolicy> all = new ArrayList<>();
        for (int i = 0; i < sdk.getPolicyCount(); i++) {
          all.add(sdk.getPolicy(i));
        }
        return all;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read azure-ai-openai's pipeline", e);
      }
    }

    /** The application's call, as in {@link Worker}: its frame ends the count of SDK frames. */
    private static void application(OpenAIClient azure, List<ChatRequestMessage> messages) {
      azure.getChatCompletions(DEPLOYMENT,
          new ChatCompletionsOptions(messages).setMaxTokens(64).setTemperature(0.2).setUser("user-4711"));
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
      return Mono.fromCallable(() -> sendSync(request, Context.NONE));
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
      // Frames from here (the hooked method) to the application's frame, both excluded.
      List<String> frames = StackWalker.getInstance().walk(s -> s.takeWhile(
          f -> !(f.getClassName().equals(Capture.class.getName()) && f.getMethodName().equals("application")))
          .map(f -> f.getClassName() + "." + f.getMethodName()).collect(java.util.stream.Collectors.toList()));
      depth = frames.size() - 1;
      // Frames from HttpPipeline.sendSync (where the hook finds the caller) to the application's.
      pipelineDepth = frames.size() - frames.indexOf(HttpPipeline.class.getName() + ".sendSync") - 1;
      this.request = request;
      try {
        Request.Builder replay = new Request.Builder().url(server + request.getUrl().getFile());
        for (HttpHeader h : request.getHeaders()) {
          if (!h.getName().equalsIgnoreCase("Content-Length")) {
            replay.header(h.getName(), h.getValue());
          }
        }
        replay.header("Host", request.getUrl().getHost());
        byte[] body = request.getBodyAsBinaryData().toBytes();
        replay.method(request.getHttpMethod().name(),
            RequestBody.create(body, MediaType.get(request.getHeaders().getValue(HttpHeaderName.CONTENT_TYPE))));
        try (Response r = ok.newCall(replay.build()).execute()) {
          HttpHeaders headers = new HttpHeaders();
          for (int i = 0; i < r.headers().size(); i++) {
            headers.add(HttpHeaderName.fromString(r.headers().name(i)), r.headers().value(i));
          }
          response = new BytesResponse(request, r.code(), headers, r.body().bytes());
          return response;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * A complete response in memory, read any number of times, its body replayable as Netty's
   * response's is once it has arrived.
   */
  static final class BytesResponse extends HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    final byte[] body;

    BytesResponse(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
      super(request);
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
      return headers.getValue(name);
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public Flux<ByteBuffer> getBody() {
      return Flux.just(ByteBuffer.wrap(body).asReadOnlyBuffer());
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

    @Override
    public BinaryData getBodyAsBinaryData() {
      return BinaryData.fromBytes(body);
    }
  }
}
