package dev.aiwarden.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-place readers ({@link JsonCursor}) against the Jackson-based ones they replaced (kept in
 * the tests as {@code Legacy*}): every attribute the same, on real bodies and on thousands of
 * broken, truncated and mutated ones (the point where a body breaks decides what was read).
 */
class InPlaceReaderEquivalenceTest {
  private static final String[] REQUESTS = {
    "chat-request.json", "openai-java-chat-request.json",
  };
  private static final String[] RESPONSES = {
    "azure-chat-response-annotated.json",
    "azure-chat-response-filtered.json",
    "azure-content-filter-error.json",
    "embeddings-response.json",
    "image-error-azure.json",
    "image-response-azure.json",
    "image-response-openai.json",
    "local-server-azure-chat-response.json",
    "local-server-chat-response.json",
    "openai-error.json",
    "responses-response.json",
  };
  private static final String[] STREAMS = {
    "azure-chat-stream.sse", "chat-stream.sse", "local-server-chat-stream.sse", "responses-stream.sse",
  };

  /** Bodies that stress the JSON rules and the decoding (escapes, UTF-8, numbers, literals). */
  private static final String[] EDGES = {
    "{\"model\":\"m\\u00e9\",\"messages\":[{\"content\":\"a\\ud83d\\ude00b\\ud800\\\"\\\\\\/\\b\\f\\n\\r\\t\"}]}",
    "{\"messages\":[{\"content\":\"日本語 😀 é € \u007f\"}],\"temperature\":-0,\"n\":-0}",
    "{\"temperature\":-0.0,\"max_tokens\":1e3,\"n\":2147483648}",
    "{\"temperature\":0.1,\"max_tokens\":9223372036854775807,\"n\":-2147483648}",
    "{\"temperature\":1.7976931348623157e308,\"max_tokens\":9223372036854775808}",
    "{\"temperature\":123456789012345678901234567890,\"max_tokens\":-9223372036854775808}",
    "{\"temperature\":0.30000000000000004441,\"max_output_tokens\":1.5e2}",
    "{\"temperature\":4.9e-324,\"max_completion_tokens\":1E+2}",
    "{\"temperature\":2.5e-3,\"max_tokens\":-1.9e19}",
    "{\"mod\\u0065l\":\"x\",\"\\u006dessages\":[{\"c\\u006fntent\":\"y\"}]}",
    "{\"model\":\"x\",\"model\":null,\"stream\":true,\"stream\":1}",
    "{\"stream\":true ,\"stream_options\":{\"include_usage\":true}}",
    "{\"stream\":truex}",
    "{\"stream\":true\u2013}",
    "{\"stream\":trueé}",
    "{\"n\":01}",
    "{\"n\":1.}",
    "{\"n\":1e}",
    "{\"n\":-}",
    "{\"n\":+1}",
    "{\"a\":[1,]}",
    "{\"a\":1,}",
    "{,\"a\":1}",
    "{\"a\" 1}",
    "{\"a\":1 \"b\":2}",
    "{\"a\":[}",
    "{\"a\":\"\\x\"}",
    "{\"a\":\"\\u12g4\"}",
    "{\"a\":\"tab\there\"}",
    "{\"model\":\"gpt\"} trailing",
    "{\"model\":\"gpt\"}}",
    "{\"input\":[\"a\",[1,2],{\"content\":\"b\"},3],\"instructions\":\"i\"}",
    "{\"instructions\":\"be brief \\u00e9\",\"input\":[{\"content\":\"b\"}],\"temperature\":0.5}",
    "{\"instructions\":\"only instructions\"}",
    "{\"input\":\"speak this\",\"model\":\"tts-1\"}",
    "{\"prompt\":[\"a\",\"\",\"b\"],\"size\":\"1024x1024\",\"user\":\"\",\"safety_identifier\":\"s\"}",
    "{\"user_security_context\":{\"end_user_id\":\"e\"},\"user\":\"u\"}",
    "{\"messages\":[{\"content\":[{\"text\":\"t1\",\"type\":\"input_text\"},{\"type\":\"refusal\",\"text\":\"no\"},"
        + "{\"type\":null,\"text\":\"t2\"},{\"text\":\"t3\",\"text\":5},\"bare\"]}]}",
    "{\"messages\":[1,\"x\",null,{\"content\":{\"a\":1}}]}",
    "{\"choices\":[{\"finish_reason\":\"stop\",\"content_filter_results\":{\"hate\":{\"filtered\":true},"
        + "\"self_\\u0068arm\":{\"detected\":true},\"error\":{\"filtered\":true},"
        + "\"custom_blocklists\":{\"details\":[{\"filtered\":true,\"id\":\"x\"}]},"
        + "\"jailbreak\":[{\"filtered\":false},{\"detected\":true}]}}],"
        + "\"usage\":{\"prompt_tokens\":3.9,\"completion_tokens\":\"x\",\"output_tokens\":12}}",
    "{\"error\":{\"code\":429,\"type\":\"rate\"}}",
    "{\"error\":{\"code\":null,\"type\":\"t\",\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
        + "\"content_filter_result\":{\"violence\":{\"filtered\":true}}}}}",
    "{\"type\":\"error\",\"code\":\"server_error\"}",
    "{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"model\":\"m\",\"incomplete_details\":"
        + "{\"reason\":\"max_output_tokens\"},\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}",
    "{\"data\":[{\"b64_json\":\"AAAA\",\"revised_prompt\":\"a cat\"},{\"url\":\"u\",\"revised_prompt\":\"other\"},"
        + "{\"embedding\":[1,2]},{\"revised_prompt\":5}]}",
    "{\"prompt_filter_results\":{\"sexual\":{\"filtered\":true}}}",
    "{\"a\":" + "[".repeat(999) + "]".repeat(999) + ",\"model\":\"deep\"}",
    "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + ",\"model\":\"deep\"}",
    "{\"a\":" + "1".repeat(1000) + ",\"model\":\"long\"}",
    "{\"a\":" + "1".repeat(1001) + ",\"model\":\"long\"}",
    "{\"a\":1." + "1".repeat(999) + ",\"model\":\"long\"}",
    "{\"" + "k".repeat(50000) + "\":1,\"model\":\"name\"}",
    "{\"" + "k".repeat(50001) + "\":1,\"model\":\"name\"}",
    "{\"" + "é".repeat(25001) + "\":1,\"model\":\"name\"}",
  };

  private static final Operation[] OPS = {
    Operation.CHAT, Operation.RESPONSES, Operation.TEXT_COMPLETION, Operation.IMAGE_GENERATION, null,
  };

  private static void sameRequest(byte[] body, int off, int len, String type, String encoding) {
    sameRequest(body, off, len, type, encoding, OPS);
  }

  private static void sameRequest(
      byte[] body, int off, int len, String type, String encoding, Operation[] ops) {
    for (Operation op : ops) {
      for (boolean keep : new boolean[] {false, true}) {
        RequestInfo expected =
            LegacyRequestBodyParser.parse(body, off, len, type, encoding, op, keep);
        RequestInfo actual = RequestBodyParser.parse(body, off, len, type, encoding, op, keep);
        String want = describe(expected);
        String got = describe(actual);
        if (!got.equals(want)) {
          assertThat(got).as("%s keep=%s: %s", op, keep, preview(body, off, len)).isEqualTo(want);
        }
        // The prompt as a view of the thread's buffer (what the policy reads): the same text,
        // read before the next body; no string unless the operation needs one (images).
        RequestInfo viewed =
            RequestBodyParser.parse(
                body, off, len, type, encoding, op, keep ? RequestBodyParser.TEXT_VIEW : RequestBodyParser.TEXT_NONE, true);
        if (viewed.promptText == null && viewed.promptView != null) {
          viewed.promptText = viewed.promptView.toString();
        }
        viewed.promptView = null;
        got = describe(viewed);
        if (!got.equals(want)) {
          assertThat(got).as("%s view=%s: %s", op, keep, preview(body, off, len)).isEqualTo(want);
        }
        // Without span values: everything but the hash, the end user and the temperature.
        RequestInfo spanless =
            RequestBodyParser.parse(
                body, off, len, type, encoding, op, keep ? RequestBodyParser.TEXT_STRING : RequestBodyParser.TEXT_NONE, false);
        expected.promptSha256 = null;
        expected.endUser = null;
        expected.temperature = null;
        want = describe(expected);
        got = describe(spanless);
        if (!got.equals(want)) {
          assertThat(got).as("%s keep=%s, no span values: %s", op, keep, preview(body, off, len)).isEqualTo(want);
        }
      }
    }
  }

  private static void sameResponse(byte[] body, int off, int len, String type, RequestInfo request) {
    ResponseInfo expected = LegacyResponseBodyParser.parse(body, off, len, type, null, 200, request);
    ResponseInfo actual = ResponseBodyParser.parse(body, off, len, type, null, 200, request);
    same(actual, expected, body, off, len);
    // Without span values: everything but the id and the finish reasons.
    ResponseInfo spanless = ResponseBodyParser.parse(body, off, len, type, null, 200, request, false);
    if (!"text/event-stream".equals(type)) {
      expected.id = null;
      expected.finishReasons = java.util.Collections.emptyList();
    }
    same(spanless, expected, body, off, len);
  }

  private static void sameStream(byte[] body, Random r) {
    LegacySseStreamParser expected = new LegacySseStreamParser();
    SseStreamParser actual = new SseStreamParser();
    int i = 0;
    while (i < body.length) {
      int n = Math.min(body.length - i, 1 + r.nextInt(200));
      expected.feed(body, i, n);
      actual.feed(body, i, n);
      i += n;
    }
    same(actual.result(), expected.result(), body, 0, body.length);
  }

  private static void same(ResponseInfo actual, ResponseInfo expected, byte[] body, int off, int len) {
    String want = describe(expected);
    String got = describe(actual);
    if (!got.equals(want)) {
      assertThat(got).as(preview(body, off, len)).isEqualTo(want);
    }
  }

  /** Every attribute, in one string (Double by its bits: -0.0 is not 0.0). */
  static String describe(RequestInfo i) {
    return String.join(
        "|",
        i.model,
        String.valueOf(i.messages),
        String.valueOf(i.promptChars),
        i.promptSha256,
        String.valueOf(i.maxTokens),
        i.temperature == null ? "null" : Long.toHexString(Double.doubleToRawLongBits(i.temperature)),
        String.valueOf(i.stream),
        String.valueOf(i.includeUsage),
        String.valueOf(i.n),
        i.imageSize,
        i.endUser,
        i.promptText,
        String.valueOf(i.unparsed));
  }

  static String describe(ResponseInfo i) {
    return String.join(
        "|",
        i.id,
        i.model,
        String.valueOf(i.inputTokens),
        String.valueOf(i.outputTokens),
        String.valueOf(i.finishReasons),
        String.valueOf(i.contentFilterBlocked),
        String.valueOf(i.contentFilterCategories),
        String.valueOf(i.images),
        String.valueOf(i.imagesRevised),
        i.errorCode,
        String.valueOf(i.unparsed));
  }

  private static String preview(byte[] body, int off, int len) {
    String s = new String(body, off, len, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static List<byte[]> corpus() {
    List<byte[]> all = new ArrayList<>();
    for (String name : REQUESTS) {
      all.add(TestBodies.resource(name));
    }
    for (String name : RESPONSES) {
      all.add(TestBodies.resource(name));
    }
    for (String edge : EDGES) {
      all.add(TestBodies.utf8(edge));
    }
    return all;
  }

  @Test
  void wholeBodiesReadTheSame() {
    RequestInfo imageRequest = new RequestInfo();
    imageRequest.promptText = "a cat";
    for (byte[] body : corpus()) {
      sameRequest(body, 0, body.length, "application/json", null);
      sameRequest(TestBodies.gzip(body), 0, TestBodies.gzip(body).length, "application/json", "gzip");
      sameResponse(body, 0, body.length, "application/json", imageRequest);
      sameResponse(body, 0, body.length, "application/json", null);
    }
    Random r = new Random(1);
    for (String name : STREAMS) {
      byte[] body = TestBodies.resource(name);
      sameStream(body, r);
      sameResponse(body, 0, body.length, "text/event-stream", null);
    }
  }

  private static final Operation[] TRUNCATION_OPS = {Operation.CHAT, Operation.RESPONSES};

  @Test
  void everyTruncationReadsTheSame() {
    for (byte[] body : corpus()) {
      if (body.length > 2500) {
        continue; // the deep and long edge cases: read whole above
      }
      // Long bodies: every byte near the start and the end, a sample in between.
      for (int len = 1; len < body.length; len += len < 300 || body.length - len < 300 ? 1 : 7) {
        sameRequest(body, 0, len, "application/json", null, TRUNCATION_OPS);
        sameResponse(body, 0, len, "application/json", null);
      }
    }
  }

  private static final byte[] SPECIAL = TestBodies.utf8("{}[]\",:\\ \n\t0-.eE+tfnu\u00e9\u20ac");

  @Test
  void mutatedBodiesReadTheSame() {
    Random r = new Random(42);
    List<byte[]> corpus = corpus();
    for (int round = 0; round < 2000; round++) {
      byte[] body = corpus.get(r.nextInt(corpus.size()));
      if (body.length > 5000) {
        continue;
      }
      byte[] m = mutate(body, r);
      sameRequest(m, 0, m.length, "application/json", null, TRUNCATION_OPS);
      sameResponse(m, 0, m.length, "application/json", null);
      Random chunks = new Random(round);
      sameStream(TestBodies.utf8("data: " + new String(m, StandardCharsets.ISO_8859_1).replace('\n', ' ')
          + "\n\n"), chunks);
    }
    for (String name : STREAMS) {
      byte[] body = TestBodies.resource(name);
      for (int round = 0; round < 150; round++) {
        sameStream(mutate(body, r), r);
      }
    }
  }

  private static byte[] mutate(byte[] body, Random r) {
    byte[] m = body.clone();
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits && m.length > 0; e++) {
      int at = r.nextInt(m.length);
      switch (r.nextInt(4)) {
        case 0:
          m[at] = SPECIAL[r.nextInt(SPECIAL.length)];
          break;
        case 1:
          m[at] = (byte) r.nextInt(256);
          break;
        case 2:
          byte[] longer = new byte[m.length + 1];
          System.arraycopy(m, 0, longer, 0, at);
          longer[at] = SPECIAL[r.nextInt(SPECIAL.length)];
          System.arraycopy(m, at, longer, at + 1, m.length - at);
          m = longer;
          break;
        default:
          byte[] shorter = new byte[m.length - 1];
          System.arraycopy(m, 0, shorter, 0, at);
          System.arraycopy(m, at + 1, shorter, at, m.length - at - 1);
          m = shorter;
      }
    }
    return m;
  }

  @Test
  void utf16BodiesReadTheSame() {
    byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[{\"content\":\"hi é\"}]}"
        .getBytes(StandardCharsets.UTF_16LE);
    sameRequest(body, 0, body.length, "application/json", null);
    assertThat(RequestBodyParser.parse(body, 0, body.length, null, null, Operation.CHAT).model)
        .isEqualTo("gpt-4o");
    assertThat(Arrays.equals(body, "{\"model\":\"gpt-4o\",\"messages\":[{\"content\":\"hi é\"}]}"
        .getBytes(StandardCharsets.UTF_16LE))).isTrue();
  }
}
