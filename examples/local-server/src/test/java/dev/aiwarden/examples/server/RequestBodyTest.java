package dev.aiwarden.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    static RequestBody parse(String json) throws Exception {
        return RequestBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void chatFields() throws Exception {
        RequestBody b = parse("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"n\":3,"
                + "\"user\":\"u1\",\"messages\":[{\"role\":\"system\",\"content\":\"ab\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"c\\\"d\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}");
        assertThat(b.model()).isEqualTo("gpt-4o");
        assertThat(b.stream()).isTrue();
        assertThat(b.includeUsage()).isTrue();
        assertThat(b.n()).isEqualTo(3);
        assertThat(b.user()).isEqualTo("u1");
        assertThat(b.messageCount()).isEqualTo(2);
        assertThat(b.promptParts()).containsExactly("ab", "c\"d");
        assertThat(b.promptChars()).isEqualTo(5);
    }

    @Test
    void defaults() throws Exception {
        RequestBody b = parse("{}");
        assertThat(b.model()).isNull();
        assertThat(b.stream()).isFalse();
        assertThat(b.includeUsage()).isFalse();
        assertThat(b.n()).isEqualTo(1);
        assertThat(b.promptChars()).isZero();
        assertThat(b.embeddingInputs()).isEmpty();
    }

    @Test
    void embeddingInputs() throws Exception {
        assertThat(parse("{\"input\":\"a\"}").embeddingInputs()).containsExactly("a");
        assertThat(parse("{\"input\":[\"a\",\"b\"]}").embeddingInputs()).containsExactly("a", "b");
        assertThat(parse("{\"input\":[1,2,3]}").embeddingInputs()).hasSize(1);
        assertThat(parse("{\"input\":[[1,2],[3]]}").embeddingInputs()).hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonParser() throws Exception {
        Object v = Json.parse(" {\"a\":[1,-2.5e3,true,false,null,\"\\u00e9\\n\"],\"b\":{}} ");
        assertThat(v).isInstanceOf(Map.class);
        List<Object> a = (List<Object>) ((Map<?, ?>) v).get("a");
        assertThat(a).containsExactly(1L, -2500.0, true, false, null, "é\n");
        for (String bad : new String[] {"", "{", "{\"a\":}", "[1,]", "{\"a\":1}x", "\"\\q\"", "tru"}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.ParseException.class);
        }
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void jsonWriterEscapes() throws Exception {
        String s = Json.obj("k", "a\"b\\c\n\u0001", "n", null, "f", 0.5f, "l", List.of(1, "x")).json;
        assertThat(s).isEqualTo("{\"k\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":null,\"f\":0.5,\"l\":[1,\"x\"]}");
        assertThat(((Map<?, ?>) Json.parse(s)).get("k")).isEqualTo("a\"b\\c\n\u0001");
    }
}
