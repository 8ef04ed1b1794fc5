package dev.aiwarden.examples.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Broken answers on request, for tests of what clients (and agents inside them) do with bad bytes.
 *
 * <p>Request header {@code x-test-fault: MODE} on an otherwise valid, authorised request. For a
 * request that is not streamed the normal 200 JSON answer is replaced:
 *
 * <ul>
 *   <li>{@code none}: the normal answer (with the digest headers below);
 *   <li>{@code truncate}: the first half of the JSON, as a complete response ({@code Content-Length}
 *       of the half);
 *   <li>{@code close-mid-body}: {@code Content-Length} of the whole, half of it written, then,
 *       {@link #CLOSE_PAUSE_MILLIS} later, the connection is closed (the pause lets a client read
 *       the half it got first: the JDK's {@code HttpClient} input stream throws as soon as the
 *       error arrives, dropping bytes it had received but not yet handed out, so without it how
 *       many bytes the application read before the exception would be down to thread timing);
 *   <li>{@code gzip} / {@code deflate}: the JSON compressed, with {@code Content-Encoding} (deflate
 *       is the zlib format of RFC 9110);
 *   <li>{@code not-json}: a 200 HTML error page ({@code text/html}) as a broken proxy sends;
 *   <li>{@code malformed}: valid JSON of the wrong shape (wrong types everywhere);
 *   <li>{@code empty}: {@code Content-Length: 0};
 *   <li>{@code binary}: random bytes (fixed seed) labelled {@code application/json};
 *   <li>{@code huge}: a valid answer of {@code x-test-fault-bytes} bytes (default 100 MiB; for chat
 *       completions the reply text itself is that long, for other operations the JSON is followed
 *       by that much white space), written as it is generated.
 * </ul>
 *
 * For a streamed request ({@code "stream": true}): {@code sse-cut} writes two events and half of
 * the third, then ends the stream cleanly (no {@code [DONE]}); {@code close-mid-body} does the
 * same but closes the connection instead of ending the chunked body; {@code none} streams
 * normally. Any other combination, or an unknown mode, is refused with 400.
 *
 * <p>Whenever the header is present, the answer is the same every time (id {@code chatcmpl-1},
 * {@code created} {@value #FIXED_CREATED}) and carries {@code x-test-request-bytes} and {@code
 * x-test-request-sha256}: the length and SHA-256 of the request body as it arrived (before any
 * {@code Content-Encoding} is decoded), so a test can compare what reached the server.
 */
final class Faults {
    static final String HEADER = "x-test-fault";
    static final String BYTES_HEADER = "x-test-fault-bytes";
    static final String REQUEST_BYTES_HEADER = "x-test-request-bytes";
    static final String REQUEST_SHA256_HEADER = "x-test-request-sha256";
    /** {@link HttpExchange} attribute holding the {@link Mode} of the exchange. */
    static final String ATTRIBUTE = "dev.aiwarden.examples.server.fault";
    /** In a chat completion answered with {@code huge}: stands for the long reply text. */
    static final String HUGE_MARKER = "@@huge-reply@@";
    static final long FIXED_CREATED = 1_700_000_000L;
    static final long DEFAULT_HUGE_BYTES = 100L << 20;
    static final int DEFAULT_BINARY_BYTES = 64 << 10;
    /** A streamed answer is cut in the event after this many whole events. */
    static final int EVENTS_BEFORE_CUT = 2;
    static final String NOT_JSON_PAGE = "<html><head><title>502 Bad Gateway</title></head>"
            + "<body><h1>502 Bad Gateway</h1><p>upstream connect error</p></body></html>\n";
    static final String MALFORMED_JSON = "{\"id\":42,\"object\":[\"chat.completion\"],\"created\":\"yesterday\","
            + "\"model\":{\"name\":\"gpt-4o\"},\"choices\":\"none\",\"usage\":{\"prompt_tokens\":\"many\","
            + "\"completion_tokens\":-1,\"total_tokens\":1e999}}";

    /** The modes of {@code x-test-fault}. */
    enum Mode {
        NONE, TRUNCATE, CLOSE_MID_BODY, GZIP, DEFLATE, NOT_JSON, MALFORMED, EMPTY, BINARY, HUGE, SSE_CUT;

        /** The header value: {@code close-mid-body} for {@link #CLOSE_MID_BODY}. */
        String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the mode applies to a streamed ({@code true}) or a plain request. */
        boolean appliesTo(boolean streamed) {
            if (this == NONE || this == CLOSE_MID_BODY) {
                return true;
            }
            return streamed == (this == SSE_CUT);
        }

        /** The mode for a header value, or null. */
        static Mode of(String value) {
            for (Mode m : values()) {
                if (m.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * Thrown out of the exchange handler to make the JDK's server close the connection without
     * finishing the response (the handler must not close the exchange).
     */
    /** How long {@code close-mid-body} waits between the bytes it sends and closing the connection. */
    static final long CLOSE_PAUSE_MILLIS = 200;

    private static void pauseBeforeClosing() {
        try {
            Thread.sleep(CLOSE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super("connection closed mid-body on request (x-test-fault)", null, false, false);
        }
    }

    /** Thrown when a streamed answer was cut on request and ended cleanly. */
    static final class Cut extends IOException {
        private static final long serialVersionUID = 1L;

        Cut() {
            super("stream cut on request (x-test-fault)");
        }
    }

    private Faults() {
    }

    /** A request body as read: at most {@code limit} bytes kept, the length and digest of all of it. */
    static final class ReadBody {
        final byte[] bytes;
        final long length;
        final String sha256;

        ReadBody(byte[] bytes, long length, String sha256) {
            this.bytes = bytes;
            this.length = length;
            this.sha256 = sha256;
        }

        boolean tooLarge() {
            return bytes == null;
        }
    }

    /** Reads the whole body, keeping it only if it is at most {@code limit} bytes long. */
    static ReadBody read(InputStream in, long limit) throws IOException {
        MessageDigest sha = sha256();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[64 << 10];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            sha.update(buf, 0, n);
            total += n;
            if (kept != null) {
                if (total <= limit) {
                    kept.write(buf, 0, n);
                } else {
                    kept = null; // from here on only counted and hashed
                }
            }
        }
        return new ReadBody(kept == null ? null : kept.toByteArray(), total, HexFormat.of().formatHex(sha.digest()));
    }

    /** Decodes a request body sent with {@code Content-Encoding} gzip or deflate (others: as is). */
    static byte[] decode(byte[] body, String contentEncoding, long limit) throws IOException {
        if (contentEncoding == null) {
            return body;
        }
        String enc = contentEncoding.trim().toLowerCase(Locale.ROOT);
        InputStream in;
        if (enc.equals("gzip") || enc.equals("x-gzip")) {
            in = new GZIPInputStream(new java.io.ByteArrayInputStream(body));
        } else if (enc.equals("deflate")) {
            in = new InflaterInputStream(new java.io.ByteArrayInputStream(body));
        } else {
            return body;
        }
        try (InputStream decoded = in) {
            byte[] out = decoded.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (out.length > limit) {
                throw new IOException("the decoded body is larger than " + limit + " bytes");
            }
            return out;
        }
    }

    /** Writes a 200 answer whose normal JSON is {@code json}, broken as {@code mode} says. */
    static void send(HttpExchange ex, Mode mode, byte[] json) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        switch (mode) {
            case NONE:
                write(ex, json);
                return;
            case TRUNCATE:
                write(ex, Arrays.copyOf(json, json.length / 2));
                return;
            case CLOSE_MID_BODY: {
                ex.sendResponseHeaders(200, json.length);
                OutputStream os = ex.getResponseBody();
                os.write(json, 0, json.length / 2);
                os.flush();
                pauseBeforeClosing();
                throw new Abort();
            }
            case GZIP:
            case DEFLATE: {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (OutputStream z = mode == Mode.GZIP ? new GZIPOutputStream(b) : new DeflaterOutputStream(b)) {
                    z.write(json);
                }
                ex.getResponseHeaders().set("Content-Encoding", mode.value());
                write(ex, b.toByteArray());
                return;
            }
            case NOT_JSON:
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                write(ex, NOT_JSON_PAGE.getBytes(StandardCharsets.UTF_8));
                return;
            case MALFORMED:
                write(ex, MALFORMED_JSON.getBytes(StandardCharsets.UTF_8));
                return;
            case EMPTY:
                ex.sendResponseHeaders(200, -1);
                return;
            case BINARY: {
                byte[] random = new byte[(int) Math.min(1 << 30, size(ex, DEFAULT_BINARY_BYTES))];
                new Random(42).nextBytes(random);
                write(ex, random);
                return;
            }
            case HUGE:
                sendHuge(ex, json, size(ex, DEFAULT_HUGE_BYTES));
                return;
            default:
                throw new IllegalStateException("fault " + mode.value() + " on a plain answer");
        }
    }

    /** A chat reply text of {@code n} letters in place of {@link #HUGE_MARKER}, else trailing spaces. */
    private static void sendHuge(HttpExchange ex, byte[] json, long n) throws IOException {
        String text = new String(json, StandardCharsets.UTF_8);
        int at = text.indexOf(HUGE_MARKER);
        byte[] head = (at < 0 ? text : text.substring(0, at)).getBytes(StandardCharsets.UTF_8);
        byte[] tail = at < 0 ? new byte[0] : text.substring(at + HUGE_MARKER.length()).getBytes(StandardCharsets.UTF_8);
        byte[] fill = new byte[64 << 10];
        Arrays.fill(fill, at < 0 ? (byte) ' ' : (byte) 'a');
        ex.sendResponseHeaders(200, head.length + n + tail.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(head);
            for (long left = n; left > 0; ) {
                int k = (int) Math.min(fill.length, left);
                os.write(fill, 0, k);
                left -= k;
            }
            os.write(tail);
        }
    }

    private static long size(HttpExchange ex, long dflt) {
        String v = ex.getRequestHeaders().getFirst(BYTES_HEADER);
        if (v == null) {
            return dflt;
        }
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static void write(HttpExchange ex, byte[] bytes) throws IOException {
        ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /**
     * Called before each streamed event: after {@link #EVENTS_BEFORE_CUT} whole events, writes half of
     * {@code event} and ends the stream ({@code sse-cut}: cleanly, throwing {@link Cut};
     * {@code close-mid-body}: by closing the connection, throwing {@link Abort}).
     */
    static void beforeEvent(Mode mode, int eventsWritten, byte[] event, OutputStream os) throws IOException {
        if ((mode != Mode.SSE_CUT && mode != Mode.CLOSE_MID_BODY) || eventsWritten < EVENTS_BEFORE_CUT) {
            return;
        }
        os.write(event, 0, event.length / 2);
        os.flush();
        if (mode == Mode.CLOSE_MID_BODY) {
            pauseBeforeClosing();
            throw new Abort();
        }
        os.close();
        throw new Cut();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
