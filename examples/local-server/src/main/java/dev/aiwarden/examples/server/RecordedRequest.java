package dev.aiwarden.examples.server;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One request as the server received it (every request that reached the handler, answered or not). */
public final class RecordedRequest {

    private final String method;
    private final String pathAndQuery;
    private final String host;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final boolean https;
    private final long receivedAtMillis;

    RecordedRequest(String method, String pathAndQuery, String host, Map<String, List<String>> headers,
                    byte[] body, boolean https, long receivedAtMillis) {
        this.method = method;
        this.pathAndQuery = pathAndQuery;
        this.host = host;
        this.headers = Collections.unmodifiableMap(headers);
        this.body = body.clone();
        this.https = https;
        this.receivedAtMillis = receivedAtMillis;
    }

    public String method() {
        return method;
    }

    /** Raw path plus {@code ?query} when there is one, e.g. {@code /openai/deployments/d/chat/completions?api-version=2024-10-21}. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** The path without the query. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** The query string without {@code ?}, or null. */
    public String query() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? null : pathAndQuery.substring(q + 1);
    }

    /** The Host header as sent (may include {@code :port}), or null. */
    public String host() {
        return host;
    }

    /** All headers, names in lower case, values in arrival order. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (name case-insensitive), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The body exactly as received (a copy). */
    public byte[] body() {
        return body.clone();
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** True when the request came over the HTTPS listener. */
    public boolean https() {
        return https;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /** Method, scheme, host and path: never a header value (which could be a key). */
    @Override
    public String toString() {
        return method + " " + (https ? "https" : "http") + "://" + host + path() + " (" + body.length + " bytes)";
    }
}
