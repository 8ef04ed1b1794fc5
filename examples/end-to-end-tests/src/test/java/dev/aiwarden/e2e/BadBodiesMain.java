package dev.aiwarden.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * Runs in a child JVM, with or without the agent: sends bad request bodies and asks the local
 * server for bad answers ({@code x-test-fault}) through one client, and prints exactly what the
 * application saw, one {@code RESULT} line per case: status, headers that matter, the number and
 * SHA-256 of the bytes it read, or the exception (class and message) and the bytes read before it.
 *
 * <p>Arguments: {@code jdk|okhttp|azure|sdk} (azure: azure-core's default {@code HttpClient},
 * Netty) and the cases. Response cases are the fault modes ({@code
 * truncate}, {@code gzip}, ..., {@code sse-cut}, {@code sse-close}); request cases start {@code req-}.
 * The last line is {@code ALLOCATED <bytes>}: what all live threads allocated (the agent's
 * inspection must stay bounded on a 100 MB body).
 */
public final class BadBodiesMain {
  static final long HUGE = 100L << 20;
  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";
  static final String STREAM =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";

  private static String url;
  private static String key;

  public static void main(String[] args) throws Exception {
    url = System.getenv("OPENAI_BASE_URL") + "/chat/completions";
    key = System.getenv("OPENAI_API_KEY");
    String client = args[0];
    HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    OkHttpClient okhttp = new OkHttpClient();
    OpenAIClient sdk =
        client.equals("sdk")
            ? OpenAIOkHttpClient.builder()
                .baseUrl(System.getenv("OPENAI_BASE_URL"))
                .apiKey(key)
                .maxRetries(0)
                .build()
            : null;
    for (int i = 1; i < args.length; i++) {
      String c = args[i];
      String result;
      switch (client) {
        case "jdk":
          result = jdk(jdk, c);
          break;
        case "okhttp":
          result = okhttp(okhttp, c);
          break;
        case "azure":
          result = azure(c);
          break;
        default:
          result = sdk(sdk, c);
      }
      System.out.println("RESULT " + client + " " + c + " " + result);
    }
    if (sdk != null) {
      sdk.close();
    }
    okhttp.dispatcher().executorService().shutdown();
    okhttp.connectionPool().evictAll();
    System.out.println("ALLOCATED " + allocatedBytes());
  }

  // ------------------------------------------------------------------------ what each case sends

  /** The request body of a case (null: streamed, see {@link #hugeBody}). */
  static byte[] requestBody(String c) throws IOException {
    switch (c) {
      case "req-malformed":
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",,\"content\":}]".getBytes(StandardCharsets.UTF_8);
      case "req-truncated":
        return CHAT.substring(0, CHAT.length() / 2).getBytes(StandardCharsets.UTF_8);
      case "req-gzip":
      case "req-deflate": {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = c.equals("req-gzip") ? new GZIPOutputStream(b) : new DeflaterOutputStream(b)) {
          z.write(CHAT.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
      }
      case "req-binary": {
        byte[] b = new byte[4096];
        new Random(7).nextBytes(b);
        return b;
      }
      case "req-empty":
        return new byte[0];
      case "req-huge":
        return null;
      default:
        return (c.startsWith("sse-") ? STREAM : CHAT).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The header value of {@code x-test-fault} for a case. */
  static String fault(String c) {
    if (c.startsWith("req-")) {
      return "none";
    }
    return c.equals("sse-close") ? "close-mid-body" : c;
  }

  static String contentEncoding(String c) {
    return c.equals("req-gzip") ? "gzip" : c.equals("req-deflate") ? "deflate" : null;
  }

  /** A 100 MiB chat request: valid JSON, generated as it is sent (never held whole). */
  static final byte[] HUGE_HEAD =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);

  static final byte[] HUGE_TAIL = "\"}]}".getBytes(StandardCharsets.UTF_8);

  static long hugeLength() {
    return HUGE_HEAD.length + HUGE + HUGE_TAIL.length;
  }

  static void hugeBody(OutputStream out) throws IOException {
    out.write(HUGE_HEAD);
    byte[] fill = new byte[64 << 10];
    java.util.Arrays.fill(fill, (byte) 'x');
    for (long left = HUGE; left > 0; ) {
      int k = (int) Math.min(fill.length, left);
      out.write(fill, 0, k);
      left -= k;
    }
    out.write(HUGE_TAIL);
  }

  // ------------------------------------------------------------------------ java.net.http

  static String jdk(HttpClient client, String c) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .header("x-test-fault", fault(c));
    if (contentEncoding(c) != null) {
      b.header("Content-Encoding", contentEncoding(c));
    }
    byte[] body = requestBody(c);
    if (body == null) {
      b.POST(HttpRequest.BodyPublishers.ofInputStream(() -> generated()));
    } else {
      b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
    HttpResponse<InputStream> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      return "send " + describe(e);
    }
    String head =
        "status="
            + r.statusCode()
            + " type="
            + r.headers().firstValue("content-type").orElse("-")
            + " encoding="
            + r.headers().firstValue("content-encoding").orElse("-")
            + " sent="
            + r.headers().firstValue("x-test-request-bytes").orElse("-")
            + "/"
            + r.headers().firstValue("x-test-request-sha256").orElse("-");
    return head + " " + drain(r.body());
  }

  /** A pipe fed by a thread: the huge request body as a stream. */
  private static InputStream generated() {
    try {
      java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 16);
      java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
      Thread t =
          new Thread(
              () -> {
                try (OutputStream o = out) {
                  hugeBody(o);
                } catch (IOException e) {
                  // the reader went away
                }
              },
              "huge-body-writer");
      t.setDaemon(true);
      t.start();
      return in;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------ OkHttp

  static String okhttp(OkHttpClient client, String c) throws Exception {
    MediaType json = MediaType.get("application/json");
    byte[] body = requestBody(c);
    RequestBody rb =
        body != null
            ? RequestBody.create(body, json)
            : new RequestBody() {
              @Override
              public MediaType contentType() {
                return json;
              }

              @Override
              public long contentLength() {
                return hugeLength();
              }

              @Override
              public void writeTo(BufferedSink sink) throws IOException {
                hugeBody(sink.outputStream());
              }
            };
    Request.Builder b =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + key)
            .header("x-test-fault", fault(c))
            .post(rb);
    if (contentEncoding(c) != null) {
      b.header("Content-Encoding", contentEncoding(c));
    }
    Response r;
    try {
      r = client.newCall(b.build()).execute();
    } catch (IOException e) {
      return "execute " + describe(e);
    }
    try (Response response = r) {
      String head =
          "status="
              + response.code()
              + " type="
              + response.header("content-type", "-")
              + " encoding="
              + response.header("content-encoding", "-")
              + " sent="
              + response.header("x-test-request-bytes", "-")
              + "/"
              + response.header("x-test-request-sha256", "-");
      return head + " " + drain(response.body().byteStream());
    }
  }

  // ------------------------------------------------------------------------ azure-core

  private static com.azure.core.http.HttpClient azureClient;

  static String azure(String c) throws Exception {
    if (azureClient == null) {
      azureClient = com.azure.core.http.HttpClient.createDefault();
    }
    com.azure.core.http.HttpRequest request =
        new com.azure.core.http.HttpRequest(com.azure.core.http.HttpMethod.POST, url)
            .setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json")
            .setHeader(com.azure.core.http.HttpHeaderName.AUTHORIZATION, "Bearer " + key)
            .setHeader(com.azure.core.http.HttpHeaderName.fromString("x-test-fault"), fault(c))
            .setBody(requestBody(c));
    com.azure.core.http.HttpResponse r;
    try {
      r = azureClient.sendSync(request, com.azure.core.util.Context.NONE);
    } catch (RuntimeException e) {
      return "send " + describe(e);
    }
    try (com.azure.core.http.HttpResponse response = r) {
      String head =
          "status="
              + response.getStatusCode()
              + " type="
              + response.getHeaderValue(com.azure.core.http.HttpHeaderName.CONTENT_TYPE)
              + " encoding="
              + response.getHeaderValue(com.azure.core.http.HttpHeaderName.CONTENT_ENCODING);
      try {
        InputStream in = response.getBodyAsInputStream().block();
        return head + " " + (in == null ? "no body" : drain(in));
      } catch (RuntimeException e) {
        return head + " " + describe(e);
      }
    }
  }

  // ------------------------------------------------------------------------ openai-java

  static String sdk(OpenAIClient client, String c) {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o")
            .addUserMessage("Say something")
            .putAdditionalHeader("x-test-fault", fault(c))
            .build();
    if (c.startsWith("sse-")) {
      StringBuilder text = new StringBuilder();
      int chunks = 0;
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
        for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
          chunks++;
          chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
        }
        return "ok chunks=" + chunks + " text=" + text;
      } catch (RuntimeException e) {
        return "chunks=" + chunks + " text=" + text + " " + describe(e);
      }
    }
    try {
      ChatCompletion completion = client.chat().completions().create(params);
      String content = completion.choices().get(0).message().content().orElse("<none>");
      return "ok content=" + content.length() + ":" + sha(content.getBytes(StandardCharsets.UTF_8))
          + " finish=" + completion.choices().get(0).finishReason();
    } catch (RuntimeException e) {
      return describe(e);
    }
  }

  // ------------------------------------------------------------------------ helpers

  /** Reads to the end: the byte count and SHA-256, or how far it got and how it failed. */
  static String drain(InputStream in) {
    MessageDigest sha = sha256();
    long n = 0;
    byte[] buf = new byte[8192];
    try (InputStream body = in) {
      for (int k; (k = body.read(buf)) >= 0; ) {
        sha.update(buf, 0, k);
        n += k;
      }
      return "read=" + n + " sha256=" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException e) {
      return "read=" + n + " then " + describe(e);
    }
  }

  /** The exception as the application sees it, with its causes (class and message each). */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      sb.append(sb.length() == 0 ? "threw " : " caused by ")
          .append(t.getClass().getName())
          .append(": ")
          .append(t.getMessage());
    }
    return sb.toString().replace('\n', ' ');
  }

  static String sha(byte[] b) {
    return HexFormat.of().formatHex(sha256().digest(b)).substring(0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes allocated by every live thread so far (HotSpot's per-thread counters). */
  static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, a);
    }
    return total;
  }
}
