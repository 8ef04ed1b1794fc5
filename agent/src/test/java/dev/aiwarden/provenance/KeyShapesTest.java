package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
}
