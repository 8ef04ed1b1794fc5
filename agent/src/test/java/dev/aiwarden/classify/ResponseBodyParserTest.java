package dev.aiwarden.classify;

import static dev.aiwarden.classify.TestBodies.gzip;
import static dev.aiwarden.classify.TestBodies.resource;
import static dev.aiwarden.classify.TestBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResponseBodyParserTest {

  private static ResponseInfo parse(byte[] body, int status, RequestInfo request) {
    return ResponseBodyParser.parse(body, 0, body.length, "application/json", null, status, request);
  }

  private static ResponseInfo parse(String resource) {
    return parse(resource(resource), 200, null);
  }

  @Test
  void chatCompletion() {
    ResponseInfo r =
        parse(
            utf8("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Hello!\"},\"finish_reason\":\"stop\"},{\"index\":1,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":40,\"total_tokens\":52}}"),
            200,
            null);
    assertThat(r.unparsed).isFalse();
    assertThat(r.id).isEqualTo("chatcmpl-1");
    assertThat(r.model).isEqualTo("gpt-4o-2024-08-06");
    assertThat(r.inputTokens).isEqualTo(12L);
    assertThat(r.outputTokens).isEqualTo(40L);
    assertThat(r.finishReasons).containsExactly("stop", "length");
    assertThat(r.contentFilterBlocked).isFalse();
    assertThat(r.contentFilterCategories).isEmpty();
    assertThat(r.images).isNull();
    assertThat(r.errorCode).isNull();
  }

  @Test
  void azureAnnotationsDetectedDoNotBlock() {
    ResponseInfo r = parse("azure-chat-response-annotated.json");
    assertThat(r.unparsed).isFalse();
    assertThat(r.id).isEqualTo("chatcmpl-AAbbCCddEEffGG");
    assertThat(r.inputTokens).isEqualTo(12L);
    assertThat(r.outputTokens).isEqualTo(40L);
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.contentFilterBlocked).isFalse();
    assertThat(r.contentFilterCategories).containsExactly("protected_material_code");
  }

  @Test
  void azureFilteredCompletion() {
    ResponseInfo r = parse("azure-chat-response-filtered.json");
    assertThat(r.finishReasons).containsExactly("content_filter");
    assertThat(r.contentFilterBlocked).isTrue();
    assertThat(r.contentFilterCategories).containsExactly("custom_blocklists", "violence");
  }

  @Test
  void azureContentFilterError() {
    ResponseInfo r = parse(resource("azure-content-filter-error.json"), 400, null);
    assertThat(r.unparsed).isFalse();
    assertThat(r.errorCode).isEqualTo("content_filter");
    assertThat(r.contentFilterBlocked).isTrue();
    assertThat(r.contentFilterCategories).containsExactly("jailbreak", "violence");
  }

  @Test
  void azureImageContentFilterError() {
    ResponseInfo r = parse(resource("image-error-azure.json"), 400, null);
    assertThat(r.errorCode).isEqualTo("contentFilter");
    assertThat(r.contentFilterBlocked).isTrue();
    assertThat(r.contentFilterCategories).containsExactly("sexual");
  }

  @Test
  void openAiErrorCodeElseType() {
    ResponseInfo rate = parse(resource("openai-error.json"), 429, null);
    assertThat(rate.errorCode).isEqualTo("rate_limit_exceeded");
    assertThat(rate.contentFilterBlocked).isFalse();

    ResponseInfo typeOnly =
        parse(
            utf8("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":null}}"),
            400,
            null);
    assertThat(typeOnly.errorCode).isEqualTo("invalid_request_error");

    ResponseInfo numeric = parse(utf8("{\"error\":{\"code\":429,\"message\":\"slow down\"}}"), 429, null);
    assertThat(numeric.errorCode).isEqualTo("429");

    ResponseInfo stringError = parse(utf8("{\"error\":\"oops\"}"), 500, null);
    assertThat(stringError.errorCode).isNull();
    assertThat(stringError.unparsed).isFalse();
  }

  @Test
  void openAiImagesRevisedPrompts() {
    RequestInfo request = new RequestInfo();
    request.promptText = "a red fox in the snow";
    ResponseInfo r = parse(resource("image-response-openai.json"), 200, request);
    assertThat(r.images).isEqualTo(3);
    assertThat(r.imagesRevised).isEqualTo(1); // one differs, one equals, one has none
    assertThat(r.unparsed).isFalse();
  }

  @Test
  void imagesWithoutRevisedPrompt() {
    RequestInfo request = new RequestInfo();
    request.promptText = "a cat";
    ResponseInfo r =
        parse(
            utf8("{\"created\":1,\"data\":[{\"url\":\"https://x/1.png\"},{\"b64_json\":\"AAAA\"}],"
                + "\"usage\":{\"input_tokens\":50,\"output_tokens\":4160,\"total_tokens\":4210}}"),
            200,
            request);
    assertThat(r.images).isEqualTo(2);
    assertThat(r.imagesRevised).isZero();
    assertThat(r.inputTokens).isEqualTo(50L);
    assertThat(r.outputTokens).isEqualTo(4160L);
  }

  @Test
  void imageRevisedWhenRequestUnknown() {
    ResponseInfo r = parse("image-response-openai.json");
    assertThat(r.imagesRevised).isEqualTo(2);
  }

  @Test
  void azureImageAnnotations() {
    RequestInfo request = new RequestInfo();
    request.promptText = "a lighthouse";
    ResponseInfo r = parse(resource("image-response-azure.json"), 200, request);
    assertThat(r.images).isEqualTo(1);
    assertThat(r.imagesRevised).isEqualTo(1);
    assertThat(r.contentFilterBlocked).isFalse();
    assertThat(r.contentFilterCategories).containsExactly("jailbreak");
  }

  @Test
  void hugeBase64ImageIsNotDecoded() {
    char[] b64 = new char[30 << 20]; // larger than Jackson's default 20M string limit
    Arrays.fill(b64, 'Q');
    byte[] body =
        utf8("{\"created\":1,\"data\":[{\"b64_json\":\"" + new String(b64) + "\","
            + "\"revised_prompt\":\"x\"}]}");
    ResponseInfo r = parse(body, 200, null);
    assertThat(r.unparsed).isFalse();
    assertThat(r.images).isEqualTo(1);
    assertThat(r.imagesRevised).isEqualTo(1);
  }

  @Test
  void embeddingsAreNotImages() {
    ResponseInfo r = parse("embeddings-response.json");
    assertThat(r.images).isNull();
    assertThat(r.model).isEqualTo("text-embedding-3-small");
    assertThat(r.inputTokens).isEqualTo(8L);
    assertThat(r.outputTokens).isEqualTo(ResponseInfo.NO_COUNT);
  }

  @Test
  void responsesApiIncomplete() {
    ResponseInfo r = parse("responses-response.json");
    assertThat(r.unparsed).isFalse();
    assertThat(r.id).isEqualTo("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b");
    assertThat(r.model).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(r.inputTokens).isEqualTo(36L);
    assertThat(r.outputTokens).isEqualTo(16L);
    assertThat(r.finishReasons).containsExactly("max_output_tokens");
    assertThat(r.errorCode).isNull();
  }

  @Test
  void brokenTruncatedEmptyAndNonJson() {
    byte[] full = resource("azure-chat-response-filtered.json");
    String text = new String(full, java.nio.charset.StandardCharsets.UTF_8);
    int cut = text.indexOf("\"prompt_filter_results\"");
    ResponseInfo truncated =
        ResponseBodyParser.parse(full, 0, cut, "application/json", null, 200, null);
    assertThat(truncated.unparsed).isTrue();
    assertThat(truncated.id).isEqualTo("chatcmpl-filtered");
    assertThat(truncated.finishReasons).containsExactly("content_filter");
    assertThat(truncated.contentFilterCategories).containsExactly("violence");

    for (int len = 0; len < full.length - 2; len++) {
      assertThat(ResponseBodyParser.parse(full, 0, len, null, null, 200, null).unparsed).isTrue();
    }

    assertThat(parse(new byte[0], 200, null).unparsed).isTrue();
    assertThat(ResponseBodyParser.parse(null, 0, 0, null, null, 502, null).unparsed).isTrue();
    ResponseInfo html = parse(utf8("<html><body>Bad Gateway</body></html>"), 502, null);
    assertThat(html.unparsed).isTrue();
    assertThat(html.errorCode).isNull();
    assertThat(parse(utf8("{\"id\":\"x\",,}"), 200, null).unparsed).isTrue();
  }

  @Test
  void gzipEncodedResponse() {
    byte[] zipped = gzip(resource("azure-content-filter-error.json"));
    ResponseInfo r =
        ResponseBodyParser.parse(zipped, 0, zipped.length, "application/json", "gzip", 400, null);
    assertThat(r.unparsed).isFalse();
    assertThat(r.errorCode).isEqualTo("content_filter");
    assertThat(r.contentFilterCategories).containsExactly("jailbreak", "violence");
  }

  @Test
  void bufferedEventStreamBody() {
    byte[] sse = resource("chat-stream.sse");
    ResponseInfo r =
        ResponseBodyParser.parse(sse, 0, sse.length, "text/event-stream; charset=utf-8", null, 200, null);
    assertThat(r.id).isEqualTo("chatcmpl-123");
    assertThat(r.inputTokens).isEqualTo(9L);
    assertThat(r.finishReasons).containsExactly("stop");
  }
}
