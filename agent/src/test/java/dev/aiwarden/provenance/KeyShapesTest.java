package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyShapesTest {

  private static List<String> find(String text, boolean strict) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    List<String> found = new ArrayList<>();
    KeyShapes.find(b, 0, b.length, strict, (kind, s, e) -> found.add(kind.id() + ":" + new String(b, s, e - s, StandardCharsets.ISO_8859_1)));
    return found;
  }

  @Test
  void findsEachShapeInsideText() {
    String openAi = TestKeys.openAi();
    String legacy = TestKeys.openAiLegacy();
    String hex = TestKeys.azure32();
    String azure84 = TestKeys.azure84();
    String text = "OPENAI_API_KEY=" + openAi + "\nAuthorization: Bearer " + legacy
        + "\napi-key: \"" + hex + "\"\nAZURE_KEY='" + azure84 + "'";
    for (boolean strict : new boolean[] {true, false}) {
      assertThat(find(text, strict)).containsExactly(
          "openai_api_key:" + openAi, "openai_api_key:" + legacy,
          "azure_api_key:" + hex, "azure_api_key:" + azure84);
    }
  }

  @Test
  void strictRejectsPlaceholdersAndNearMisses() {
    String[] nearMisses = {
      "sk-your-api-key-goes-here-please-replace-it",
      "sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      "sk-proj-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "sk-1234",
      "sk-ant-api03-" + TestKeys.random("ABCDEFGHIJKLMNOPabcdefghijklmnop0123456789", 80),
      "disk-" + TestKeys.random("ABCDEFGHIJKLMNOPabcdefghijklmnop0123456789", 60),
      UUID.randomUUID().toString(),
      "0123456789abcdef0123456789abcdef01234567", // SHA-1: 40 hex digits
      "01234567890123456789012345678901", // 32 digits, no letter
      TestKeys.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 84), // no markers
      "dGhpcyBpcyBqdXN0IGEgYmFzZTY0IGJsb2Igb2YgdGV4dCwgbm90IGEga2V5IGF0IGFsbA==",
    };
    for (String s : nearMisses) {
      assertThat(find("value=" + s + ";", true)).as(s).isEmpty();
    }
  }

  @Test
  void md5AndDashlessUuidHaveTheAzureShapeAndAreMarkedAsSuch() {
    String dashless = UUID.randomUUID().toString().replace("-", "");
    byte[] b = dashless.getBytes(StandardCharsets.ISO_8859_1);
    List<Boolean> hex32 = new ArrayList<>();
    KeyShapes.find(b, 0, b.length, false, (kind, s, e) -> hex32.add(KeyShapes.isHex32(kind, s, e)));
    assertThat(hex32).containsExactly(true); // the scan decides by context
  }

  /**
   * find probes one byte in 20 ({@link KeyShapes#find}): it must report exactly the candidates of
   * a plain walk over every token, whatever the token lengths and where the range starts and ends.
   */
  @Test
  void skippingSearchReportsWhatAWalkOverEveryTokenReports() {
    String[] pieces = {
      TestKeys.openAi(), TestKeys.openAiLegacy(), TestKeys.azure32(), TestKeys.azure84(),
      "Ljava/lang/String;", "(Lcom/acme/Billing;)V", "$", ".", "/", " ", "-", "_",
      "sk-", "0123456789abcdef", "0123456789abcdef0123456789abcdef", "AbCdEfGhIjKlMnOpQrSt",
      "DEFAULT_MAX_CONNECTIONS_PER_ROUTE",
    };
    Random random = new Random(7);
    int candidates = 0;
    for (int round = 0; round < 3000; round++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(12); n >= 0; n--) {
        String piece = pieces[random.nextInt(pieces.length)];
        text.append(random.nextInt(4) == 0 ? piece.substring(random.nextInt(piece.length())) : piece);
      }
      byte[] b = text.toString().getBytes(StandardCharsets.ISO_8859_1);
      int from = b.length == 0 ? 0 : random.nextInt(Math.min(b.length, 25));
      int to = b.length - (b.length - from == 0 ? 0 : random.nextInt(Math.min(b.length - from, 25)));
      for (boolean strict : new boolean[] {true, false}) {
        List<String> expected = new ArrayList<>();
        walkEveryToken(b, from, to, strict, expected);
        List<String> actual = new ArrayList<>();
        KeyShapes.find(b, from, to, strict, (kind, s, e) -> actual.add(kind + "@" + s + "-" + e));
        assertThat(actual).as("%s [%d, %d) strict=%s", text, from, to, strict).isEqualTo(expected);
        candidates += expected.size();
      }
    }
    assertThat(candidates).isGreaterThan(1000);
  }

  /** The reference: every maximal token of 20 bytes or more, each handed to find on its own. */
  private static void walkEveryToken(byte[] b, int from, int to, boolean strict, List<String> out) {
    int i = from;
    while (i < to) {
      if (!isToken(b[i])) {
        i++;
        continue;
      }
      int end = i + 1;
      while (end < to && isToken(b[end])) {
        end++;
      }
      if (end - i >= 20) {
        int start = i;
        KeyShapes.find(b, start, end, strict, (kind, s, e) -> out.add(kind + "@" + s + "-" + e));
      }
      i = end;
    }
  }

  private static boolean isToken(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_';
  }
}
