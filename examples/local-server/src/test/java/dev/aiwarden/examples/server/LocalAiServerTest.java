package dev.aiwarden.examples.server;

import static dev.aiwarden.examples.server.TestHttp.AZURE_KEY;
import static dev.aiwarden.examples.server.TestHttp.VALID_KEY;
import static dev.aiwarden.examples.server.TestHttp.at;
import static dev.aiwarden.examples.server.TestHttp.has;
import static dev.aiwarden.examples.server.TestHttp.json;
import static dev.aiwarden.examples.server.TestHttp.post;
import static dev.aiwarden.examples.server.TestHttp.postAzure;
import static dev.aiwarden.examples.server.TestHttp.postBearer;
import static dev.aiwarden.examples.server.TestHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalAiServerTest {

    static LocalAiServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = LocalAiServer.start(new Options().validKeys(VALID_KEY, AZURE_KEY).httpsPort(Options.DISABLED));
        base = server.httpUrl();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello there, server!\"}]}";

    // ------------------------------------------------------------------------------------------- chat

    @Test
    void openAiChatCompletion() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions", CHAT);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "id")).startsWith("chatcmpl-");
        assertThat((String) at(doc, "object")).isEqualTo("chat.completion");
        assertThat((Long) at(doc, "created")).isPositive();
        assertThat((String) at(doc, "model")).isEqualTo("gpt-4o");
        assertThat((String) at(doc, "system_fingerprint")).isNotEmpty();
        assertThat((String) at(doc, "choices", 0, "message", "role")).isEqualTo("assistant");
        // "Be brief." (9) + "Hello there, server!" (20) = 29 characters
        assertThat((String) at(doc, "choices", 0, "message", "content"))
                .isEqualTo("Hello from the local server. You said 29 characters.");
        assertThat(has(at(doc, "choices", 0, "message"), "refusal")).isTrue();
        assertThat((String) at(doc, "choices", 0, "finish_reason")).isEqualTo("stop");
        assertThat((Long) at(doc, "usage", "prompt_tokens")).isEqualTo(7L); // 29 / 4
        assertThat((Long) at(doc, "usage", "completion_tokens")).isEqualTo(9L);
        assertThat((Long) at(doc, "usage", "total_tokens")).isEqualTo(16L);
        assertThat((Long) at(doc, "usage", "prompt_tokens_details", "cached_tokens")).isZero();
        assertThat((Long) at(doc, "usage", "completion_tokens_details", "reasoning_tokens")).isZero();
        assertThat(has(doc, "prompt_filter_results")).isFalse();
        assertThat(has(at(doc, "choices", 0), "content_filter_results")).isFalse();
    }

    @Test
    void azureDeploymentChatCarriesAzureAnnotationsAndTheRealModelName() throws Exception {
        HttpResponse<String> r = postAzure(base + "/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("apim-request-id")).isPresent();
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "model")).isEqualTo("gpt-4o-2024-08-06");
        assertThat((String) at(doc, "choices", 0, "message", "content")).contains("You said 2 characters.");
        assertThat((Long) at(doc, "prompt_filter_results", 0, "prompt_index")).isZero();
        Map<String, Object> pfr = at(doc, "prompt_filter_results", 0, "content_filter_results");
        assertThat(pfr).containsKeys("hate", "self_harm", "sexual", "violence", "jailbreak");
        assertThat((Boolean) at(pfr, "jailbreak", "detected")).isFalse();
        assertThat((String) at(pfr, "violence", "severity")).isEqualTo("safe");
        assertThat((Boolean) at(doc, "choices", 0, "content_filter_results", "violence", "filtered")).isFalse();
    }

    @Test
    void azureV1PathUsesTheBodysModelAsDeployment() throws Exception {
        HttpResponse<String> r = postAzure(base + "/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "model")).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(has(doc, "prompt_filter_results")).isTrue();
    }

    @Test
    void azureModelMappingCanBeConfigured() throws Exception {
        try (LocalAiServer s = LocalAiServer.start(new Options().validKeys(AZURE_KEY).httpsPort(Options.DISABLED)
                .azureModel("prod-chat", "gpt-4.1-2025-04-14"))) {
            HttpResponse<String> r = postAzure(s.httpUrl() + "/openai/deployments/prod-chat/chat/completions?api-version=x",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat((String) at(json(r.body()), "model")).isEqualTo("gpt-4.1-2025-04-14");
        }
    }

    @Test
    void azureHostNamesAreRecognised() {
        assertThat(LocalAiServer.isAzureHost("myres.openai.azure.com")).isTrue();
        assertThat(LocalAiServer.isAzureHost("myres.openai.azure.com:8443")).isTrue();
        assertThat(LocalAiServer.isAzureHost("MYRES.cognitiveservices.azure.com")).isTrue();
        assertThat(LocalAiServer.isAzureHost("myres.services.ai.azure.com")).isTrue();
        assertThat(LocalAiServer.isAzureHost("gw.azure-api.net")).isTrue();
        assertThat(LocalAiServer.isAzureHost("api.openai.com")).isFalse();
        assertThat(LocalAiServer.isAzureHost("127.0.0.1:1234")).isFalse();
        assertThat(LocalAiServer.isAzureHost(null)).isFalse();
    }

    @Test
    void nChoicesAndWordsHeader() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                LocalAiServer.WORDS_HEADER, "3");

        Map<String, Object> doc = json(r.body());
        assertThat((List<?>) at(doc, "choices")).hasSize(2);
        assertThat((String) at(doc, "choices", 1, "message", "content")).isEqualTo("Hello from the");
        assertThat((Long) at(doc, "choices", 1, "index")).isEqualTo(1L);
        assertThat((Long) at(doc, "usage", "completion_tokens")).isEqualTo(6L);
    }

    @Test
    void legacyCompletions() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/completions",
                "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say hi\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "object")).isEqualTo("text_completion");
        assertThat((String) at(doc, "choices", 0, "text")).contains("You said 6 characters.");
        assertThat((Long) at(doc, "usage", "prompt_tokens")).isEqualTo(1L);
    }

    // --------------------------------------------------------------------------------------- streaming

    /** The data lines of an SSE body, in order. */
    static List<String> dataEvents(String sse) {
        List<String> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring("data: ".length()));
                }
            }
        }
        return out;
    }

    @Test
    void streamedChatWithUsage() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        List<String> events = dataEvents(r.body());
        // role, 9 words, finish, usage, [DONE]
        assertThat(events).hasSize(13);
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");

        Map<String, Object> role = json(events.get(0));
        assertThat((String) at(role, "object")).isEqualTo("chat.completion.chunk");
        assertThat((String) at(role, "choices", 0, "delta", "role")).isEqualTo("assistant");

        StringBuilder text = new StringBuilder();
        String id = at(role, "id");
        for (String e : events.subList(1, 10)) {
            Map<String, Object> chunk = json(e);
            assertThat((String) at(chunk, "id")).isEqualTo(id);
            assertThat((Object) at(chunk, "choices", 0, "finish_reason")).isNull();
            assertThat(has(chunk, "usage")).isTrue(); // "usage": null on every chunk when usage was asked for
            text.append((String) at(chunk, "choices", 0, "delta", "content"));
        }
        assertThat(text.toString()).isEqualTo("Hello from the local server. You said 11 characters.");

        Map<String, Object> finish = json(events.get(10));
        assertThat((String) at(finish, "choices", 0, "finish_reason")).isEqualTo("stop");

        Map<String, Object> usage = json(events.get(11));
        assertThat((List<?>) at(usage, "choices")).isEmpty();
        assertThat((Long) at(usage, "usage", "prompt_tokens")).isEqualTo(2L);
        assertThat((Long) at(usage, "usage", "completion_tokens")).isEqualTo(9L);
        assertThat((Long) at(usage, "usage", "total_tokens")).isEqualTo(11L);
    }

    @Test
    void streamedChatWithoutUsageHasNoUsageChunk() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        List<String> events = dataEvents(r.body());
        assertThat(events).hasSize(12).last().isEqualTo("[DONE]");
        for (String e : events.subList(0, events.size() - 1)) {
            assertThat(has(json(e), "usage")).isFalse();
            assertThat((List<?>) at(json(e), "choices")).hasSize(1);
        }
    }

    @Test
    void azureStreamStartsWithPromptFilterResults() throws Exception {
        HttpResponse<String> r = postAzure(base + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        List<String> events = dataEvents(r.body());
        Map<String, Object> first = json(events.get(0));
        assertThat((List<?>) at(first, "choices")).isEmpty();
        assertThat((Long) at(first, "prompt_filter_results", 0, "prompt_index")).isZero();
        Map<String, Object> role = json(events.get(1));
        assertThat((String) at(role, "model")).isEqualTo("gpt-4o-2024-08-06");
        assertThat((String) at(role, "choices", 0, "delta", "role")).isEqualTo("assistant");
        assertThat((Boolean) at(json(events.get(2)), "choices", 0, "content_filter_results", "hate", "filtered")).isFalse();
        assertThat(events.get(events.size() - 2)).contains("\"usage\":{\"prompt_tokens\"");
        assertThat(events).last().isEqualTo("[DONE]");
    }

    @Test
    void fiveHundredChunkStream() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                LocalAiServer.WORDS_HEADER, "500");

        List<String> events = dataEvents(r.body());
        assertThat(events).hasSize(1 + 500 + 1 + 1);
        assertThat(events).last().isEqualTo("[DONE]");
    }

    @Test
    void streamedEventsArriveOneByOne() throws Exception {
        long delay = 40;
        try (LocalAiServer slow = LocalAiServer.start(new Options().validKeys(VALID_KEY).httpsPort(Options.DISABLED)
                .streamChunkDelayMillis(delay))) {
            HttpRequest req = post(slow.httpUrl() + "/v1/chat/completions",
                    "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                    LocalAiServer.WORDS_HEADER, "5", "Authorization", "Bearer " + VALID_KEY).build();
            List<Long> arrivals = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            HttpResponse<java.util.stream.Stream<String>> r = TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofLines());
            r.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
                arrivals.add(System.nanoTime());
                lines.add(l);
            });

            // role + 5 words + finish + [DONE] = 8 events, 7 pauses of 40 ms between them
            assertThat(lines).hasSize(8).last().isEqualTo("data: [DONE]");
            long spreadMillis = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1_000_000;
            assertThat(spreadMillis).isGreaterThanOrEqualTo(5 * delay);
        }
    }

    @Test
    void heldStreamSendsItsFirstEventAndWaitsForTheRelease() throws Exception {
        HttpRequest req = post(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                LocalAiServer.WORDS_HEADER, "3", LocalAiServer.HOLD_HEADER, "unit-1",
                "Authorization", "Bearer " + VALID_KEY).build();
        HttpResponse<java.util.stream.Stream<String>> r = TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new ArrayList<>();
        java.util.Iterator<String> it = r.body().filter(l -> l.startsWith("data: ")).iterator();
        lines.add(it.next()); // arrives while the server holds the rest
        assertThat(server.holdOutcome("unit-1")).isNull();
        assertThat(send(HttpRequest.newBuilder(URI.create(base + LocalAiServer.RELEASE_PATH + "unit-1")).GET())
                .statusCode()).isEqualTo(200);
        it.forEachRemaining(lines::add);

        // role + 3 words + finish + [DONE]
        assertThat(lines).hasSize(6).last().isEqualTo("data: [DONE]");
        assertThat(lines.get(0)).contains("\"role\":\"assistant\"");
        assertThat(server.holdOutcome("unit-1")).isEqualTo("released");
    }

    @Test
    void aReleaseThatComesFirstLetsTheStreamThrough() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create(base + LocalAiServer.RELEASE_PATH + "unit-2")).GET())
                .statusCode()).isEqualTo(200);
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                LocalAiServer.WORDS_HEADER, "2", LocalAiServer.HOLD_HEADER, "unit-2");
        assertThat(dataEvents(r.body())).hasSize(5);
        assertThat(server.holdOutcome("unit-2")).isEqualTo("released");
    }

    @Test
    void streamedResponsesApi() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/responses",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"input\":\"Hi\"}", LocalAiServer.WORDS_HEADER, "2");

        assertThat(r.body()).startsWith("event: response.created\n");
        List<String> events = dataEvents(r.body());
        Map<String, Object> last = json(events.get(events.size() - 1));
        assertThat((String) at(last, "type")).isEqualTo("response.completed");
        assertThat((String) at(last, "response", "output", 0, "content", 0, "text")).isEqualTo("Hello from");
        assertThat((Long) at(last, "response", "usage", "output_tokens")).isEqualTo(2L);
        assertThat(r.body()).doesNotContain("[DONE]");
    }

    // -------------------------------------------------------------------------------------- embeddings

    @Test
    void embeddingsAsFloatsAndAsBase64() throws Exception {
        String floatsBody = "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\"],\"encoding_format\":\"float\"}";
        Map<String, Object> floats = json(postBearer(base + "/v1/embeddings", floatsBody).body());
        assertThat((String) at(floats, "object")).isEqualTo("list");
        assertThat((String) at(floats, "model")).isEqualTo("text-embedding-3-small");
        assertThat((List<?>) at(floats, "data")).hasSize(2);
        assertThat((String) at(floats, "data", 1, "object")).isEqualTo("embedding");
        assertThat((Long) at(floats, "data", 1, "index")).isEqualTo(1L);
        List<Object> values = at(floats, "data", 0, "embedding");
        assertThat(values).hasSize(8);
        assertThat((Long) at(floats, "usage", "prompt_tokens")).isEqualTo(2L); // 9 chars / 4
        assertThat((Long) at(floats, "usage", "total_tokens")).isEqualTo(2L);

        Map<String, Object> b64 = json(postBearer(base + "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\"],\"encoding_format\":\"base64\"}").body());
        String encoded = at(b64, "data", 0, "embedding");
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.remaining()).isEqualTo(32);
        for (Object v : values) {
            assertThat(buf.getFloat()).isEqualTo((float) ((Number) v).doubleValue());
        }
    }

    @Test
    void embeddingOfASingleString() throws Exception {
        Map<String, Object> doc = json(postAzure(base + "/openai/deployments/emb/embeddings?api-version=2024-10-21",
                "{\"input\":\"one\"}").body());
        assertThat((List<?>) at(doc, "data")).hasSize(1);
        assertThat((String) at(doc, "model")).isEqualTo("text-embedding-3-small");
    }

    // ------------------------------------------------------------------------------------------ images

    @Test
    void imagesWithAndWithoutRevisedPrompt() throws Exception {
        Map<String, Object> revised = json(postBearer(base + "/v1/images/generations",
                "{\"model\":\"dall-e-3\",\"prompt\":\"a red \\\"fox\\\"\"}").body());
        assertThat((Long) at(revised, "created")).isPositive();
        assertThat((String) at(revised, "data", 0, "url")).startsWith("https://example.invalid/img/").endsWith(".png");
        assertThat((String) at(revised, "data", 0, "revised_prompt")).isEqualTo("A detailed, revised version of: a red \"fox\"");

        Map<String, Object> unrevised = json(postBearer(base + "/v1/images/generations",
                "{\"model\":\"dall-e-3\",\"prompt\":\"a red fox [no-revise]\"}").body());
        assertThat((String) at(unrevised, "data", 0, "url")).isNotEmpty();
        assertThat(has(at(unrevised, "data", 0), "revised_prompt")).isFalse();
    }

    @Test
    void imagesAsBase64() throws Exception {
        Map<String, Object> doc = json(postAzure(base + "/openai/deployments/dalle3/images/generations?api-version=2024-10-21",
                "{\"prompt\":\"a fox\",\"n\":2,\"response_format\":\"b64_json\"}").body());
        assertThat((List<?>) at(doc, "data")).hasSize(2);
        byte[] png = Base64.getDecoder().decode((String) at(doc, "data", 0, "b64_json"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(has(at(doc, "data", 0), "url")).isFalse();
        assertThat(has(at(doc, "data", 0), "content_filter_results")).isTrue();
    }

    // ----------------------------------------------------------------------------------- Responses API

    @Test
    void responsesApi() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/responses",
                "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Hello\"}]}],"
                        + "\"instructions\":\"Be nice\",\"user\":\"u-42\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "id")).startsWith("resp_");
        assertThat((String) at(doc, "object")).isEqualTo("response");
        assertThat((String) at(doc, "status")).isEqualTo("completed");
        assertThat((String) at(doc, "model")).isEqualTo("gpt-4o");
        assertThat((String) at(doc, "instructions")).isEqualTo("Be nice");
        assertThat((String) at(doc, "user")).isEqualTo("u-42");
        // fields openai-java's Response treats as required
        assertThat(doc).containsKeys("created_at", "error", "incomplete_details", "instructions", "metadata",
                "parallel_tool_calls", "temperature", "tool_choice", "tools", "top_p", "output", "access_programs");
        assertThat((String) at(doc, "output", 0, "type")).isEqualTo("message");
        assertThat((String) at(doc, "output", 0, "role")).isEqualTo("assistant");
        assertThat((String) at(doc, "output", 0, "content", 0, "type")).isEqualTo("output_text");
        assertThat((String) at(doc, "output", 0, "content", 0, "text")).contains("You said 12 characters."); // Hello + Be nice
        assertThat((Long) at(doc, "usage", "input_tokens")).isEqualTo(3L);
        assertThat((Long) at(doc, "usage", "output_tokens")).isEqualTo(9L);
        assertThat((Long) at(doc, "usage", "total_tokens")).isEqualTo(12L);
        assertThat((Long) at(doc, "usage", "input_tokens_details", "cached_tokens")).isZero();
        assertThat((Long) at(doc, "usage", "output_tokens_details", "reasoning_tokens")).isZero();
    }

    // ------------------------------------------------------------------------------------------- keys

    @Test
    void unknownKeyGets401WithoutEchoingTheKey() throws Exception {
        String wrong = "sk-proj-thisIsNotAValidKeyAtAll-LMNO";
        HttpResponse<String> r = send(post(base + "/v1/chat/completions", CHAT).header("Authorization", "Bearer " + wrong));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(wrong).doesNotContain("thisIsNotAValidKey");
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "error", "message")).startsWith("Incorrect API key provided").contains("...LMNO");
        assertThat((String) at(doc, "error", "type")).isEqualTo("invalid_request_error");
        assertThat((String) at(doc, "error", "code")).isEqualTo("invalid_api_key");
        assertThat(has(at(doc, "error"), "param")).isTrue();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void unknownAzureKeyAndMissingKeyGet401() throws Exception {
        String wrong = "ffffffffffffffffffffffffffffffff";
        HttpResponse<String> azure = send(post(base + "/openai/deployments/d/chat/completions?api-version=x", CHAT)
                .header("api-key", wrong));
        assertThat(azure.statusCode()).isEqualTo(401);
        assertThat(azure.body()).doesNotContain(wrong);

        HttpResponse<String> none = send(post(base + "/v1/chat/completions", CHAT));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat((String) at(json(none.body()), "error", "code")).isEqualTo("invalid_api_key");
    }

    @Test
    void shortKeysAreNotHinted() throws Exception {
        HttpResponse<String> r = send(post(base + "/v1/chat/completions", CHAT).header("Authorization", "Bearer abc12345"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("2345");
    }

    static final String JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJ0aWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJhcHBpZCI6ImFwcCJ9"
            + ".c2lnbmF0dXJl";

    @Test
    void jwtBearerTokensAreAcceptedUnlessTurnedOff() throws Exception {
        HttpResponse<String> r = send(post(base + "/openai/deployments/gpt-4o/chat/completions?api-version=x", CHAT)
                .header("Authorization", "Bearer " + JWT));
        assertThat(r.statusCode()).isEqualTo(200);

        try (LocalAiServer strict = LocalAiServer.start(new Options().acceptAnyJwt(false).httpsPort(Options.DISABLED))) {
            HttpResponse<String> denied = send(post(strict.httpUrl() + "/v1/chat/completions", CHAT)
                    .header("Authorization", "Bearer " + JWT));
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.body()).doesNotContain(JWT);
        }
    }

    // -------------------------------------------------------------------------------- trigger words

    @Test
    void rateLimitTrigger() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"please [rate-limit] me\"}]}");

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).isPresent();
        assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
        assertThat((String) at(json(r.body()), "error", "code")).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void azureContentFilterTrigger() throws Exception {
        HttpResponse<String> r = postAzure(base + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"[content-filter] bad\"}]}]}");

        assertThat(r.statusCode()).isEqualTo(400);
        Map<String, Object> error = at(json(r.body()), "error");
        assertThat((String) at(error, "code")).isEqualTo("content_filter");
        assertThat((String) at(error, "param")).isEqualTo("prompt");
        assertThat((Long) at(error, "status")).isEqualTo(400L);
        assertThat((String) at(error, "message")).contains("content management policy");
        assertThat(has(error, "type")).isTrue();
        assertThat((Object) at(error, "type")).isNull();
        assertThat((String) at(error, "innererror", "code")).isEqualTo("ResponsibleAIPolicyViolation");
        Map<String, Object> cfr = at(error, "innererror", "content_filter_result");
        assertThat((Boolean) at(cfr, "jailbreak", "filtered")).isTrue();
        assertThat((Boolean) at(cfr, "jailbreak", "detected")).isTrue();
        assertThat((Boolean) at(cfr, "violence", "filtered")).isTrue();
        assertThat((String) at(cfr, "violence", "severity")).isEqualTo("medium");
        assertThat((Boolean) at(cfr, "hate", "filtered")).isFalse();
    }

    @Test
    void contentFilterTriggerOnOpenAiIsAPlain400() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/images/generations", "{\"prompt\":\"[content-filter]\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat((String) at(json(r.body()), "error", "type")).isEqualTo("invalid_request_error");
        assertThat(r.body()).doesNotContain("innererror");
    }

    @Test
    void filteredOutputTrigger() throws Exception {
        HttpResponse<String> r = postAzure(base + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"tell me [filtered-output]\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = json(r.body());
        assertThat((String) at(doc, "choices", 0, "finish_reason")).isEqualTo("content_filter");
        assertThat((Boolean) at(doc, "choices", 0, "content_filter_results", "violence", "filtered")).isTrue();
        assertThat((Boolean) at(doc, "prompt_filter_results", 0, "content_filter_results", "violence", "filtered")).isFalse();
    }

    @Test
    void serverErrorTrigger() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"[server-error]\"}]}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat((String) at(json(r.body()), "error", "type")).isEqualTo("server_error");
    }

    // ------------------------------------------------------------------------------- other answers

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/nothing-here", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat((String) at(json(r.body()), "error", "message")).contains("/v1/nothing-here");

        HttpResponse<String> get = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(json(get.body())).containsKey("error");
    }

    @Test
    void invalidJsonIs400() throws Exception {
        HttpResponse<String> r = postBearer(base + "/v1/chat/completions", "{\"model\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat((String) at(json(r.body()), "error", "type")).isEqualTo("invalid_request_error");
    }

    // ------------------------------------------------------------------------------------- recording

    @Test
    void requestsAreRecordedByteForByte() throws Exception {
        byte[] body = ("{ \"model\" : \"gpt-4o\",\n  \"messages\": [{\"role\":\"user\",\"content\":\"Grüße, 世界 \\u00e9 \\ud83d\\ude00\"}],"
                + "\"user\":\"alice\"  }").getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
                .header("api-key", AZURE_KEY)
                .header("X-Custom-Header", "Value1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        assertThat(TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        postBearer(base + "/v1/embeddings", "{\"input\":\"x\"}");

        assertThat(server.requestCount()).isEqualTo(2);
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        RecordedRequest first = requests.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.pathAndQuery()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(first.path()).isEqualTo("/openai/deployments/gpt-4o/chat/completions");
        assertThat(first.query()).isEqualTo("api-version=2024-10-21");
        assertThat(first.host()).isEqualTo("127.0.0.1:" + server.httpPort());
        assertThat(first.body()).isEqualTo(body);
        assertThat(first.headers()).containsKeys("api-key", "x-custom-header", "host");
        assertThat(first.header("X-Custom-Header")).isEqualTo("Value1");
        assertThat(first.https()).isFalse();
        assertThat(first.toString()).doesNotContain(AZURE_KEY);
        assertThat(server.lastRequest().path()).isEqualTo("/v1/embeddings");

        server.reset();
        assertThat(server.requestCount()).isZero();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void everyRequestThatReachesTheServerIsCounted() throws Exception {
        send(post(base + "/v1/chat/completions", CHAT)); // 401
        postBearer(base + "/nope", "{}"); // 404
        postBearer(base + "/v1/chat/completions", "not json"); // 400
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.requests()).extracting(RecordedRequest::path)
                .containsExactly("/v1/chat/completions", "/nope", "/v1/chat/completions");
    }
}
