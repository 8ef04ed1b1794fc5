package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.Json.obj;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.aiwarden.examples.server.Json.Raw;
import dev.aiwarden.examples.server.Responses.Operation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A local server that speaks the OpenAI and Azure OpenAI REST APIs well enough for the SDKs: chat
 * completions (plain and streamed), embeddings, images, the Responses API and legacy completions, over
 * HTTP and HTTPS at once, on 127.0.0.1 only. JDK only.
 *
 * <p>Routes (POST): {@code /v1/{chat/completions|embeddings|images/generations|responses|completions}},
 * {@code /openai/deployments/{deployment}/{chat/completions|embeddings|images/generations|completions}},
 * {@code /openai/v1/...} and {@code /openai/responses}. Azure annotations (content filter results, the
 * deployment's real model name) are added for {@code /openai/...} paths and for Azure host names.
 *
 * <p>Trigger words in the prompt: {@code [content-filter]} (Azure: 400 content_filter; OpenAI: 400),
 * {@code [filtered-output]} (200 with {@code finish_reason: "content_filter"}), {@code [rate-limit]} (429),
 * {@code [server-error]} (500), {@code [no-revise]} (an image without {@code revised_prompt}). Request header
 * {@code x-test-words: N} sets the number of reply words (= streamed content chunks); request header
 * {@code x-test-fault: MODE} breaks the answer on purpose (truncated, cut, compressed, not JSON, huge, ...: see
 * {@link Faults}); request header {@code x-test-hold-after-first: TOKEN} on a streamed request makes the server
 * send the first event and then wait until anyone requests {@code /test/release/TOKEN} (at most {@value
 * #HOLD_MAX_SECONDS} s): {@link #holdOutcome(String)} then says whether the client released it, which proves
 * that the first event reached the application while the rest was still held back.
 *
 * <p>Request bodies sent with {@code Content-Encoding: gzip} or {@code deflate} are decoded. A request body
 * longer than {@link Options#maxRequestBytes()} (default 32 MiB) is read to its end and answered with 413.
 */
public final class LocalAiServer implements AutoCloseable {

    static {
        // Without it every response waits ~40 ms (Nagle + delayed ACK). Read once, when the JDK's server
        // classes initialise, so set it as early as possible.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public static final String TRIGGER_CONTENT_FILTER = "[content-filter]";
    public static final String TRIGGER_FILTERED_OUTPUT = "[filtered-output]";
    public static final String TRIGGER_RATE_LIMIT = "[rate-limit]";
    public static final String TRIGGER_SERVER_ERROR = "[server-error]";
    public static final String TRIGGER_NO_REVISE = Responses.NO_REVISE_MARKER;
    /** Request header: number of reply words (streamed content chunks). */
    public static final String WORDS_HEADER = "x-test-words";
    /** Request header: how to break the answer ({@link Faults}). */
    public static final String FAULT_HEADER = Faults.HEADER;
    /** Request header: hold a streamed answer after its first event until {@code /test/release/TOKEN}. */
    public static final String HOLD_HEADER = "x-test-hold-after-first";
    /** Path prefix that releases a held stream ({@link #HOLD_HEADER}); any method. */
    public static final String RELEASE_PATH = "/test/release/";
    /** How long a held stream waits for its release before going on anyway. */
    public static final int HOLD_MAX_SECONDS = 60;
    /** Environment variable with comma-separated keys the standalone server accepts. */
    public static final String KEYS_ENV = "AIWARDEN_DEMO_KEYS";

    private static final int MAX_WORDS = 100_000;
    private static final List<String> AZURE_HOST_SUFFIXES = Arrays.asList(
            ".openai.azure.com", ".services.ai.azure.com", ".cognitiveservices.azure.com", ".azure-api.net");
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private static Path sharedKeystore;

    private final Options options;
    private final Set<String> validKeys;
    private final HttpServer http;
    private final HttpsServer https;
    private final Path keystore;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger requestCount = new AtomicInteger();
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
    /** {@link #HOLD_HEADER} tokens: released by {@link #RELEASE_PATH}, possibly before the hold starts. */
    private final java.util.concurrent.ConcurrentHashMap<String, CountDownLatch> holds =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, String> holdOutcomes =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private LocalAiServer(Options options) throws IOException {
        this.options = options;
        this.validKeys = Set.copyOf(options.validKeys());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(options.maxThreads(), options.maxThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "local-ai-server-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);

        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        HttpServer h = null;
        HttpsServer s = null;
        Path ks = null;
        try {
            h = HttpServer.create(new InetSocketAddress(loopback, Math.max(0, options.httpPort())), 128);
            h.createContext("/", ex -> handle(ex, false));
            h.setExecutor(executor);
            if (options.httpsPort() != Options.DISABLED) {
                ks = options.keystoreDir() != null
                        ? Tls.ensureKeystore(options.keystoreDir(), options.sanHosts().toArray(new String[0]))
                        : defaultKeystore(options.sanHosts());
                s = HttpsServer.create(new InetSocketAddress(loopback, Math.max(0, options.httpsPort())), 128);
                s.setHttpsConfigurator(new HttpsConfigurator(Tls.serverSslContext(ks)));
                s.createContext("/", ex -> handle(ex, true));
                s.setExecutor(executor);
            }
        } catch (IOException | RuntimeException e) {
            if (h != null) {
                h.stop(0);
            }
            if (s != null) {
                s.stop(0);
            }
            executor.shutdownNow();
            throw e;
        }
        this.http = h;
        this.https = s;
        this.keystore = ks;
        http.start();
        if (https != null) {
            https.start();
        }
    }

    /** Starts both listeners (HTTPS unless {@code httpsPort} is {@link Options#DISABLED}). */
    public static LocalAiServer start(Options options) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return new LocalAiServer(options);
    }

    /** The default certificate is made once per JVM (keytool takes a second or two) in a temporary directory. */
    private static synchronized Path defaultKeystore(List<String> sanHosts) throws IOException {
        if (!sanHosts.equals(Tls.DEFAULT_SAN_HOSTS)) {
            Path dir = Files.createTempDirectory("local-ai-server-tls");
            return deleteOnExit(dir, Tls.createKeystore(dir, sanHosts.toArray(new String[0])));
        }
        if (sharedKeystore == null) {
            Path dir = Files.createTempDirectory("local-ai-server-tls");
            sharedKeystore = deleteOnExit(dir, Tls.createKeystore(dir));
        }
        return sharedKeystore;
    }

    private static Path deleteOnExit(Path dir, Path keystore) {
        dir.toFile().deleteOnExit(); // registered first, so it runs last (after its files)
        for (String f : new String[] {Tls.KEYSTORE_FILE, Tls.TRUSTSTORE_FILE, Tls.CERTIFICATE_FILE}) {
            dir.resolve(f).toFile().deleteOnExit();
        }
        return keystore;
    }

    /** See {@link Tls#createKeystore}. */
    public static Path createKeystore(Path dir, String... sanHosts) throws IOException {
        return Tls.createKeystore(dir, sanHosts);
    }

    /** See {@link Tls#writeHostsFile}. */
    public static Path writeHostsFile(Path file, String... hosts) throws IOException {
        return Tls.writeHostsFile(file, hosts);
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return https == null ? -1 : https.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort();
    }

    /** {@code https://127.0.0.1:PORT} (use a host name from the certificate, e.g. {@code localhost}, to verify it). */
    public String httpsUrl() {
        return "https://127.0.0.1:" + httpsPort();
    }

    /** The key store the HTTPS listener uses, or null when HTTPS is off. */
    public Path keystore() {
        return keystore;
    }

    /** The trust store that goes with {@link #keystore()}, or null when HTTPS is off. */
    public Path truststore() {
        return keystore == null ? null : Tls.truststoreFor(keystore);
    }

    public Options options() {
        return options;
    }

    /** Requests that reached the handler since start or the last {@link #reset()} (whatever the answer). */
    public int requestCount() {
        return requestCount.get();
    }

    /** A snapshot of the recorded requests, oldest first. */
    /**
     * How the stream held with {@link #HOLD_HEADER} {@code token} went on: {@code "released"} (the client
     * requested {@link #RELEASE_PATH}{@code token} after seeing the first event), {@code "timed out"}, or null
     * while it is still held or when no stream carried that token.
     */
    public String holdOutcome(String token) {
        return holdOutcomes.get(token);
    }

    private CountDownLatch hold(String token) {
        return holds.computeIfAbsent(token, t -> new CountDownLatch(1));
    }

    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return new ArrayList<>(recorded);
        }
    }

    /** The newest recorded request, or null. */
    public RecordedRequest lastRequest() {
        synchronized (recorded) {
            return recorded.peekLast();
        }
    }

    public void reset() {
        synchronized (recorded) {
            recorded.clear();
            requestCount.set(0);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        if (https != null) {
            https.stop(0);
        }
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------ handling

    /** Where a path leads. */
    private static final class Route {
        final Operation op;
        final boolean azurePath;
        final String deployment;

        Route(Operation op, boolean azurePath, String deployment) {
            this.op = op;
            this.azurePath = azurePath;
            this.deployment = deployment;
        }
    }

    static Operation operationOf(String suffix) {
        switch (suffix) {
            case "chat/completions": return Operation.CHAT;
            case "embeddings": return Operation.EMBEDDINGS;
            case "images/generations": return Operation.IMAGES;
            case "responses": return Operation.RESPONSES;
            case "completions": return Operation.COMPLETIONS;
            default: return null;
        }
    }

    private static Route route(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        Operation op;
        if (p.startsWith("/v1/")) {
            op = operationOf(p.substring("/v1/".length()));
            return op == null ? null : new Route(op, false, null);
        }
        if (p.startsWith("/openai/v1/")) {
            op = operationOf(p.substring("/openai/v1/".length()));
            return op == null ? null : new Route(op, true, null);
        }
        if (p.equals("/openai/responses")) {
            return new Route(Operation.RESPONSES, true, null);
        }
        if (p.startsWith("/openai/deployments/")) {
            String rest = p.substring("/openai/deployments/".length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                return null;
            }
            op = operationOf(rest.substring(slash + 1));
            return op == null || op == Operation.RESPONSES ? null : new Route(op, true, rest.substring(0, slash));
        }
        return null;
    }

    static boolean isAzureHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String h = hostHeader.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        for (String suffix : AZURE_HOST_SUFFIXES) {
            if (h.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private void handle(HttpExchange ex, boolean overHttps) {
        int status = 500;
        boolean abort = false;
        String path = ex.getRequestURI().getRawPath();
        try {
            Faults.ReadBody read = Faults.read(ex.getRequestBody(), options.maxRequestBytes());
            if (ex.getRequestHeaders().containsKey(Faults.HEADER) || read.tooLarge()) {
                ex.getResponseHeaders().set(Faults.REQUEST_BYTES_HEADER, Long.toString(read.length));
                ex.getResponseHeaders().set(Faults.REQUEST_SHA256_HEADER, read.sha256);
            }
            RecordedRequest req = record(ex, read.tooLarge() ? new byte[0] : read.bytes, overHttps);
            status = read.tooLarge()
                    ? send(ex, 413, Responses.error("The request body is larger than this server accepts ("
                            + read.length + " bytes > " + options.maxRequestBytes() + ").", "invalid_request_error",
                            null, "request_too_large"))
                    : dispatch(ex, req, read.bytes);
        } catch (Faults.Cut e) {
            status = 200; // a streamed answer cut on request, and ended
        } catch (Faults.Abort e) {
            abort = true; // the JDK's server closes the connection when the handler throws
            throw e;
        } catch (IOException e) {
            status = -1; // the client went away (e.g. closed a stream early)
        } catch (RuntimeException e) {
            status = 500;
            trySend(ex, 500, Responses.error("local server bug: " + e, "server_error", null, null));
        } finally {
            if (!abort) {
                ex.close();
            }
            if (options.logRequests()) {
                System.err.println(ex.getRequestMethod() + " " + path + " -> "
                        + (abort ? "closed mid-body" : status < 0 ? "aborted" : status));
            }
        }
    }

    private RecordedRequest record(HttpExchange ex, byte[] body, boolean overHttps) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : ex.getRequestHeaders().entrySet()) {
            headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(e.getValue());
        }
        String raw = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        List<String> host = headers.get("host");
        RecordedRequest req = new RecordedRequest(ex.getRequestMethod(), query == null ? raw : raw + "?" + query,
                host == null || host.isEmpty() ? null : host.get(0), headers, body, overHttps, System.currentTimeMillis());
        synchronized (recorded) {
            requestCount.incrementAndGet();
            if (options.maxRecordedRequests() > 0) {
                recorded.addLast(req);
                while (recorded.size() > options.maxRecordedRequests()) {
                    recorded.removeFirst();
                }
            }
        }
        return req;
    }

    private int dispatch(HttpExchange ex, RecordedRequest req, byte[] rawBody) throws IOException {
        String rawPath = ex.getRequestURI().getPath();
        if (rawPath.startsWith(RELEASE_PATH) && rawPath.length() > RELEASE_PATH.length()) {
            hold(rawPath.substring(RELEASE_PATH.length())).countDown();
            return send(ex, 200, "{\"released\":true}");
        }
        Route route = route(ex.getRequestURI().getPath());
        if (route == null) {
            return send(ex, 404, Responses.error("Invalid URL (" + req.method() + " " + req.path() + ")",
                    "invalid_request_error", null, "unknown_url"));
        }
        if (!"POST".equals(req.method())) {
            ex.getResponseHeaders().set("Allow", "POST");
            return send(ex, 405, Responses.error("Method " + req.method() + " not allowed for " + req.path()
                    + "; use POST.", "invalid_request_error", null, "method_not_allowed"));
        }
        String denied = checkKey(req);
        if (denied != null) {
            return send(ex, 401, denied);
        }
        RequestBody body;
        try {
            body = RequestBody.parse(Faults.decode(rawBody, req.header("content-encoding"), options.maxRequestBytes()));
        } catch (Json.ParseException | IOException e) {
            return send(ex, 400, Responses.error("We could not parse the JSON body of your request. (" + e.getMessage()
                    + ")", "invalid_request_error", null, null));
        }
        String faultHeader = req.header(Faults.HEADER);
        Faults.Mode fault = faultHeader == null ? null : Faults.Mode.of(faultHeader);
        if (faultHeader != null && (fault == null || !fault.appliesTo(body.stream()))) {
            return send(ex, 400, Responses.error("x-test-fault: '" + faultHeader + "' is not a fault for a "
                    + (body.stream() ? "streamed" : "plain") + " request", "invalid_request_error", null, null));
        }
        if (fault != null) {
            ex.setAttribute(Faults.ATTRIBUTE, fault);
        }
        boolean azure = route.azurePath || isAzureHost(req.host());
        String prompt = body.promptText();
        String requestModel = body.model() != null ? body.model()
                : route.deployment != null ? route.deployment : defaultModel(route.op);
        String model = azure
                ? Responses.azureModelName(route.deployment != null ? route.deployment : body.model(), route.op,
                        options.azureModels())
                : requestModel;

        if (prompt.contains(TRIGGER_CONTENT_FILTER)) {
            if (azure) {
                return send(ex, 400, Responses.azureContentFilterError());
            }
            return send(ex, 400, Responses.error("Your request was rejected as a result of our safety system.",
                    "invalid_request_error", "prompt", "content_policy_violation"));
        }
        if (prompt.contains(TRIGGER_RATE_LIMIT)) {
            Headers h = ex.getResponseHeaders();
            h.set("retry-after", "1");
            h.set("retry-after-ms", "1000");
            h.set("x-ratelimit-limit-requests", "3");
            h.set("x-ratelimit-remaining-requests", "0");
            h.set("x-ratelimit-reset-requests", "1s");
            h.set("x-ratelimit-limit-tokens", "30000");
            h.set("x-ratelimit-remaining-tokens", "29000");
            h.set("x-ratelimit-reset-tokens", "2ms");
            return send(ex, 429, Responses.rateLimited(requestModel));
        }
        if (prompt.contains(TRIGGER_SERVER_ERROR)) {
            return send(ex, 500, Responses.serverError());
        }

        addApiHeaders(ex.getResponseHeaders(), azure);
        boolean filteredOutput = prompt.contains(TRIGGER_FILTERED_OUTPUT);
        int promptTokens = Responses.promptTokens(body.promptChars());
        List<String> words = Responses.replyWords(body.promptChars(), wordsRequested(req));
        // With x-test-fault the answer is the same every time (id 1, a fixed time), so tests can compare bytes.
        long created = fault != null ? Faults.FIXED_CREATED : System.currentTimeMillis() / 1000;
        long n = fault != null ? 1 : ids.incrementAndGet();

        switch (route.op) {
            case CHAT:
                if (body.stream()) {
                    return streamChat(ex, "chatcmpl-" + n, created, model, azure, body, words, promptTokens,
                            filteredOutput);
                }
                return send(ex, 200, Responses.chatCompletion("chatcmpl-" + n, created, model, azure, body.n(),
                        fault == Faults.Mode.HUGE ? Faults.HUGE_MARKER : String.join(" ", words), promptTokens,
                        words.size(), filteredOutput));
            case COMPLETIONS:
                if (body.stream()) {
                    return streamCompletion(ex, "cmpl-" + n, created, model, azure, body, words, promptTokens);
                }
                return send(ex, 200, Responses.completion("cmpl-" + n, created, model, azure, body.n(),
                        String.join(" ", words), promptTokens, words.size(), filteredOutput));
            case EMBEDDINGS: {
                List<String> inputs = body.embeddingInputs();
                if (inputs.isEmpty()) {
                    return send(ex, 400, Responses.error("'input' is a required property", "invalid_request_error",
                            "input", null));
                }
                boolean base64 = "base64".equals(body.encodingFormat());
                return send(ex, 200, Responses.embeddings(model, inputs, base64, promptTokens));
            }
            case IMAGES: {
                int count = body.n();
                long first = ids.getAndAdd(count) + 1;
                return send(ex, 200, Responses.images(created, first, body.imagePrompt(), count,
                        "b64_json".equals(body.responseFormat()), azure));
            }
            case RESPONSES: {
                String id = String.format("resp_%048x", n);
                String msgId = String.format("msg_%048x", n);
                Object instructions = body.json().get("instructions");
                if (body.stream()) {
                    return streamResponse(ex, id, msgId, created, model, body, words, promptTokens, instructions);
                }
                return send(ex, 200, Responses.response(id, msgId, created, model, "completed",
                        String.join(" ", words), promptTokens, words.size(), body.user(), instructions));
            }
            default:
                throw new IllegalStateException("unhandled " + route.op);
        }
    }

    private static String defaultModel(Operation op) {
        switch (op) {
            case EMBEDDINGS: return "text-embedding-3-small";
            case IMAGES: return "dall-e-3";
            case COMPLETIONS: return "gpt-3.5-turbo-instruct";
            default: return "gpt-4o";
        }
    }

    private static int wordsRequested(RecordedRequest req) {
        String w = req.header(WORDS_HEADER);
        if (w == null) {
            return 0;
        }
        try {
            return Math.max(1, Math.min(MAX_WORDS, Integer.parseInt(w.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Returns the 401 body, or null when the request carries an accepted key or token. */
    private String checkKey(RecordedRequest req) {
        String auth = req.header("authorization");
        String bearer = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = auth.substring(7).trim();
        }
        String apiKey = req.header("api-key");
        if (apiKey != null) {
            apiKey = apiKey.trim();
        }
        if ((bearer != null && validKeys.contains(bearer)) || (apiKey != null && validKeys.contains(apiKey))) {
            return null;
        }
        if (bearer != null && options.acceptAnyJwt() && JWT.matcher(bearer).matches()) {
            return null;
        }
        String presented = apiKey != null && !apiKey.isEmpty() ? apiKey
                : bearer != null && !bearer.isEmpty() ? bearer : null;
        return Responses.invalidApiKey(presented == null ? null : keyHint(presented));
    }

    /** {@code ...} plus the last 4 characters for keys of 20 or more characters, else just {@code ...}. */
    static String keyHint(String key) {
        return key.length() >= 20 ? "..." + key.substring(key.length() - 4) : "...";
    }

    private void addApiHeaders(Headers h, boolean azure) {
        String requestId = UUID.randomUUID().toString();
        if (azure) {
            h.set("apim-request-id", requestId);
            h.set("x-request-id", requestId);
            h.set("x-ms-region", "local");
            h.set("x-ratelimit-remaining-requests", "999");
            h.set("x-ratelimit-remaining-tokens", "99000");
        } else {
            h.set("x-request-id", "req_" + requestId.replace("-", ""));
            h.set("openai-organization", "org-local");
            h.set("openai-processing-ms", "1");
            h.set("openai-version", "2020-10-01");
            h.set("x-ratelimit-limit-requests", "10000");
            h.set("x-ratelimit-remaining-requests", "9999");
            h.set("x-ratelimit-reset-requests", "6ms");
            h.set("x-ratelimit-limit-tokens", "30000000");
            h.set("x-ratelimit-remaining-tokens", "29999000");
            h.set("x-ratelimit-reset-tokens", "0s");
        }
    }

    private static int send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Faults.Mode fault = (Faults.Mode) ex.getAttribute(Faults.ATTRIBUTE);
        if (status == 200 && fault != null) {
            Faults.send(ex, fault, bytes);
            return status;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
        return status;
    }

    private static void trySend(HttpExchange ex, int status, String json) {
        try {
            send(ex, status, json);
        } catch (IOException | RuntimeException ignored) {
            // headers may already be out; nothing more to do
        }
    }

    // ----------------------------------------------------------------------------------------- streaming

    /** Writes server-sent events, each flushed at once, pausing between events when asked to. */
    private final class Sse {
        private final OutputStream os;
        private final Faults.Mode fault;
        private final String holdToken;
        private boolean first = true;
        private int events;

        Sse(HttpExchange ex) throws IOException {
            this.fault = (Faults.Mode) ex.getAttribute(Faults.ATTRIBUTE);
            this.holdToken = ex.getRequestHeaders().getFirst(HOLD_HEADER);
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0); // chunked
            this.os = ex.getResponseBody();
        }

        void data(String json) throws IOException {
            event(null, json);
        }

        void event(String name, String data) throws IOException {
            pause();
            StringBuilder sb = new StringBuilder(data.length() + 32);
            if (name != null) {
                sb.append("event: ").append(name).append('\n');
            }
            sb.append("data: ").append(data).append("\n\n");
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            Faults.beforeEvent(fault, events++, bytes, os);
            os.write(bytes);
            os.flush();
            if (events == 1 && holdToken != null) {
                holdAfterFirst();
            }
        }

        /** Waits for {@code /test/release/TOKEN}, which only a client that saw the first event can send. */
        private void holdAfterFirst() throws IOException {
            try {
                boolean released = hold(holdToken).await(HOLD_MAX_SECONDS, TimeUnit.SECONDS);
                holdOutcomes.put(holdToken, released ? "released" : "timed out");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("server stopping", e);
            }
        }

        void done() throws IOException {
            data("[DONE]");
            os.close();
        }

        void close() throws IOException {
            os.close();
        }

        private void pause() throws IOException {
            long delay = options.streamChunkDelayMillis();
            if (!first && delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("server stopping", e);
                }
            }
            first = false;
        }
    }

    private int streamChat(HttpExchange ex, String id, long created, String model, boolean azure, RequestBody body,
                           List<String> words, int promptTokens, boolean filteredOutput) throws IOException {
        boolean usage = body.includeUsage();
        int n = body.n();
        // A filtered answer stops half way, as Azure cuts the output where the filter fires.
        List<String> sent = filteredOutput ? words.subList(0, words.size() / 2) : words;
        Sse sse = new Sse(ex);
        if (azure) {
            sse.data(Responses.azurePromptFilterChunk());
        }
        for (int c = 0; c < n; c++) {
            sse.data(Responses.chatChunk(id, created, model, azure, c, Responses.roleDelta(), null,
                    azure ? obj() : null, usage));
        }
        Raw safe = azure ? Responses.choiceContentFilterResults(false) : null;
        for (int w = 0; w < sent.size(); w++) {
            String piece = w == 0 ? sent.get(w) : " " + sent.get(w);
            for (int c = 0; c < n; c++) {
                sse.data(Responses.chatChunk(id, created, model, azure, c, Responses.contentDelta(piece), null,
                        safe, usage));
            }
        }
        for (int c = 0; c < n; c++) {
            Raw cfr = !azure ? null : filteredOutput ? Responses.choiceContentFilterResults(true) : obj();
            sse.data(Responses.chatChunk(id, created, model, azure, c, obj(),
                    filteredOutput ? "content_filter" : "stop", cfr, usage));
        }
        if (usage) {
            sse.data(Responses.chatUsageChunk(id, created, model, azure, promptTokens, sent.size() * n));
        }
        sse.done();
        return 200;
    }

    private int streamCompletion(HttpExchange ex, String id, long created, String model, boolean azure,
                                 RequestBody body, List<String> words, int promptTokens) throws IOException {
        Sse sse = new Sse(ex);
        for (int w = 0; w < words.size(); w++) {
            sse.data(Responses.completionChunk(id, created, model, azure, w == 0 ? words.get(w) : " " + words.get(w),
                    null, null));
        }
        sse.data(Responses.completionChunk(id, created, model, azure, "", "stop", null));
        if (body.includeUsage()) {
            sse.data(Responses.completionChunk(id, created, model, azure, null, null,
                    Responses.usage(promptTokens, words.size())));
        }
        sse.done();
        return 200;
    }

    /** The Responses API event sequence, ending with {@code response.completed} (no {@code [DONE]}). */
    private int streamResponse(HttpExchange ex, String id, String msgId, long created, String model, RequestBody body,
                               List<String> words, int promptTokens, Object instructions) throws IOException {
        String text = String.join(" ", words);
        int seq = 0;
        Sse sse = new Sse(ex);
        Raw inProgress = Json.raw(Responses.response(id, msgId, created, model, "in_progress", null, 0, 0,
                body.user(), instructions));
        sse.event("response.created", obj("type", "response.created", "sequence_number", seq++,
                "response", inProgress).json);
        sse.event("response.in_progress", obj("type", "response.in_progress", "sequence_number", seq++,
                "response", inProgress).json);
        sse.event("response.output_item.added", obj("type", "response.output_item.added", "sequence_number", seq++,
                "output_index", 0, "item", Responses.responseMessage(msgId, "in_progress", null)).json);
        sse.event("response.content_part.added", obj("type", "response.content_part.added", "sequence_number", seq++,
                "item_id", msgId, "output_index", 0, "content_index", 0, "part", Responses.outputText("")).json);
        for (int w = 0; w < words.size(); w++) {
            sse.event("response.output_text.delta", obj("type", "response.output_text.delta",
                    "sequence_number", seq++, "item_id", msgId, "output_index", 0, "content_index", 0,
                    "delta", w == 0 ? words.get(w) : " " + words.get(w), "logprobs", Json.arr()).json);
        }
        sse.event("response.output_text.done", obj("type", "response.output_text.done", "sequence_number", seq++,
                "item_id", msgId, "output_index", 0, "content_index", 0, "text", text, "logprobs", Json.arr()).json);
        sse.event("response.content_part.done", obj("type", "response.content_part.done", "sequence_number", seq++,
                "item_id", msgId, "output_index", 0, "content_index", 0, "part", Responses.outputText(text)).json);
        sse.event("response.output_item.done", obj("type", "response.output_item.done", "sequence_number", seq++,
                "output_index", 0, "item", Responses.responseMessage(msgId, "completed", text)).json);
        sse.event("response.completed", obj("type", "response.completed", "sequence_number", seq,
                "response", Json.raw(Responses.response(id, msgId, created, model, "completed", text, promptTokens,
                        words.size(), body.user(), instructions))).json);
        sse.close();
        return 200;
    }

    // ---------------------------------------------------------------------------------------------- main

    private static final String USAGE = String.join("\n",
            "usage: java -jar ai-warden-local-server.jar [options]",
            "  --http-port N        HTTP port on 127.0.0.1 (0 = any free port; default 0)",
            "  --https-port N       HTTPS port on 127.0.0.1 (0 = any free port, -1 = no HTTPS; default 0)",
            "  --keystore-dir DIR   where keystore.p12 / truststore.p12 live (created if missing; default: a temp dir)",
            "  --san-host HOST      certificate host name (repeatable; default: " + String.join(", ", Tls.DEFAULT_SAN_HOSTS) + ")",
            "  --valid-key KEY      a key to accept (repeatable; also $" + KEYS_ENV + ", comma-separated)",
            "  --no-jwt             do not accept arbitrary JWT bearer tokens (Entra ID)",
            "  --stream-delay-ms N  pause between streamed events",
            "  --ports-file FILE    write 'http=PORT' and 'https=PORT' lines once listening",
            "  --log-requests       print 'METHOD /path -> STATUS' per request on stderr",
            "  --max-request-bytes N  longer request bodies are answered with 413 (default 32 MiB)",
            "Runs until killed. Never prints a key.");

    public static void main(String[] args) throws Exception {
        Options options = new Options();
        Path portsFile = null;
        List<String> sanHosts = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--http-port": options.httpPort(Integer.parseInt(value(args, ++i, a))); break;
                    case "--https-port": options.httpsPort(Integer.parseInt(value(args, ++i, a))); break;
                    case "--keystore-dir": options.keystoreDir(Paths.get(value(args, ++i, a))); break;
                    case "--san-host": sanHosts.add(value(args, ++i, a)); break;
                    case "--valid-key": options.validKeys(value(args, ++i, a)); break;
                    case "--no-jwt": options.acceptAnyJwt(false); break;
                    case "--stream-delay-ms": options.streamChunkDelayMillis(Long.parseLong(value(args, ++i, a))); break;
                    case "--ports-file": portsFile = Paths.get(value(args, ++i, a)); break;
                    case "--log-requests": options.logRequests(true); break;
                    case "--max-request-bytes": options.maxRequestBytes(Long.parseLong(value(args, ++i, a))); break;
                    case "-h":
                    case "--help":
                        System.out.println(USAGE);
                        return;
                    default:
                        throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) { // NumberFormatException too
            System.err.println("local AI server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        String envKeys = System.getenv(KEYS_ENV);
        if (envKeys != null) {
            options.validKeys(Arrays.asList(envKeys.split(",")));
        }
        if (!sanHosts.isEmpty()) {
            options.sanHosts(sanHosts.toArray(new String[0]));
        }
        if (options.keystoreDir() == null && options.httpsPort() != Options.DISABLED) {
            options.keystoreDir(Files.createTempDirectory("local-ai-server-tls"));
        }
        if (options.validKeys().isEmpty()) {
            System.err.println("local AI server: no --valid-key and no $" + KEYS_ENV + ": every request without "
                    + (options.acceptAnyJwt() ? "a JWT bearer token " : "") + "gets 401");
        }

        LocalAiServer server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "local-ai-server-shutdown"));

        if (server.truststore() != null) {
            System.err.println("local AI server: trust store " + server.truststore().toAbsolutePath()
                    + " (PKCS12, password " + Tls.PASSWORD + ")");
        }
        if (portsFile != null) {
            writePortsFile(portsFile, server.httpPort(), server.httpsPort());
        }
        PrintStream out = System.out;
        out.println("local AI server listening on " + server.httpUrl()
                + (server.httpsPort() > 0 ? " and " + server.httpsUrl() : ""));
        out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Written to a temporary name and moved, so a reader never sees half a file. */
    private static void writePortsFile(Path file, int httpPort, int httpsPort) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.write(tmp, ("http=" + httpPort + "\nhttps=" + httpsPort + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
