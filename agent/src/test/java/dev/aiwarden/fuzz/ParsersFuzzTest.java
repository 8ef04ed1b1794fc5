package dev.aiwarden.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aiwarden.classify.EndpointClassifier;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.classify.RequestBodyParser;
import dev.aiwarden.classify.ResponseBodyParser;
import dev.aiwarden.classify.SseStreamParser;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.KeyExtractor;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that reads untrusted bytes on an application's
 * call path. Under a plain {@code mvn verify} each target runs its saved inputs (regression
 * mode); with {@code JAZZER_FUZZ=1} the fuzzer explores for {@code maxDuration} (the {@code fuzz}
 * profile of the agent's pom runs each target for a bounded time). The properties: no exception
 * ever escapes, and the bytes handed in (which are the SDK's own buffers) are never changed.
 */
class ParsersFuzzTest {
  private static final Operation[] OPERATIONS = Operation.values();
  private static final String[] TYPES = {"application/json", "text/event-stream", "multipart/form-data; boundary=x", null};
  private static final String[] ENCODINGS = {null, "gzip", "deflate", "br"};

  @FuzzTest(maxDuration = "15s")
  void requestBodies(FuzzedDataProvider data) {
    Operation op = OPERATIONS[data.consumeInt(0, OPERATIONS.length - 1)];
    String type = TYPES[data.consumeInt(0, TYPES.length - 1)];
    String encoding = ENCODINGS[data.consumeInt(0, ENCODINGS.length - 1)];
    byte[] body = data.consumeRemainingAsBytes();
    byte[] before = body.clone();
    int off = body.length == 0 ? 0 : Math.min(1, body.length);
    RequestInfo info = RequestBodyParser.parse(body, off, body.length - off, type, encoding, op);
    assertThat(info).isNotNull();
    assertThat(body).isEqualTo(before);
  }

  @FuzzTest(maxDuration = "15s")
  void responseBodies(FuzzedDataProvider data) {
    int status = data.consumeInt(100, 599);
    String type = TYPES[data.consumeInt(0, TYPES.length - 1)];
    String encoding = ENCODINGS[data.consumeInt(0, ENCODINGS.length - 1)];
    RequestInfo request = new RequestInfo();
    request.promptText = data.consumeString(64);
    byte[] body = data.consumeRemainingAsBytes();
    byte[] before = body.clone();
    assertThat(ResponseBodyParser.parse(body, 0, body.length, type, encoding, status, request)).isNotNull();
    assertThat(body).isEqualTo(before);
  }

  @FuzzTest(maxDuration = "15s")
  void sseStreams(FuzzedDataProvider data) {
    SseStreamParser parser = new SseStreamParser();
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 300));
      byte[] before = chunk.clone();
      parser.feed(chunk, 0, chunk.length);
      assertThat(Arrays.equals(chunk, before)).isTrue();
    }
    assertThat(parser.result()).isNotNull();
  }

  @FuzzTest(maxDuration = "15s")
  void keysAndEndpoints(FuzzedDataProvider data) {
    String authorization = data.consumeBoolean() ? data.consumeString(400) : null;
    String apiKey = data.consumeBoolean() ? data.consumeString(200) : null;
    ApiKey key = KeyExtractor.fromHeaders(authorization, apiKey);
    assertThat(key).isNotNull();
    if (key.secret() != null && key.secret().length() >= 8) {
      assertThat(key.toString()).doesNotContain(key.secret());
      assertThat(String.valueOf(key.hint())).doesNotContain(key.secret());
    }
    String host = data.consumeString(80);
    String path = data.consumeRemainingAsString();
    EndpointClassifier.classify(host, 443, path); // must not throw
  }
}
