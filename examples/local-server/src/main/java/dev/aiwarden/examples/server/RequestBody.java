package dev.aiwarden.examples.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The few fields of an OpenAI / Azure OpenAI request body that the local server looks at.
 *
 * <p>Prompt text is gathered from {@code messages} (string contents and {@code text} parts),
 * {@code prompt}, {@code input} and {@code instructions}, whichever the operation uses.
 */
public final class RequestBody {

    private final Map<String, Object> json;
    private final List<String> promptParts;
    private final int messageCount;

    private RequestBody(Map<String, Object> json) {
        this.json = json;
        List<String> parts = new ArrayList<>();
        Object messages = json.get("messages");
        collectText(messages, parts);
        collectText(json.get("prompt"), parts);
        collectText(json.get("input"), parts);
        collectText(json.get("instructions"), parts);
        this.promptParts = Collections.unmodifiableList(parts);
        this.messageCount = messages instanceof List ? ((List<?>) messages).size() : 0;
    }

    /** Parses a UTF-8 JSON body; it must be a JSON object. */
    public static RequestBody parse(byte[] body) throws Json.ParseException {
        Object v = Json.parse(new String(body, StandardCharsets.UTF_8));
        if (!(v instanceof Map)) {
            throw new Json.ParseException("the body is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        return new RequestBody(map);
    }

    /** The {@code model} field, or null. */
    public String model() {
        return string("model");
    }

    public boolean stream() {
        return Boolean.TRUE.equals(json.get("stream"));
    }

    /** {@code stream_options.include_usage}. */
    public boolean includeUsage() {
        Object so = json.get("stream_options");
        return so instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) so).get("include_usage"));
    }

    /** {@code n} (number of choices / images), at least 1 and at most 128. */
    public int n() {
        Object n = json.get("n");
        if (n instanceof Number) {
            return (int) Math.max(1, Math.min(128, ((Number) n).longValue()));
        }
        return 1;
    }

    /** {@code user}, or null. */
    public String user() {
        return string("user");
    }

    /** {@code encoding_format} of an embeddings request ({@code float} or {@code base64}), or null. */
    public String encodingFormat() {
        return string("encoding_format");
    }

    /** {@code response_format} of an images request ({@code url} or {@code b64_json}), or null. */
    public String responseFormat() {
        Object v = json.get("response_format");
        return v instanceof String ? (String) v : null;
    }

    /** The image prompt ({@code prompt} as a string), or "". */
    public String imagePrompt() {
        String p = string("prompt");
        return p == null ? "" : p;
    }

    /** Every piece of prompt text, in request order. */
    public List<String> promptParts() {
        return promptParts;
    }

    /** All prompt text joined with newlines (used to look for trigger words). */
    public String promptText() {
        return String.join("\n", promptParts);
    }

    /** Total characters of the prompt text (the sum over {@link #promptParts()}). */
    public int promptChars() {
        int n = 0;
        for (String p : promptParts) {
            n += p.length();
        }
        return n;
    }

    /** Number of chat messages (0 for other operations). */
    public int messageCount() {
        return messageCount;
    }

    /**
     * The inputs of an embeddings request, one entry per embedding to return: a string gives one, an
     * array of strings one each, an array of token ids one, an array of token arrays one each.
     */
    public List<String> embeddingInputs() {
        Object input = json.get("input");
        List<String> out = new ArrayList<>();
        if (input instanceof String) {
            out.add((String) input);
        } else if (input instanceof List) {
            List<?> l = (List<?>) input;
            if (!l.isEmpty() && l.get(0) instanceof Number) {
                out.add(l.toString()); // a single token array
            } else {
                for (Object o : l) {
                    out.add(o instanceof String ? (String) o : String.valueOf(o));
                }
            }
        }
        return out;
    }

    /** The whole parsed body. */
    public Map<String, Object> json() {
        return Collections.unmodifiableMap(json);
    }

    private String string(String key) {
        Object v = json.get(key);
        return v instanceof String ? (String) v : null;
    }

    /** Strings, arrays of strings, and {@code content}/{@code text} fields of objects (message parts). */
    private static void collectText(Object node, List<String> out) {
        if (node instanceof String) {
            out.add((String) node);
        } else if (node instanceof List) {
            for (Object o : (List<?>) node) {
                collectText(o, out);
            }
        } else if (node instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) node;
            collectText(m.get("content"), out);
            collectText(m.get("text"), out);
        }
    }
}
