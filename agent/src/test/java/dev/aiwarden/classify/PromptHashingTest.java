package dev.aiwarden.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.exchange.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Without the prompt text kept, the parser hashes and counts the prompt while it reads: the hash
 * and the count must be exactly those of the text mode, for every body.
 */
class PromptHashingTest {
  private static final String[] PIECES = {
    "a", "Hello", " ", "\\n", "\\\"", "\\\\", "\\u00e9", "é", "\\u20ac", "€", "日本語", "😀", "\\ud83d\\ude00",
    "\\ud83d", "\\ude00", "x\\ud800y", "\\u0000", "\\t", "long text ",
  };

  private static void assertSame(String body, Operation op) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RequestInfo kept = RequestBodyParser.parse(bytes, 0, bytes.length, "application/json", null, op, true);
    RequestInfo hashed = RequestBodyParser.parse(bytes, 0, bytes.length, "application/json", null, op, false);
    assertThat(hashed.promptSha256).as(body).isEqualTo(kept.promptSha256);
    assertThat(hashed.promptChars).as(body).isEqualTo(kept.promptChars);
    assertThat(hashed.messages).isEqualTo(kept.messages);
    assertThat(hashed.model).isEqualTo(kept.model);
    assertThat(hashed.unparsed).isEqualTo(kept.unparsed);
    assertThat(hashed.promptText).isNull();
    // The view the policy reads: its hash fed from the body as the text is kept, the same value.
    RequestInfo viewed = RequestBodyParser.parse(
        bytes, 0, bytes.length, "application/json", null, op, RequestBodyParser.TEXT_VIEW, true);
    assertThat(viewed.promptSha256).as(body).isEqualTo(kept.promptSha256);
    assertThat(viewed.promptChars).as(body).isEqualTo(kept.promptChars);
    CharSequence text = viewed.promptTextToInspect();
    assertThat(text == null ? null : text.toString()).as(body).isEqualTo(kept.promptText);
  }

  private static String randomText(Random r, int maxPieces) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  @Test
  void hashAndCountEqualTheTextModeOverManyRandomBodies() {
    Random r = new Random(7);
    for (int i = 0; i < 3000; i++) {
      List<String> messages = new ArrayList<>();
      int count = r.nextInt(4);
      for (int m = 0; m < count; m++) {
        switch (r.nextInt(3)) {
          case 0:
            messages.add("{\"role\":\"user\",\"content\":\"" + randomText(r, 300) + "\"}");
            break;
          case 1:
            messages.add("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + randomText(r, 40) + "\"},{\"text\":\"" + randomText(r, 10)
                + "\",\"type\":\"text\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},\""
                + randomText(r, 5) + "\"]}");
            break;
          default:
            messages.add("{\"content\":null}");
        }
      }
      assertSame("{\"model\":\"gpt-4o\",\"messages\":[" + String.join(",", messages) + "]}", Operation.CHAT);
    }
  }

  @Test
  void responsesInstructionsBeforeOrAfterTheInputHashTheSame() {
    Random r = new Random(11);
    for (int i = 0; i < 500; i++) {
      String instructions = randomText(r, 20);
      String input = randomText(r, 20);
      assertSame("{\"instructions\":\"" + instructions + "\",\"input\":\"" + input + "\"}", Operation.RESPONSES);
      assertSame("{\"input\":[\"" + input + "\",{\"content\":\"" + randomText(r, 5)
          + "\"}],\"instructions\":\"" + instructions + "\"}", Operation.RESPONSES);
      assertSame("{\"instructions\":\"a\",\"instructions\":\"" + instructions + "\",\"input\":\"" + input + "\"}",
          Operation.RESPONSES);
    }
  }

  @Test
  void brokenTruncatedAndOtherShapesHashTheSame() {
    Random r = new Random(13);
    for (int i = 0; i < 500; i++) {
      String full = "{\"model\":\"m\",\"prompt\":[\"" + randomText(r, 30) + "\",[1,2],\"" + randomText(r, 30)
          + "\"],\"input\":\"" + randomText(r, 30) + "\"}";
      assertSame(full, Operation.TEXT_COMPLETION);
      assertSame(full.substring(0, r.nextInt(full.length())), Operation.TEXT_COMPLETION);
    }
    assertSame("", Operation.CHAT);
    assertSame("[]", Operation.CHAT);
    assertSame("{\"messages\":[]}", Operation.CHAT);
  }

  @Test
  void imagePromptsKeepTheirTextForRevisedPrompts() {
    byte[] body = "{\"prompt\":\"a cat\"}".getBytes(StandardCharsets.UTF_8);
    RequestInfo info =
        RequestBodyParser.parse(body, 0, body.length, null, null, Operation.IMAGE_GENERATION, false);
    assertThat(info.promptText).isEqualTo("a cat");
  }
}
