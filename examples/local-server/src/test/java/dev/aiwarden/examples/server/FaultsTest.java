package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.TestHttp.VALID_KEY;
import static dev.aiwarden.examples.server.TestHttp.at;
import static dev.aiwarden.examples.server.TestHttp.json;
import static dev.aiwarden.examples.server.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code x-test-fault} modes, request body decoding and the request size limit. */
class FaultsTest {
    static LocalAiServer server;
    static String url;

    static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
    static final String STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";

    @BeforeAll
    static void start() throws Exception {
        server = LocalAiServer.start(new Options().validKeys(VALID_KEY).httpsPort(Options.DISABLED)
                .maxRequestBytes(100_000));
        url = server.httpUrl() + "/v1/chat/completions";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<byte[]> fault(String mode, String body, String... headers) throws Exception {
        HttpRequest.Builder b = post(url, body, headers).header("Authorization", "Bearer " + VALID_KEY);
        if (mode != null) {
            b.header("x-test-fault", mode);
        }
        return TestHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void noneAnswersNormallyWithTheDigestOfTheRequestBody() throws Exception {
        HttpResponse<byte[]> r = fault("none", CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(at(json(text(r)), "choices", 0, "message", "content").toString()).isNotEmpty();
        assertThat(r.headers().firstValue("x-test-request-bytes")).hasValue(Integer.toString(CHAT.length()));
        assertThat(r.headers().firstValue("x-test-request-sha256")).hasValue(sha256(CHAT.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void answersWithTheHeaderAreTheSameEveryTime() throws Exception {
        String first = text(fault("none", CHAT));
        assertThat(text(fault("none", CHAT))).isEqualTo(first).contains("\"id\":\"chatcmpl-1\"");
        assertThat(text(fault(null, CHAT))).isNotEqualTo(first);
    }

    @Test
    void withoutTheHeaderNoDigestHeaders() throws Exception {
        HttpResponse<byte[]> r = fault(null, CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-test-request-sha256")).isEmpty();
    }

    @Test
    void truncateSendsHalfTheJsonAsACompleteResponse() throws Exception {
        HttpResponse<byte[]> r = fault("truncate", CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(r.body().length));
        assertThat(text(r)).startsWith("{\"id\":\"chatcmpl-");
        assertThatThrownBy(() -> Json.parse(text(r))).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void closeMidBodyBreaksTheConnection() {
        assertThatThrownBy(() -> fault("close-mid-body", CHAT)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> fault("close-mid-body", STREAM)).isInstanceOf(IOException.class);
    }

    @Test
    void gzipAndDeflateCompressTheNormalAnswer() throws Exception {
        HttpResponse<byte[]> g = fault("gzip", CHAT);
        assertThat(g.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(chatContent(new GZIPInputStream(new ByteArrayInputStream(g.body())))).isNotEmpty();
        HttpResponse<byte[]> d = fault("deflate", CHAT);
        assertThat(d.headers().firstValue("content-encoding")).hasValue("deflate");
        assertThat(chatContent(new InflaterInputStream(new ByteArrayInputStream(d.body())))).isNotEmpty();
    }

    @Test
    void notJsonMalformedEmptyAndBinary() throws Exception {
        HttpResponse<byte[]> html = fault("not-json", CHAT);
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(text(html)).isEqualTo(Faults.NOT_JSON_PAGE);

        HttpResponse<byte[]> malformed = fault("malformed", CHAT);
        assertThat(at(json(text(malformed)), "choices").toString()).isEqualTo("none");

        HttpResponse<byte[]> empty = fault("empty", CHAT);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();

        HttpResponse<byte[]> binary = fault("binary", CHAT, "x-test-fault-bytes", "1000");
        byte[] expected = new byte[1000];
        new Random(42).nextBytes(expected);
        assertThat(binary.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(binary.body()).isEqualTo(expected);
    }

    @Test
    void hugeMakesTheReplyAsLongAsAsked() throws Exception {
        HttpResponse<byte[]> r = fault("huge", CHAT, "x-test-fault-bytes", "3000000");
        String content = at(json(text(r)), "choices", 0, "message", "content");
        assertThat(content).hasSize(3_000_000).matches("a+");
        // Other operations: the normal JSON and then white space.
        HttpResponse<String> embeddings = TestHttp.CLIENT.send(post(server.httpUrl() + "/v1/embeddings",
                "{\"model\":\"m\",\"input\":\"hi\"}", "x-test-fault", "huge", "x-test-fault-bytes", "5000")
                .header("Authorization", "Bearer " + VALID_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(embeddings.body()).endsWith("     ");
        assertThat(at(json(embeddings.body()), "object").toString()).isEqualTo("list");
    }

    @Test
    void sseCutEndsTheStreamInTheMiddleOfTheThirdEvent() throws Exception {
        HttpResponse<byte[]> r = fault("sse-cut", STREAM);
        String body = text(r);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body.split("\n\n", -1)).hasSize(Faults.EVENTS_BEFORE_CUT + 1);
        assertThat(body).doesNotContain("[DONE]").doesNotEndWith("\n\n");
    }

    @Test
    void faultsThatDoNotFitAreRefused() throws Exception {
        assertThat(fault("sse-cut", CHAT).statusCode()).isEqualTo(400);
        assertThat(fault("gzip", STREAM).statusCode()).isEqualTo(400);
        assertThat(text(fault("explode", CHAT))).contains("x-test-fault: 'explode' is not a fault");
        assertThat(Faults.Mode.of("Close-Mid-Body")).isEqualTo(Faults.Mode.CLOSE_MID_BODY);
    }

    @Test
    void gzipAndDeflateRequestBodiesAreDecoded() throws Exception {
        for (String enc : new String[] {"gzip", "deflate"}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (OutputStream z = enc.equals("gzip") ? new GZIPOutputStream(b) : new DeflaterOutputStream(b)) {
                z.write(CHAT.getBytes(StandardCharsets.UTF_8));
            }
            HttpResponse<String> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json").header("Content-Encoding", enc)
                    .header("Authorization", "Bearer " + VALID_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(enc).isEqualTo(200);
            assertThat(server.lastRequest().body()).isEqualTo(b.toByteArray()); // recorded as sent
        }
        HttpResponse<String> corrupt = TestHttp.send(post(url, CHAT, "Content-Encoding", "gzip")
                .header("Authorization", "Bearer " + VALID_KEY));
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(corrupt.body()).contains("could not parse");
    }

    @Test
    void requestBodiesOverTheLimitAreReadAndRefusedWith413() throws Exception {
        byte[] big = new byte[250_000];
        new Random(1).nextBytes(big);
        HttpResponse<String> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + VALID_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("250000 bytes > 100000");
        assertThat(r.headers().firstValue("x-test-request-sha256")).hasValue(sha256(big));
    }

    private static String chatContent(InputStream decoded) throws IOException {
        try (InputStream in = decoded) {
            Map<String, Object> doc = json(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return at(doc, "choices", 0, "message", "content");
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
