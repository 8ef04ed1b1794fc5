package dev.aiwarden.classify;

import static dev.aiwarden.classify.TestBodies.gzip;
import static dev.aiwarden.classify.TestBodies.resource;
import static dev.aiwarden.classify.TestBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.RequestInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

class RequestBodyParserTest {

  private static RequestInfo parse(byte[] body, Operation op) {
    return RequestBodyParser.parse(body, 0, body.length, "application/json", null, op);
  }

  private static String sha16(String s) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      hex.append(String.format("%02x", d[i]));
    }
    return hex.toString();
  }

  @Test
  void readsChatRequestWithContentParts() throws Exception {
    RequestInfo r = parse(resource("chat-request.json"), Operation.CHAT);

    assertThat(r.unparsed).isFalse();
    assertThat(r.model).isEqualTo("gpt-4o");
    assertThat(r.messages).isEqualTo(4);
    String expected =
        "You are a helpful assistant.\nWhat is in this image?\nAnswer briefly.\ntool says hi";
    assertThat(r.promptText).isEqualTo(expected);
    assertThat(r.promptChars)
        .isEqualTo(
            "You are a helpful assistant.".length()
                + "What is in this image?".length()
                + "Answer briefly.".length()
                + "tool says hi".length());
    assertThat(r.promptSha256).isEqualTo(sha16(expected)).hasSize(16);
    assertThat(r.maxTokens).isEqualTo(300L);
    assertThat(r.temperature).isEqualTo(0.2);
    assertThat(r.n).isEqualTo(1);
    assertThat(r.stream).isTrue();
    assertThat(r.includeUsage).isTrue();
    assertThat(r.endUser).isEqualTo("user-1234");
    assertThat(r.imageSize).isNull();
  }

  @Test
  void azureEndUserWhenNoUser() {
    RequestInfo r =
        parse(
            utf8(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"user_security_context\":{\"end_user_id\":\"oid-1\",\"source_ip\":\"1.2.3.4\"}}"),
            Operation.CHAT);
    assertThat(r.endUser).isEqualTo("oid-1");
    assertThat(r.model).isNull();
    assertThat(r.maxTokens).isNull();
    assertThat(r.temperature).isNull();
    assertThat(r.stream).isFalse();
  }

  @Test
  void multimodalImagePartIsNeverDecoded() {
    // A 3 MB base64 image would be slow to decode and would break a 1 MB string limit; it is
    // skipped whole. Parts whose text comes before the type are still read.
    char[] image = new char[3 << 20];
    Arrays.fill(image, 'A');
    String body =
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
            + new String(image)
            + "\"},\"text\":\"not a text part\"},"
            + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}},"
            + "{\"text\":\"describe it\",\"type\":\"input_text\"}]}]}";
    RequestInfo r = parse(utf8(body), Operation.CHAT);
    assertThat(r.unparsed).isFalse();
    assertThat(r.messages).isEqualTo(1);
    assertThat(r.promptText).isEqualTo("describe it");
  }

  @Test
  void responsesApiInstructionsComeFirst() {
    String body =
        "{\"model\":\"gpt-4.1\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
            + "\"text\":\"Tell me a story\"}]},{\"type\":\"function_call_output\",\"call_id\":\"c1\","
            + "\"output\":\"{}\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Once\"}]}],\"instructions\":\"Be brief.\",\"max_output_tokens\":50,"
            + "\"stream\":true,\"safety_identifier\":\"hashed-user\"}";
    RequestInfo r = parse(utf8(body), Operation.RESPONSES);
    assertThat(r.messages).isEqualTo(3);
    assertThat(r.promptText).isEqualTo("Be brief.\nTell me a story\nOnce");
    assertThat(r.promptChars).isEqualTo(9 + 15 + 4);
    assertThat(r.maxTokens).isEqualTo(50L);
    assertThat(r.stream).isTrue();
    assertThat(r.endUser).isEqualTo("hashed-user");
  }

  @Test
  void responsesApiStringInputHasNoMessageList() {
    RequestInfo r =
        parse(utf8("{\"model\":\"gpt-4.1\",\"input\":\"Hello there\"}"), Operation.RESPONSES);
    assertThat(r.messages).isNull();
    assertThat(r.promptText).isEqualTo("Hello there");
  }

  @Test
  void completionPromptStringOrArray() {
    RequestInfo one =
        parse(
            utf8("{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say this\",\"max_tokens\":7}"),
            Operation.TEXT_COMPLETION);
    assertThat(one.promptText).isEqualTo("Say this");
    assertThat(one.maxTokens).isEqualTo(7L);
    assertThat(one.messages).isNull();

    RequestInfo many =
        parse(
            utf8("{\"prompt\":[\"a\",\"bc\",[1,2,3],42]}"), Operation.TEXT_COMPLETION);
    assertThat(many.promptText).isEqualTo("a\nbc");
    assertThat(many.promptChars).isEqualTo(3);
  }

  @Test
  void embeddingsStringsAndTokenArrays() {
    RequestInfo strings =
        parse(
            utf8("{\"input\":[\"first\",\"second\"],\"model\":\"text-embedding-3-small\","
                + "\"encoding_format\":\"base64\",\"dimensions\":256}"),
            Operation.EMBEDDINGS);
    assertThat(strings.model).isEqualTo("text-embedding-3-small");
    assertThat(strings.promptText).isEqualTo("first\nsecond");
    assertThat(strings.messages).isNull();

    RequestInfo tokens =
        parse(utf8("{\"input\":[[1,2,3],[4,5]],\"model\":\"m\"}"), Operation.EMBEDDINGS);
    assertThat(tokens.promptText).isNull();
    assertThat(tokens.promptSha256).isNull();
    assertThat(tokens.promptChars).isZero();
    assertThat(tokens.unparsed).isFalse();
  }

  @Test
  void imageRequest() {
    RequestInfo r =
        parse(
            utf8("{\"model\":\"dall-e-3\",\"prompt\":\"A red fox\",\"n\":1,\"size\":\"1024x1024\","
                + "\"quality\":\"hd\",\"response_format\":\"b64_json\"}"),
            Operation.IMAGE_GENERATION);
    assertThat(r.model).isEqualTo("dall-e-3");
    assertThat(r.promptText).isEqualTo("A red fox");
    assertThat(r.imageSize).isEqualTo("1024x1024");
    assertThat(r.n).isEqualTo(1);
  }

  @Test
  void speechInputIsPromptText() {
    RequestInfo r =
        parse(
            utf8("{\"model\":\"tts-1\",\"input\":\"Read this aloud\",\"voice\":\"alloy\"}"),
            Operation.AUDIO);
    assertThat(r.promptText).isEqualTo("Read this aloud");
  }

  @Test
  void brokenJsonKeepsWhatWasRead() {
    RequestInfo r =
        parse(
            utf8("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"} oops"),
            Operation.CHAT);
    assertThat(r.unparsed).isTrue();
    assertThat(r.model).isEqualTo("gpt-4o");
    assertThat(r.messages).isEqualTo(1);
    assertThat(r.promptText).isEqualTo("hi");
  }

  @Test
  void truncatedBodyKeepsWhatWasRead() {
    byte[] full = resource("chat-request.json");
    int cut = new String(full, StandardCharsets.UTF_8).indexOf("\"tools\"");
    RequestInfo r = RequestBodyParser.parse(full, 0, cut, "application/json", null, Operation.CHAT);
    assertThat(r.unparsed).isTrue();
    assertThat(r.model).isEqualTo("gpt-4o");
    assertThat(r.messages).isEqualTo(4);
    assertThat(r.promptText).endsWith("tool says hi");
    assertThat(r.maxTokens).isNull();
  }

  @Test
  void everyTruncationIsSafe() {
    byte[] full = resource("chat-request.json");
    for (int len = 0; len <= full.length; len++) {
      RequestInfo r = RequestBodyParser.parse(full, 0, len, "application/json", null, Operation.CHAT);
      assertThat(r).isNotNull();
      if (len < full.length - 2) {
        assertThat(r.unparsed).as("cut at %d", len).isTrue();
      }
    }
  }

  @Test
  void emptyAndNonJson() {
    assertThat(RequestBodyParser.parse(new byte[0], 0, 0, null, null, Operation.CHAT).unparsed)
        .isTrue();
    assertThat(RequestBodyParser.parse(null, 0, 0, null, null, Operation.CHAT).unparsed).isTrue();
    assertThat(parse(utf8("   "), Operation.CHAT).unparsed).isTrue();
    assertThat(parse(utf8("model=gpt-4o&prompt=x"), Operation.CHAT).unparsed).isTrue();
    assertThat(parse(utf8("[1,2,3]"), Operation.CHAT).unparsed).isTrue();
    RequestInfo r = parse(utf8("<html>nope</html>"), Operation.CHAT);
    assertThat(r.unparsed).isTrue();
    assertThat(r.model).isNull();
    assertThat(r.promptSha256).isNull();
  }

  @Test
  void badRegionNeverThrows() {
    byte[] body = utf8("{\"model\":\"x\"}");
    assertThat(RequestBodyParser.parse(body, 5, 100, null, null, null).unparsed).isTrue();
    assertThat(RequestBodyParser.parse(body, -1, 3, null, null, null).unparsed).isTrue();
    assertThat(RequestBodyParser.parse(body, 3, -1, null, null, null).unparsed).isTrue();
  }

  @Test
  void honoursOffsetAndLength() {
    byte[] framed = utf8("XXXX{\"model\":\"gpt-4o-mini\"}YYYY");
    RequestInfo r = RequestBodyParser.parse(framed, 4, framed.length - 8, null, null, null);
    assertThat(r.unparsed).isFalse();
    assertThat(r.model).isEqualTo("gpt-4o-mini");
  }

  @Test
  void wrongTypesAreIgnored() {
    RequestInfo r =
        parse(
            utf8("{\"model\":42,\"temperature\":\"hot\",\"max_tokens\":99999999999999999999999,"
                + "\"n\":\"two\",\"stream\":\"yes\",\"messages\":{\"role\":\"user\"},"
                + "\"stream_options\":null,\"user\":[1]}"),
            Operation.CHAT);
    assertThat(r.unparsed).isFalse();
    assertThat(r.model).isNull();
    assertThat(r.temperature).isNull();
    assertThat(r.maxTokens).isNull();
    assertThat(r.n).isNull();
    assertThat(r.stream).isFalse();
    assertThat(r.messages).isNull();
    assertThat(r.endUser).isNull();
  }

  @Test
  void gzipEncodedBody() {
    byte[] plain = resource("chat-request.json");
    byte[] zipped = gzip(plain);
    RequestInfo r =
        RequestBodyParser.parse(zipped, 0, zipped.length, "application/json", "gzip", Operation.CHAT);
    assertThat(r.unparsed).isFalse();
    assertThat(r.model).isEqualTo("gpt-4o");
    assertThat(r.promptSha256).isEqualTo(parse(plain, Operation.CHAT).promptSha256);
  }

  @Test
  void deflateEncodedBodyZlibAndRaw() throws Exception {
    byte[] plain = utf8("{\"model\":\"gpt-4o\",\"prompt\":\"deflated\"}");
    for (boolean raw : new boolean[] {false, true}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(6, raw))) {
        d.write(plain);
      }
      byte[] z = out.toByteArray();
      RequestInfo r = RequestBodyParser.parse(z, 0, z.length, null, "deflate", null);
      assertThat(r.unparsed).as("raw=%s", raw).isFalse();
      assertThat(r.promptText).isEqualTo("deflated");
    }
  }

  @Test
  void brokenGzipAndUnknownEncoding() {
    byte[] zipped = gzip(resource("chat-request.json"));
    byte[] cut = Arrays.copyOf(zipped, zipped.length / 2);
    RequestInfo r = RequestBodyParser.parse(cut, 0, cut.length, null, "gzip", Operation.CHAT);
    assertThat(r.unparsed).isTrue();
    assertThat(r.model).isEqualTo("gpt-4o");

    byte[] notGzip = utf8("{\"model\":\"x\"}");
    assertThat(RequestBodyParser.parse(notGzip, 0, notGzip.length, null, "gzip", null).unparsed)
        .isTrue();
    assertThat(RequestBodyParser.parse(notGzip, 0, notGzip.length, null, "br", null).unparsed)
        .isTrue();
    assertThat(RequestBodyParser.parse(notGzip, 0, notGzip.length, null, "identity", null).model)
        .isEqualTo("x");
  }

  @Test
  void multipartPicksModelAndPrompt() {
    String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] png = new byte[4096];
    for (int i = 0; i < png.length; i++) {
      png[i] = (byte) (i * 31);
    }
    out.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; "
        + "filename=\"fox.png\"\r\nContent-Type: image/png\r\n\r\n"));
    out.writeBytes(png);
    out.writeBytes(utf8("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\""
        + "\r\n\r\nAdd a hat\r\nplease\r\n--" + boundary + "\r\nContent-Disposition: form-data; "
        + "name=\"model\"\r\n\r\ngpt-image-1\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n1024x1024\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n2\r\n--" + boundary + "--\r\n"));
    byte[] body = out.toByteArray();
    RequestInfo r =
        RequestBodyParser.parse(
            body, 0, body.length, "multipart/form-data; boundary=" + boundary, null,
            Operation.IMAGE_GENERATION);
    assertThat(r.unparsed).isTrue();
    assertThat(r.model).isEqualTo("gpt-image-1");
    assertThat(r.promptText).isEqualTo("Add a hat\r\nplease");
    assertThat(r.imageSize).isEqualTo("1024x1024");
    assertThat(r.n).isEqualTo(2);
  }

  @Test
  void multipartWithoutBoundaryOrTruncated() {
    byte[] body = utf8("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1");
    RequestInfo noBoundary =
        RequestBodyParser.parse(body, 0, body.length, "multipart/form-data", null, Operation.AUDIO);
    assertThat(noBoundary.unparsed).isTrue();
    assertThat(noBoundary.model).isNull();
    RequestInfo truncated =
        RequestBodyParser.parse(
            body, 0, body.length, "multipart/form-data; boundary=\"b\"", null, Operation.AUDIO);
    assertThat(truncated.unparsed).isTrue();
    assertThat(truncated.model).isNull();
  }

  @Test
  void base64EmbeddingsRequestStaysCheap() {
    // Some clients send token ids packed in base64 strings; they are prompt text for us.
    String packed = Base64.getEncoder().encodeToString(new byte[3000]);
    RequestInfo r =
        parse(
            utf8("{\"model\":\"text-embedding-3-large\",\"input\":\"" + packed + "\","
                + "\"encoding_format\":\"base64\"}"),
            Operation.EMBEDDINGS);
    assertThat(r.unparsed).isFalse();
    assertThat(r.promptChars).isEqualTo(packed.length());
  }

  @Test
  void unicodePromptCharsAreUtf16Units() throws Exception {
    RequestInfo r = parse(utf8("{\"prompt\":\"h\\u00e9 🦊\"}"), Operation.IMAGE_GENERATION);
    assertThat(r.promptText).isEqualTo("hé 🦊");
    assertThat(r.promptChars).isEqualTo(5);
    assertThat(r.promptSha256).isEqualTo(sha16("hé 🦊"));
  }

  @Test
  void chatBodyParsesQuickly() {
    // Not a benchmark: a sanity check that a 2 KB chat body costs microseconds, not milliseconds.
    StringBuilder b = new StringBuilder("{\"model\":\"gpt-4o\",\"messages\":[");
    for (int i = 0; i < 12; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"role\":\"user\",\"content\":\"Message number ")
          .append(i)
          .append(" with some ordinary words to make it look like a real prompt of a user.\"}");
    }
    b.append("],\"temperature\":0.7,\"max_tokens\":500,\"stream\":false}");
    byte[] body = utf8(b.toString());
    assertThat(body.length).isBetween(1000, 3000);
    for (int i = 0; i < 20_000; i++) {
      parse(body, Operation.CHAT);
    }
    int runs = 20_000;
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      parse(body, Operation.CHAT);
    }
    long perCall = (System.nanoTime() - start) / runs;
    System.out.println("RequestBodyParser: " + body.length + " byte chat body in " + perCall + " ns");
    assertThat(parse(body, Operation.CHAT).messages).isEqualTo(12);
  }
}
