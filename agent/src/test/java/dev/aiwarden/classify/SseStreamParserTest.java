package dev.aiwarden.classify;

import static dev.aiwarden.classify.TestBodies.resource;
import static dev.aiwarden.classify.TestBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.ResponseInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseStreamParserTest {

  private static ResponseInfo whole(byte[] stream) {
    SseStreamParser p = new SseStreamParser();
    p.feed(stream, 0, stream.length);
    return p.result();
  }

  private static ResponseInfo byteByByte(byte[] stream) {
    SseStreamParser p = new SseStreamParser();
    for (int i = 0; i < stream.length; i++) {
      p.feed(stream, i, 1);
    }
    return p.result();
  }

  private static ResponseInfo randomChunks(byte[] stream, long seed) {
    Random random = new Random(seed);
    SseStreamParser p = new SseStreamParser();
    int i = 0;
    while (i < stream.length) {
      int n = Math.min(stream.length - i, 1 + random.nextInt(40));
      // Feed from a fresh array with an offset, as a network buffer would.
      byte[] chunk = new byte[n + 7];
      System.arraycopy(stream, i, chunk, 3, n);
      p.feed(chunk, 3, n);
      i += n;
    }
    return p.result();
  }

  private static byte[] crlf(byte[] lf) {
    return new String(lf, StandardCharsets.UTF_8)
        .replace("\n", "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] cr(byte[] lf) {
    return new String(lf, StandardCharsets.UTF_8)
        .replace("\n", "\r")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSame(ResponseInfo a, ResponseInfo b) {
    assertThat(b.id).isEqualTo(a.id);
    assertThat(b.model).isEqualTo(a.model);
    assertThat(b.inputTokens).isEqualTo(a.inputTokens);
    assertThat(b.outputTokens).isEqualTo(a.outputTokens);
    assertThat(b.finishReasons).isEqualTo(a.finishReasons);
    assertThat(b.contentFilterBlocked).isEqualTo(a.contentFilterBlocked);
    assertThat(b.contentFilterCategories).isEqualTo(a.contentFilterCategories);
    assertThat(b.errorCode).isEqualTo(a.errorCode);
    assertThat(b.unparsed).isEqualTo(a.unparsed);
  }

  @Test
  void chatStreamWithUsage() {
    ResponseInfo r = whole(resource("chat-stream.sse"));
    assertThat(r.unparsed).isFalse();
    assertThat(r.id).isEqualTo("chatcmpl-123");
    assertThat(r.model).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.finishReasons).containsExactly("stop"); // nothing after [DONE]
    assertThat(r.inputTokens).isEqualTo(9L);
    assertThat(r.outputTokens).isEqualTo(12L);
  }

  @Test
  void anyChunkingGivesTheSameResult() {
    for (String name : new String[] {"chat-stream.sse", "azure-chat-stream.sse", "responses-stream.sse"}) {
      byte[] lf = resource(name);
      ResponseInfo expected = whole(lf);
      for (byte[] stream : new byte[][] {lf, crlf(lf), cr(lf)}) {
        assertSame(expected, whole(stream));
        assertSame(expected, byteByByte(stream));
        for (long seed = 0; seed < 20; seed++) {
          assertSame(expected, randomChunks(stream, seed));
        }
      }
    }
  }

  @Test
  void azureStreamFilterResults() {
    ResponseInfo r = byteByByte(resource("azure-chat-stream.sse"));
    assertThat(r.id).isEqualTo("chatcmpl-azure1"); // the first chunk's empty id is no id
    assertThat(r.model).isEqualTo("gpt-4o-2024-08-06");
    assertThat(r.finishReasons).containsExactly("content_filter");
    assertThat(r.contentFilterBlocked).isTrue();
    assertThat(r.contentFilterCategories).containsExactly("jailbreak", "violence");
    assertThat(r.inputTokens).isEqualTo(30L);
    assertThat(r.outputTokens).isEqualTo(1L);
  }

  @Test
  void responsesApiStream() {
    ResponseInfo r = byteByByte(resource("responses-stream.sse"));
    assertThat(r.unparsed).isFalse();
    assertThat(r.id).isEqualTo("resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654");
    assertThat(r.model).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(r.inputTokens).isEqualTo(37L);
    assertThat(r.outputTokens).isEqualTo(11L);
    assertThat(r.finishReasons).isEmpty();
  }

  @Test
  void responsesApiErrorEvent() {
    ResponseInfo r =
        whole(
            utf8("event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"boom\","
                + "\"param\":null,\"sequence_number\":3}\n\n"
                + "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":"
                + "\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":"
                + "\"x\"}}}\n\n"));
    assertThat(r.errorCode).isEqualTo("server_error");
    assertThat(r.id).isEqualTo("resp_1");
  }

  @Test
  void splitInsideMultiByteCharacter() {
    byte[] stream = resource("chat-stream.sse");
    String text = new String(stream, StandardCharsets.UTF_8);
    int fox = text.indexOf("🦊");
    int at = text.substring(0, fox).getBytes(StandardCharsets.UTF_8).length + 2; // mid-sequence
    SseStreamParser p = new SseStreamParser();
    p.feed(stream, 0, at);
    p.feed(stream, at, stream.length - at);
    assertSame(whole(stream), p.result());
  }

  @Test
  void eventWithoutFinalBlankLineIsReadAtTheEnd() {
    ResponseInfo r =
        whole(utf8("data: {\"id\":\"x\",\"choices\":[{\"finish_reason\":\"stop\"}]}"));
    assertThat(r.id).isEqualTo("x");
    assertThat(r.finishReasons).containsExactly("stop");
  }

  @Test
  void multiLineDataIsJoined() {
    ResponseInfo r =
        whole(utf8("data: {\"id\":\"multi\",\ndata: \"model\":\"m\"}\nid: 7\nretry: 10\n\n"));
    assertThat(r.id).isEqualTo("multi");
    assertThat(r.model).isEqualTo("m");
    assertThat(r.unparsed).isFalse();
  }

  @Test
  void dataWithoutSpaceAndByteOrderMark() {
    byte[] body = utf8("\uFEFFdata:{\"id\":\"bom\"}\n\ndata:[DONE]\n\n");
    ResponseInfo r = whole(body);
    assertThat(r.id).isEqualTo("bom");
  }

  @Test
  void oversizedEventIsSkippedAndMemoryStaysBounded() {
    char[] big = new char[SseStreamParser.MAX_EVENT + 10];
    Arrays.fill(big, 'x');
    byte[] stream =
        utf8("data: {\"id\":\"first\",\"junk\":\"" + new String(big) + "\"}\n\n"
            + "data: {\"id\":\"second\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n"
            + "data: [DONE]\n\n");
    ResponseInfo bySmallChunks = randomChunks(stream, 1);
    ResponseInfo inOne = whole(stream);
    for (ResponseInfo r : new ResponseInfo[] {bySmallChunks, inOne}) {
      assertThat(r.unparsed).isTrue();
      assertThat(r.id).isEqualTo("second");
      assertThat(r.inputTokens).isEqualTo(3L);
      assertThat(r.outputTokens).isEqualTo(4L);
    }
  }

  @Test
  void brokenEventDoesNotStopTheStream() {
    ResponseInfo r =
        whole(utf8("data: {\"id\":\"a\",\"choices\":[{\"finish_reason\":\"st\n\n"
            + "data: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n\n"));
    assertThat(r.unparsed).isTrue();
    assertThat(r.id).isEqualTo("a");
    assertThat(r.finishReasons).containsExactly("stop");
  }

  @Test
  void badArgumentsAreIgnored() {
    SseStreamParser p = new SseStreamParser();
    p.feed(null, 0, 10);
    p.feed(new byte[4], 2, 10);
    p.feed(new byte[4], -1, 1);
    assertThat(p.result().unparsed).isFalse();
    assertThat(p.isDone()).isFalse();
  }

  @Test
  void doneStopsReading() {
    SseStreamParser p = new SseStreamParser();
    byte[] done = utf8("data: [DONE]\n\n");
    p.feed(done, 0, done.length);
    assertThat(p.isDone()).isTrue();
    byte[] more = utf8("data: {\"id\":\"late\"}\n\n");
    p.feed(more, 0, more.length);
    assertThat(p.result().id).isNull();
  }
}
