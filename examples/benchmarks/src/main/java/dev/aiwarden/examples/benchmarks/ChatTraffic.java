package dev.aiwarden.examples.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.aiwarden.examples.server.LocalAiServer;
import dev.aiwarden.examples.server.Options;
import dev.aiwarden.examples.server.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One real openai-java chat call with the 2 KB prompt of {@link Worker}, captured for the
 * in-process benchmarks: the request exactly as openai-java hands it to OkHttp (its headers and
 * body bytes, as the local server received them, without the headers OkHttp's own bridge adds
 * later) and the local server's real response (status, headers, body). No agent is involved.
 *
 * <p>The suite captures it once and saves it ({@link #save}); each benchmark fork loads it ({@link
 * #forBenchmark}), so that no fork spends its start on openai-java and a server. The key is never
 * written: the saved headers hold {@value #KEY_PLACEHOLDER}, replaced on loading.
 */
final class ChatTraffic {
  /** Where the measured calls go: the real host name, as in the whole-process runs. */
  static final String URL = "https://api.openai.com/v1/chat/completions";

  /** The system property that names the directory {@link #save} wrote. */
  static final String DIR_PROPERTY = "bench.traffic.dir";

  private static final String KEY_PLACEHOLDER = "${OPENAI_API_KEY}";

  /** Added by OkHttp's {@code BridgeInterceptor} after the hooked method has run, or by the server. */
  private static final Set<String> ADDED_LATER =
      Set.of("host", "content-length", "content-type", "connection", "accept-encoding", "transfer-encoding");

  final Headers requestHeaders;
  final MediaType requestType;
  final byte[] requestBody;
  final int status;
  final Headers responseHeaders;
  final MediaType responseType;
  final byte[] responseBody;

  ChatTraffic(Headers requestHeaders, MediaType requestType, byte[] requestBody, int status,
      Headers responseHeaders, MediaType responseType, byte[] responseBody) {
    this.requestHeaders = requestHeaders;
    this.requestType = requestType;
    this.requestBody = requestBody;
    this.status = status;
    this.responseHeaders = responseHeaders;
    this.responseType = responseType;
    this.responseBody = responseBody;
  }

  /** Makes the call against a local server started for it (plain HTTP on loopback), with {@code key}. */
  static ChatTraffic capture(String key) throws IOException {
    try (LocalAiServer server =
        LocalAiServer.start(new Options().httpsPort(Options.DISABLED).validKeys(key).maxRecordedRequests(1))) {
      String base = server.httpUrl() + "/v1";
      OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(base).apiKey(key).maxRetries(0).build();
      try {
        openai.chat().completions().create(Worker.chat(Worker.PROMPT_2K));
      } finally {
        openai.close();
      }
      RecordedRequest sent = server.lastRequest();
      Headers.Builder headers = new Headers.Builder();
      for (Map.Entry<String, List<String>> h : sent.headers().entrySet()) {
        if (!ADDED_LATER.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          for (String v : h.getValue()) {
            headers.add(h.getKey(), v);
          }
        }
      }
      MediaType requestType = MediaType.get(sent.header("Content-Type"));
      byte[] body = sent.body();

      // The same request again, for the server's real answer (status, headers, body).
      OkHttpClient ok = new OkHttpClient();
      Request replay = new Request.Builder().url(base + "/chat/completions").headers(headers.build())
          .post(RequestBody.create(body, requestType)).build();
      try (Response r = ok.newCall(replay).execute()) {
        byte[] answer = r.body().bytes();
        MediaType responseType = MediaType.get(r.header("Content-Type"));
        if (r.code() != 200 || answer.length == 0) {
          throw new IllegalStateException("the local server answered " + r.code());
        }
        return new ChatTraffic(headers.build(), requestType, body, r.code(), r.headers(), responseType, answer);
      } finally {
        ok.dispatcher().executorService().shutdown();
        ok.connectionPool().evictAll();
      }
    }
  }

  /** The saved traffic ({@link #DIR_PROPERTY} set by the suite) with {@code key}, else captured now. */
  static ChatTraffic forBenchmark(String key) throws IOException {
    String dir = System.getProperty(DIR_PROPERTY);
    return dir == null ? capture(key) : load(Paths.get(dir), key);
  }

  /** Writes this traffic into {@code dir}, {@code key} replaced by a placeholder. */
  void save(Path dir, String key) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("request-headers.txt"),
        requestType + "\n" + lines(requestHeaders).replace(key, KEY_PLACEHOLDER));
    Files.write(dir.resolve("request-body.bin"), requestBody);
    Files.writeString(dir.resolve("response-headers.txt"), status + " " + responseType + "\n" + lines(responseHeaders));
    Files.write(dir.resolve("response-body.bin"), responseBody);
  }

  static ChatTraffic load(Path dir, String key) throws IOException {
    List<String> request = Files.readAllLines(dir.resolve("request-headers.txt"), StandardCharsets.UTF_8);
    List<String> response = Files.readAllLines(dir.resolve("response-headers.txt"), StandardCharsets.UTF_8);
    String[] statusAndType = response.get(0).split(" ", 2);
    return new ChatTraffic(headers(request, key), MediaType.get(request.get(0)),
        Files.readAllBytes(dir.resolve("request-body.bin")), Integer.parseInt(statusAndType[0]),
        headers(response, key), MediaType.get(statusAndType[1]), Files.readAllBytes(dir.resolve("response-body.bin")));
  }

  /** One "name: value" line per header (not {@code Headers.toString()}: it masks some values). */
  private static String lines(Headers headers) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < headers.size(); i++) {
      b.append(headers.name(i)).append(": ").append(headers.value(i)).append('\n');
    }
    return b.toString();
  }

  /** The headers of {@link #lines} lines, after the first line of the file. */
  private static Headers headers(List<String> lines, String key) {
    Headers.Builder b = new Headers.Builder();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        b.add(line.substring(0, colon), line.substring(colon + 2).replace(KEY_PLACEHOLDER, key));
      }
    }
    return b.build();
  }

  /** The request as the application built it, to {@link #URL}. */
  Request request() {
    return new Request.Builder().url(URL).headers(requestHeaders).post(RequestBody.create(requestBody, requestType))
        .build();
  }

  /**
   * A response to {@code request} with the server's status, headers and body, its body in memory
   * (the hook reads it without consuming it, so one response serves every measured call).
   */
  Response response(Request request) {
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(status).message("OK")
        .headers(responseHeaders).body(ResponseBody.create(responseBody, responseType)).build();
  }

  /** Request headers flattened as the OkHttp hook hands them over: name, value, ..., Content-Type. */
  String[] flatRequestHeaders() {
    List<String> flat = flat(requestHeaders);
    flat.add("Content-Type");
    flat.add(requestType.toString());
    return flat.toArray(new String[0]);
  }

  String[] flatResponseHeaders() {
    return flat(responseHeaders).toArray(new String[0]);
  }

  private static List<String> flat(Headers headers) {
    List<String> flat = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      flat.add(headers.name(i));
      flat.add(headers.value(i));
    }
    return flat;
  }
}
