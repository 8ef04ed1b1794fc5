package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.Json.arr;
import static dev.aiwarden.examples.server.Json.list;
import static dev.aiwarden.examples.server.Json.obj;

import dev.aiwarden.examples.server.Json.Raw;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Response bodies shaped like the public OpenAI and Azure OpenAI API references. Everything is
 * deterministic: the reply text, the token counts and the embedding values depend only on the request.
 */
public final class Responses {

    public static final String SYSTEM_FINGERPRINT = "fp_local0001";
    /** A 1x1 transparent PNG. */
    public static final String TINY_PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    public static final int EMBEDDING_DIMENSIONS = 8;
    public static final String NO_REVISE_MARKER = "[no-revise]";

    private Responses() {
    }

    /** The operations the server answers. */
    public enum Operation {
        CHAT, EMBEDDINGS, IMAGES, RESPONSES, COMPLETIONS
    }

    // ------------------------------------------------------------------------------------ shared parts

    /** {@code max(1, promptChars / 4)}. */
    public static int promptTokens(int promptChars) {
        return Math.max(1, promptChars / 4);
    }

    /**
     * The reply: "Hello from the local server. You said N characters." (9 words), or, when {@code words}
     * is positive, exactly that many words, cycling through the same sentence.
     */
    public static List<String> replyWords(int promptChars, int words) {
        String[] base = ("Hello from the local server. You said " + promptChars + " characters.").split(" ");
        int count = words > 0 ? words : base.length;
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(base[i % base.length]);
        }
        return out;
    }

    /**
     * The model name Azure reports for a deployment: an {@link Options#azureModel explicit mapping}, else
     * derived from the deployment name (a deployment named after a model answers with that model's
     * versioned name), else a default per operation.
     */
    public static String azureModelName(String deploymentOrModel, Operation op, Map<String, String> overrides) {
        if (deploymentOrModel != null && overrides.containsKey(deploymentOrModel)) {
            return overrides.get(deploymentOrModel);
        }
        String d = deploymentOrModel == null ? "" : deploymentOrModel.toLowerCase(Locale.ROOT);
        if (d.matches(".*\\d{4}-\\d{2}-\\d{2}$")) {
            return deploymentOrModel; // already a versioned name
        }
        if (d.contains("gpt-4o-mini")) {
            return "gpt-4o-mini-2024-07-18";
        }
        if (d.contains("gpt-4o")) {
            return "gpt-4o-2024-08-06";
        }
        if (d.contains("gpt-4.1-mini")) {
            return "gpt-4.1-mini-2025-04-14";
        }
        if (d.contains("gpt-4.1")) {
            return "gpt-4.1-2025-04-14";
        }
        if (d.contains("gpt-35-turbo-instruct") || d.contains("gpt-3.5-turbo-instruct")) {
            return "gpt-35-turbo-instruct";
        }
        if (d.contains("gpt-35-turbo") || d.contains("gpt-3.5-turbo")) {
            return "gpt-35-turbo";
        }
        for (String known : new String[] {"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
                "dall-e-3", "gpt-image-1", "o1", "o3-mini", "o4-mini", "gpt-5"}) {
            if (d.contains(known)) {
                return known;
            }
        }
        switch (op) {
            case EMBEDDINGS: return "text-embedding-3-small";
            case IMAGES: return "dall-e-3";
            case COMPLETIONS: return "gpt-35-turbo-instruct";
            default: return "gpt-4o-2024-08-06";
        }
    }

    /** {@code {"filtered":false,"severity":"safe"}} or a filtered one. */
    private static Raw severity(boolean filtered, String severity) {
        return obj("filtered", filtered, "severity", severity);
    }

    private static Raw detected(boolean filtered, boolean detected) {
        return obj("filtered", filtered, "detected", detected);
    }

    /** Azure's per-prompt filter results, all safe, or (blocked) jailbreak and violence triggered. */
    public static Raw promptContentFilterResults(boolean blocked) {
        return obj(
                "hate", severity(false, "safe"),
                "jailbreak", detected(blocked, blocked),
                "self_harm", severity(false, "safe"),
                "sexual", severity(false, "safe"),
                "violence", blocked ? severity(true, "medium") : severity(false, "safe"));
    }

    /** Azure's per-choice (completion) filter results; violence filtered when {@code filtered}. */
    public static Raw choiceContentFilterResults(boolean filtered) {
        return obj(
                "hate", severity(false, "safe"),
                "protected_material_code", detected(false, false),
                "protected_material_text", detected(false, false),
                "self_harm", severity(false, "safe"),
                "sexual", severity(false, "safe"),
                "violence", filtered ? severity(true, "medium") : severity(false, "safe"));
    }

    public static Raw promptFilterResults() {
        return arr(obj("prompt_index", 0, "content_filter_results", promptContentFilterResults(false)));
    }

    /** Chat / completions usage with the detail objects the references show. */
    public static Raw usage(int promptTokens, int completionTokens) {
        return obj(
                "prompt_tokens", promptTokens,
                "completion_tokens", completionTokens,
                "total_tokens", promptTokens + completionTokens,
                "prompt_tokens_details", obj("cached_tokens", 0, "audio_tokens", 0),
                "completion_tokens_details", obj("reasoning_tokens", 0, "audio_tokens", 0,
                        "accepted_prediction_tokens", 0, "rejected_prediction_tokens", 0));
    }

    // -------------------------------------------------------------------------------- chat completions

    /**
     * A {@code chat.completion} object with {@code n} identical choices. With {@code filteredOutput} the
     * choices end with {@code finish_reason: "content_filter"} and no content (Azure adds filter results).
     */
    public static String chatCompletion(String id, long created, String model, boolean azure, int n,
                                        String reply, int promptTokens, int completionTokens, boolean filteredOutput) {
        List<Object> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Raw message = obj("role", "assistant", "content", filteredOutput ? null : reply, "refusal", null,
                    "annotations", arr());
            if (azure) {
                choices.add(obj("content_filter_results", choiceContentFilterResults(filteredOutput),
                        "finish_reason", filteredOutput ? "content_filter" : "stop",
                        "index", i, "logprobs", null, "message", message));
            } else {
                choices.add(obj("index", i, "message", message, "logprobs", null,
                        "finish_reason", filteredOutput ? "content_filter" : "stop"));
            }
        }
        Raw usage = usage(promptTokens, completionTokens * n);
        if (azure) {
            return obj("choices", list(choices), "created", created, "id", id, "model", model,
                    "object", "chat.completion", "prompt_filter_results", promptFilterResults(),
                    "system_fingerprint", SYSTEM_FINGERPRINT, "usage", usage).json;
        }
        return obj("id", id, "object", "chat.completion", "created", created, "model", model,
                "choices", list(choices), "usage", usage, "service_tier", "default",
                "system_fingerprint", SYSTEM_FINGERPRINT).json;
    }

    /** Azure's first streamed event: prompt filter results and no choices. */
    public static String azurePromptFilterChunk() {
        return obj("choices", arr(), "created", 0, "id", "", "model", "", "object", "",
                "prompt_filter_results", promptFilterResults()).json;
    }

    /**
     * One {@code chat.completion.chunk}.
     *
     * @param delta        the delta object
     * @param finishReason null while streaming
     * @param cfr          Azure's per-choice filter results (null for OpenAI; Azure sends {@code {}} on the
     *                     role and final chunks)
     * @param usageNull    true when the request asked for usage: every chunk then has {@code "usage":null}
     */
    public static String chatChunk(String id, long created, String model, boolean azure, int index, Raw delta,
                                   String finishReason, Raw cfr, boolean usageNull) {
        Raw choice = azure
                ? obj("content_filter_results", cfr == null ? obj() : cfr, "delta", delta,
                        "finish_reason", finishReason, "index", index, "logprobs", null)
                : obj("index", index, "delta", delta, "logprobs", null, "finish_reason", finishReason);
        List<Object> kv = new ArrayList<>(List.of("id", id, "object", "chat.completion.chunk", "created", created,
                "model", model, "system_fingerprint", SYSTEM_FINGERPRINT, "choices", arr(choice)));
        if (!azure) {
            kv.add(6, "service_tier");
            kv.add(7, "default");
        }
        if (usageNull) {
            kv.add("usage");
            kv.add(null);
        }
        return obj(kv.toArray()).json;
    }

    public static Raw roleDelta() {
        return obj("role", "assistant", "content", "", "refusal", null);
    }

    public static Raw contentDelta(String text) {
        return obj("content", text);
    }

    /** The last chunk when {@code stream_options.include_usage} is true: no choices, the usage. */
    public static String chatUsageChunk(String id, long created, String model, boolean azure,
                                        int promptTokens, int completionTokens) {
        List<Object> kv = new ArrayList<>(List.of("id", id, "object", "chat.completion.chunk", "created", created,
                "model", model, "system_fingerprint", SYSTEM_FINGERPRINT, "choices", arr()));
        if (!azure) {
            kv.add(6, "service_tier");
            kv.add(7, "default");
        }
        kv.add("usage");
        kv.add(usage(promptTokens, completionTokens));
        return obj(kv.toArray()).json;
    }

    // ---------------------------------------------------------------------------- legacy completions

    public static String completion(String id, long created, String model, boolean azure, int n, String text,
                                    int promptTokens, int completionTokens, boolean filteredOutput) {
        List<Object> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String finish = filteredOutput ? "content_filter" : "stop";
            String t = filteredOutput ? "" : text;
            choices.add(azure
                    ? obj("text", t, "index", i, "finish_reason", finish, "logprobs", null,
                            "content_filter_results", choiceContentFilterResults(filteredOutput))
                    : obj("text", t, "index", i, "logprobs", null, "finish_reason", finish));
        }
        if (azure) {
            return obj("id", id, "object", "text_completion", "created", created, "model", model,
                    "prompt_filter_results", promptFilterResults(), "choices", list(choices),
                    "usage", usage(promptTokens, completionTokens * n)).json;
        }
        return obj("id", id, "object", "text_completion", "created", created, "model", model,
                "system_fingerprint", SYSTEM_FINGERPRINT, "choices", list(choices),
                "usage", usage(promptTokens, completionTokens * n)).json;
    }

    /** A streamed legacy completion event; {@code usage} non-null only on the usage event (no choices). */
    public static String completionChunk(String id, long created, String model, boolean azure, String text,
                                         String finishReason, Raw usage) {
        Raw choices = usage != null ? arr()
                : arr(azure && text != null && !text.isEmpty()
                        ? obj("text", text, "index", 0, "logprobs", null, "finish_reason", finishReason,
                                "content_filter_results", choiceContentFilterResults(false))
                        : obj("text", text == null ? "" : text, "index", 0, "logprobs", null,
                                "finish_reason", finishReason));
        return obj("id", id, "object", "text_completion", "created", created, "model", model,
                "system_fingerprint", SYSTEM_FINGERPRINT, "choices", choices, "usage", usage).json;
    }

    // -------------------------------------------------------------------------------------- embeddings

    /** Eight deterministic values in [-1, 1] for one input. */
    public static float[] embeddingValues(String input) {
        Random r = new Random(input.hashCode() * 31L + input.length());
        float[] v = new float[EMBEDDING_DIMENSIONS];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round((r.nextFloat() * 2 - 1) * 10000f) / 10000f;
        }
        return v;
    }

    /** The values as float32 little-endian, base64-encoded ({@code encoding_format: "base64"}). */
    public static String embeddingBase64(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    public static String embeddings(String model, List<String> inputs, boolean base64, int promptTokens) {
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = embeddingValues(inputs.get(i));
            Object embedding;
            if (base64) {
                embedding = embeddingBase64(v);
            } else {
                List<Object> floats = new ArrayList<>();
                for (float f : v) {
                    floats.add(f);
                }
                embedding = floats;
            }
            data.add(obj("object", "embedding", "index", i, "embedding", embedding));
        }
        return obj("object", "list", "data", list(data), "model", model,
                "usage", obj("prompt_tokens", promptTokens, "total_tokens", promptTokens)).json;
    }

    // ------------------------------------------------------------------------------------------ images

    /**
     * An images response with {@code n} images: a URL (or, with {@code b64}, a tiny PNG) and a
     * {@code revised_prompt}, unless the prompt contains {@link #NO_REVISE_MARKER}.
     */
    public static String images(long created, long firstImageNumber, String prompt, int n, boolean b64, boolean azure) {
        boolean revise = !prompt.contains(NO_REVISE_MARKER);
        List<Object> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> kv = new ArrayList<>();
            if (azure) {
                kv.addAll(List.of("content_filter_results", obj(
                        "hate", severity(false, "safe"), "self_harm", severity(false, "safe"),
                        "sexual", severity(false, "safe"), "violence", severity(false, "safe"))));
                kv.addAll(List.of("prompt_filter_results", promptContentFilterResults(false)));
            }
            if (b64) {
                kv.addAll(List.of("b64_json", TINY_PNG_BASE64));
            } else {
                kv.addAll(List.of("url", "https://example.invalid/img/" + (firstImageNumber + i) + ".png"));
            }
            if (revise) {
                kv.addAll(List.of("revised_prompt", "A detailed, revised version of: " + prompt));
            }
            data.add(obj(kv.toArray()));
        }
        return obj("created", created, "data", list(data)).json;
    }

    // ------------------------------------------------------------------------------------ Responses API

    /** The {@code output_text} message item of a response. */
    public static Raw responseMessage(String messageId, String status, String text) {
        return obj("type", "message", "id", messageId, "status", status, "role", "assistant",
                "content", text == null ? arr() : arr(outputText(text)));
    }

    public static Raw outputText(String text) {
        return obj("type", "output_text", "text", text, "annotations", arr(), "logprobs", arr());
    }

    /**
     * A {@code response} object with every field openai-java 4.101.0 treats as required (several may be
     * null) and the usual optional ones.
     *
     * @param text null for an in-progress response (no output yet)
     */
    public static String response(String id, String messageId, long createdAt, String model, String status,
                                  String text, int inputTokens, int outputTokens, String user, Object instructions) {
        boolean done = "completed".equals(status);
        return obj(
                "id", id,
                "object", "response",
                "created_at", createdAt,
                "status", status,
                "background", false,
                "completed_at", done ? createdAt : null,
                "error", null,
                "incomplete_details", null,
                "instructions", instructions instanceof String ? instructions : null,
                "max_output_tokens", null,
                "max_tool_calls", null,
                "model", model,
                "output", text == null ? arr() : arr(responseMessage(messageId, "completed", text)),
                "parallel_tool_calls", true,
                "previous_response_id", null,
                "prompt_cache_key", null,
                "reasoning", obj("effort", null, "summary", null),
                "safety_identifier", null,
                "service_tier", "default",
                "store", true,
                "temperature", 1.0,
                "text", obj("format", obj("type", "text"), "verbosity", "medium"),
                "tool_choice", "auto",
                "tools", arr(),
                "top_logprobs", 0,
                "top_p", 1.0,
                "truncation", "disabled",
                "usage", done ? obj(
                        "input_tokens", inputTokens,
                        "input_tokens_details", obj("cached_tokens", 0, "cache_write_tokens", 0),
                        "output_tokens", outputTokens,
                        "output_tokens_details", obj("reasoning_tokens", 0),
                        "total_tokens", inputTokens + outputTokens) : null,
                "user", user,
                "metadata", obj(),
                "access_programs", null).json;
    }

    // ------------------------------------------------------------------------------------------ errors

    /** The OpenAI error shape {@code {"error":{"message","type","param","code"}}}. */
    public static String error(String message, String type, String param, String code) {
        return obj("error", obj("message", message, "type", type, "param", param, "code", code)).json;
    }

    /** 401 body; {@code keyHint} is {@code ...WXYZ} (or {@code ...} for a short key), never the key. */
    public static String invalidApiKey(String keyHint) {
        if (keyHint == null) {
            return error("You didn't provide an API key. You need to provide your API key in an Authorization "
                    + "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the api-key header "
                    + "for Azure OpenAI.", "invalid_request_error", null, "invalid_api_key");
        }
        return error("Incorrect API key provided: " + keyHint + ". You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
    }

    /** Azure's 400 when the prompt trips the content filter. */
    public static String azureContentFilterError() {
        return obj("error", obj(
                "message", "The response was filtered due to the prompt triggering Azure OpenAI's content management "
                        + "policy. Please modify your prompt and retry. To learn more about our content filtering "
                        + "policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
                "type", null,
                "param", "prompt",
                "code", "content_filter",
                "status", 400,
                "innererror", obj(
                        "code", "ResponsibleAIPolicyViolation",
                        "content_filter_result", promptContentFilterResults(true)))).json;
    }

    public static String rateLimited(String model) {
        return error("Rate limit reached for " + model + " in organization org-local on requests per min (RPM): "
                        + "Limit 3, Used 3, Requested 1. Please try again in 1s.",
                "requests", null, "rate_limit_exceeded");
    }

    public static String serverError() {
        return error("The server had an error while processing your request. Sorry about that!",
                "server_error", null, null);
    }
}
