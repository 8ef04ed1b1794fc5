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
import dev.aiwarden.hook.TestCores;
import dev.aiwarden.hook.Allocations;
import dev.aiwarden.hook.QuietCore;
import dev.aiwarden.classify.EndpointClassifier;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
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

/** The OkHttp adapter without a client: its cheap checks, how much of a body it copies, and a body that breaks off. */
class OkHttp4AdapterTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String[] SEGMENTS = {
    "v1", "openai", "deployments", "d", "chat", "completions", "embeddings", "images", "generations",
    "edits", "variations", "responses", "audio", "speech", "transcriptions", "translations", "usage",
    "models", "ping", "api", "x", "", "s", "h",
  };

  @Test
  void thePathPrefilterNeverHidesAnAiCall() {
    Random r = new Random(3);
    String[] hosts = {"api.openai.com", "myres.openai.azure.com", "localhost", "example.com"};
    int ai = 0;
    for (int i = 0; i < 20000; i++) {
      StringBuilder path = new StringBuilder();
      int n = 1 + r.nextInt(5);
      for (int s = 0; s < n; s++) {
        path.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
      }
      if (r.nextBoolean()) {
        path.append('/');
      }
      String suffix = r.nextInt(3) == 0 ? "?api-version=2025-01-01" : r.nextInt(4) == 0 ? "#f" : "";
      String host = hosts[r.nextInt(hosts.length)];
      String url = "https://" + host + ":8443" + path + suffix;
      boolean classified = EndpointClassifier.classify(host, 8443, path + suffix) != null;
      // The path the adapter hands over by offsets is exactly OkHttp's encodedPath(), and is
      // classified the same.
      okhttp3.HttpUrl parsed = okhttp3.HttpUrl.get(url);
      String text = parsed.toString();
      int start = OkHttp4Adapter.pathStart(parsed, text);
      int end = OkHttp4Adapter.pathEnd(text, start);
      assertThat(text.substring(start, end)).as(url).isEqualTo(parsed.encodedPath());
      assertThat(EndpointClassifier.classify(host, 8443, text, start, end))
          .as(url)
          .usingRecursiveComparison()
          .isEqualTo(EndpointClassifier.classify(host, 8443, parsed.encodedPath()));
      if (classified) {
        ai++;
        assertThat(OkHttp4Adapter.mayBeAiPath(url)).as(url).isTrue();
      }
    }
    assertThat(ai).isGreaterThan(100);
    assertThat(OkHttp4Adapter.mayBeAiPath("http://127.0.0.1:8080/ping")).isFalse();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://127.0.0.1:8080/")).isFalse();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://h/v1/chat/completions?x=1#y")).isTrue();
    assertThat(OkHttp4Adapter.mayBeAiPath("http://h/v1/audio/speech/")).isTrue();
  }

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
        json(
            OkHttp4Adapter.MAX_INSPECTED_BODY + 1,
            sink -> {
              throw new AssertionError("the adapter must not write a body it will not inspect");
            });
    assertThat(OkHttp4Adapter.bodyBytes(huge)).isNull();
    assertThat(OkHttp4Adapter.bodyBytes(null)).isNull();
  }

  /** A body that breaks off after a few bytes, as when the server closes the connection mid-body. */
  @Test
  void aResponseBodyThatBreaksOffEndsTheCallAsFailedAndTheApplicationSeesTheSameException() {
    WardenHooks core = TestCores.mock();
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

  /** A streamed body of unknown length is copied only up to the inspection limit, then left alone. */
  @Test
  void aBodyOfUnknownLengthOverTheLimitIsNotInspected() throws Exception {
    long[] written = {0};
    RequestBody streamed =
        json(
            -1,
            sink -> {
              byte[] chunk = new byte[64 * 1024];
              for (long i = 0; i < 2 * OkHttp4Adapter.MAX_INSPECTED_BODY; i += chunk.length) {
                sink.write(chunk);
                written[0] += chunk.length;
              }
            });
    assertThat(OkHttp4Adapter.bodyBytes(streamed)).isNull();
    assertThat(written[0]).isLessThanOrEqualTo(OkHttp4Adapter.MAX_INSPECTED_BODY + 64 * 1024);
  }

  /** A call whose path cannot be an AI operation costs nothing but a look at its URL. */
  @Test
  void aCallThatIsNotAnAiCallAllocatesNothing() throws Exception {
    Warden.install(new QuietCore(false));
    try {
      okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
      okhttp3.Call ping = client.newCall(new Request.Builder().url("http://127.0.0.1:8080/ping").build());
      okhttp3.Call elsewhere =
          client.newCall(new Request.Builder().url("https://example.com/v1/chat/completions").build());
      assertThat(Allocations.perRun(1000, () -> OkHttp4Adapter.onRequest(ping))).isZero();
      // An AI-like path on another host: classified by offsets into the URL's text, no path
      // string (OkHttp's encodedPath() made one, 64 bytes, on every call).
      assertThat(Allocations.perRun(1000, () -> OkHttp4Adapter.onRequest(elsewhere))).isZero();
      assertThat(OkHttp4Adapter.onRequest(elsewhere)).isNull();
    } finally {
      Warden.install(null);
    }
  }

  /**
   * openai-java writes its cached JSON as one array of the announced length, and so does {@code
   * RequestBody.create(byte[])}: that array is inspected as it is, without a copy (and never
   * through okio segments). Written in pieces, a body is copied once.
   */
  @Test
  void aBodyWrittenAsOneWholeArrayIsNotCopied() throws Exception {
    byte[] content = new byte[4 * 1024 * 1024];
    new Random(1).nextBytes(content);
    RequestBody writtenWhole =
        json(
            content.length,
            sink -> {
              sink.outputStream().write(content);
            });
    assertThat(OkHttp4Adapter.bodyBytes(writtenWhole)).isSameAs(content);
    assertThat(Allocations.perRun(5, () -> OkHttp4Adapter.bodyBytes(writtenWhole))).isLessThan(1024L);
    assertThat(OkHttp4Adapter.bodyBytes(RequestBody.create(content, JSON))).isSameAs(content);
    RequestBody inPieces =
        json(
            content.length,
            sink -> {
              sink.write(content, 0, 1000);
              sink.outputStream().write(content, 1000, content.length - 1000);
            });
    assertThat(OkHttp4Adapter.bodyBytes(inPieces)).isEqualTo(content);
    assertThat(Allocations.perRun(5, () -> OkHttp4Adapter.bodyBytes(inPieces)))
        .isLessThan(content.length + 1024L);
  }

  /** A body that writes more than it announced after a whole array: copied after all, in order. */
  @Test
  void aBodyThatGoesOnAfterAWholeArrayIsCopiedInOrder() throws Exception {
    byte[] head = "{\"a\":1".getBytes(StandardCharsets.UTF_8);
    RequestBody longer =
        json(
            head.length,
            sink -> {
              sink.write(head);
              sink.writeUtf8("}");
            });
    byte[] got = OkHttp4Adapter.bodyBytes(longer);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(got).isNotSameAs(head);
    assertThat(head).isEqualTo("{\"a\":1".getBytes(StandardCharsets.UTF_8));
  }

  /** Every way a body can write to its sink ends up in the copy, in order. */
  @Test
  void everyKindOfWriteReachesTheCopyInOrder() throws Exception {
    RequestBody mixed =
        json(
            -1,
            sink -> {
              sink.writeUtf8("{\"a\":");
              sink.writeDecimalLong(42);
              sink.writeByte(',');
              sink.write(okio.ByteString.encodeUtf8("\"b\":\"é\""));
              sink.getBuffer().writeUtf8(",\"c\":"); // straight into its buffer, emitted later
              sink.emitCompleteSegments();
              sink.write("[1]".getBytes(StandardCharsets.UTF_8));
              sink.write(new Buffer().writeUtf8(",\"d\":true"), 9);
              sink.writeUtf8CodePoint('}');
              sink.outputStream().write('\n');
            });
    assertThat(new String(OkHttp4Adapter.bodyBytes(mixed), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":42,\"b\":\"é\",\"c\":[1],\"d\":true}\n");
  }

  /** A large JSON response is not read ahead: it is seen as the application reads it, once. */
  @Test
  void aLargeJsonResponseIsSeenAsTheApplicationReadsIt() throws Exception {
    WardenHooks core = TestCores.mock();
    Warden.install(core);
    try {
      byte[] content = new byte[(int) OkHttp4Adapter.MAX_PEEKED_BODY * 3 + 7];
      java.util.Arrays.fill(content, (byte) 'x');
      Buffer source = new Buffer().write(content);
      Response response = jsonResponse(source, content.length);
      Response seen = (Response) OkHttp4Adapter.onResponse("call-2", response, null);
      assertThat(source.size()).as("nothing read ahead").isEqualTo(content.length);
      verify(core, never()).responseReceived(any(), org.mockito.ArgumentMatchers.anyInt(), any(), any());
      assertThat(seen.body().bytes()).isEqualTo(content);
      seen.close();
      org.mockito.ArgumentCaptor<byte[]> body = org.mockito.ArgumentCaptor.forClass(byte[].class);
      verify(core).responseReceived(eq("call-2"), eq(200), any(), body.capture());
      assertThat(body.getValue()).isEqualTo(content);
    } finally {
      Warden.install(null);
    }
  }

  /**
   * A small JSON response is read for inspection from the thread's spare array, not a new one: the
   * core sees exactly each body (a shorter one after a longer one included), the application still
   * reads all of it, and the spare holds nothing of it afterwards.
   */
  @Test
  void aSmallResponseIsInspectedInTheThreadsSpareArrayAndNotKept() throws Exception {
    java.util.List<String> seen = new java.util.ArrayList<>();
    byte[][] arrays = new byte[2][];
    QuietCore recorder =
        new QuietCore(true) {
          @Override
          public void responseReceived(
              Object call, int status, String[] headers, byte[] body, int offset, int length) {
            seen.add(new String(body, offset, length, StandardCharsets.UTF_8));
            arrays[seen.size() - 1] = body;
          }
        };
    Warden.install(recorder);
    try {
      String longer = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[]}";
      String shorter = "{\"id\":\"chatcmpl-2\"}";
      Response first = jsonResponse(longer);
      Response second = jsonResponse(shorter);
      OkHttp4Adapter.onResponse(QuietCore.CALL, first, null);
      OkHttp4Adapter.onResponse(QuietCore.CALL, second, null);
      assertThat(seen).containsExactly(longer, shorter);
      assertThat(arrays[1]).as("the same spare array").isSameAs(arrays[0]);
      assertThat(arrays[0]).as("cleared after the call").containsOnly((byte) 0);
      assertThat(first.body().string()).isEqualTo(longer);
      assertThat(second.body().string()).isEqualTo(shorter);

      Warden.install(new QuietCore(true));
      Response again = jsonResponse(longer);
      assertThat(Allocations.perRun(20_000, () -> OkHttp4Adapter.onResponse(QuietCore.CALL, again, null)))
          .as("no copy of the body: the header array and the copy's stream only")
          .isLessThan(128);
    } finally {
      Warden.install(null);
    }
  }

  /** The request's headers reduced to the ones the core reads, in order, and the body's type. */
  @Test
  void onlyTheHeadersTheCoreReadsAreHandedOver() {
    okhttp3.Headers headers =
        new okhttp3.Headers.Builder()
            .add("X-Stainless-Lang", "java")
            .add("Authorization", "Bearer k")
            .add("Accept", "application/json")
            .add("api-key", "a")
            .add("Content-Encoding", "gzip")
            .add("User-Agent", "x")
            .build();
    assertThat(OkHttp4Adapter.headers(headers, JSON))
        .containsExactly(
            "Authorization", "Bearer k", "api-key", "a", "Content-Encoding", "gzip",
            "Content-Type", JSON.toString());
    assertThat(OkHttp4Adapter.headers(okhttp3.Headers.of("Accept", "*/*"), null)).isEmpty();
  }

  private static Response jsonResponse(String json) {
    byte[] content = json.getBytes(StandardCharsets.UTF_8);
    return jsonResponse(new Buffer().write(content), content.length);
  }

  /** A 200 JSON chat response whose body is read from {@code source}. */
  private static Response jsonResponse(Buffer source, long length) {
    return new Response.Builder()
        .request(new Request.Builder().url("https://api.openai.com/v1/chat/completions").build())
        .protocol(Protocol.HTTP_1_1)
        .code(200)
        .message("OK")
        .header("Content-Type", "application/json")
        .header("Content-Length", "" + length)
        .body(ResponseBody.create(source, JSON, length))
        .build();
  }

  /** A JSON request body of the given length (-1: unknown) written by {@code writer}. */
  private static RequestBody json(long length, Writer writer) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return JSON;
      }

      @Override
      public long contentLength() {
        return length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        writer.writeTo(sink);
      }
    };
  }

  /** What a request body writes. */
  private interface Writer {
    void writeTo(BufferedSink sink) throws IOException;
  }
}
