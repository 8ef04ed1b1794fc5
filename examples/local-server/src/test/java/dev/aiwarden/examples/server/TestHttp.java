package dev.aiwarden.examples.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the tests: a JDK HttpClient and JSON navigation. */
final class TestHttp {

    static final String VALID_KEY = "sk-test-local-0123456789abcdefWXYZ";
    static final String AZURE_KEY = "0123456789abcdef0123456789azureQ";

    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestHttp() {
    }

    static HttpRequest.Builder post(String url, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postBearer(String url, String json, String... headers)
            throws IOException, InterruptedException {
        return send(post(url, json, headers).header("Authorization", "Bearer " + VALID_KEY));
    }

    static HttpResponse<String> postAzure(String url, String json, String... headers)
            throws IOException, InterruptedException {
        return send(post(url, json, headers).header("api-key", AZURE_KEY));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        try {
            return (Map<String, Object>) Json.parse(text);
        } catch (Json.ParseException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Navigates maps and lists: {@code at(doc, "choices", 0, "message", "content")}. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, Object... path) {
        Object cur = node;
        for (Object step : path) {
            if (step instanceof Integer) {
                cur = ((List<Object>) cur).get((Integer) step);
            } else {
                if (!(cur instanceof Map)) {
                    throw new AssertionError("no object at " + step + " in " + node);
                }
                cur = ((Map<String, Object>) cur).get(step);
            }
        }
        return (T) cur;
    }

    @SuppressWarnings("unchecked")
    static boolean has(Object node, String key) {
        return node instanceof Map && ((Map<String, Object>) node).containsKey(key);
    }
}
