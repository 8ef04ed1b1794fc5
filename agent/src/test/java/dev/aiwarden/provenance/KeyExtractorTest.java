package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Every key here is made up. Assertions compare fingerprints, never print a key. */
class KeyExtractorTest {

  private static String repeat(String s, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(s);
    }
    return b.toString();
  }

  private static final String OPENAI_PROJECT = "sk-proj-" + repeat("Ab3_", 20) + "T3BlbkFJ" + repeat("x9-Z", 10);
  private static final String OPENAI_SVCACCT = "sk-svcacct-" + repeat("Qw7e", 15);
  private static final String OPENAI_ADMIN = "sk-admin-" + repeat("Zx8c", 15);
  private static final String OPENAI_LEGACY = "sk-" + repeat("a1B2", 5) + "T3BlbkFJ" + repeat("c3D4", 5);
  private static final String AZURE_HEX = "0123456789abcdefABCDEF0123456789";
  private static final String AZURE_84 =
      repeat("a1B2", 13) + "JQQJ99" + "BEACYeBjFXJ3w3AAAB" + "ACOG" + "Zz09";

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String jwt(String header, String payload) {
    return b64(header) + "." + b64(payload) + "." + b64("not-a-real-signature");
  }

  private static void assertSameSecret(ApiKey key, String expected) {
    assertThat(key.fingerprint()).isEqualTo(Fingerprints.fingerprint(expected));
    assertThat(expected.equals(key.secret())).as("secret is the token").isTrue();
  }

  @Test
  void openAiKeyShapes() {
    assertThat(OPENAI_LEGACY.length()).isEqualTo(51);
    for (String k : new String[] {OPENAI_PROJECT, OPENAI_SVCACCT, OPENAI_ADMIN, OPENAI_LEGACY}) {
      ApiKey key = KeyExtractor.fromHeaders("Bearer " + k, null);
      assertThat(key.kind()).isEqualTo(KeyKind.OPENAI_API_KEY);
      assertSameSecret(key, k);
      assertThat(key.hint()).isEqualTo("..." + k.substring(k.length() - 4));
      assertThat(key.entraTenantId()).isNull();
    }
  }

  @Test
  void notOpenAiKeys() {
    assertThat(KeyExtractor.fromHeaders("Bearer sk-1234", null).kind()).isEqualTo(KeyKind.BEARER);
    assertThat(KeyExtractor.fromHeaders("Bearer sk-ant-api03-" + repeat("abcd", 20), null).kind())
        .isEqualTo(KeyKind.BEARER);
    assertThat(KeyExtractor.fromHeaders("Bearer sk-" + repeat("ab", 10) + "!", null).kind())
        .isEqualTo(KeyKind.BEARER);
  }

  @Test
  void azureKeyShapes() {
    assertThat(AZURE_84.length()).isEqualTo(84);
    ApiKey hex = KeyExtractor.fromHeaders(null, AZURE_HEX);
    assertThat(hex.kind()).isEqualTo(KeyKind.AZURE_API_KEY);
    assertSameSecret(hex, AZURE_HEX);

    ApiKey services = KeyExtractor.fromHeaders(null, "  " + AZURE_84 + " ");
    assertThat(services.kind()).isEqualTo(KeyKind.AZURE_API_KEY);
    assertSameSecret(services, AZURE_84);

    // The same shapes behind "Bearer" (a proxy that forwards them) are still Azure keys.
    assertThat(KeyExtractor.fromHeaders("Bearer " + AZURE_84, null).kind())
        .isEqualTo(KeyKind.AZURE_API_KEY);
    assertThat(KeyExtractor.isAzureKey(AZURE_84.replace("ACOG", "ACDb"))).isFalse();
    assertThat(KeyExtractor.isAzureKey(AZURE_HEX.replace('0', 'g'))).isFalse();
  }

  @Test
  void apiKeyHeaderWinsAndUnknownShapeThereIsAzure() {
    ApiKey key = KeyExtractor.fromHeaders("Bearer " + OPENAI_PROJECT, "some-custom-gateway-key");
    assertThat(key.kind()).isEqualTo(KeyKind.AZURE_API_KEY);
    assertSameSecret(key, "some-custom-gateway-key");

    // Blank api-key counts as absent.
    assertThat(KeyExtractor.fromHeaders("Bearer " + OPENAI_PROJECT, "  ").kind())
        .isEqualTo(KeyKind.OPENAI_API_KEY);
    // An OpenAI key sent in api-key keeps its shape.
    assertThat(KeyExtractor.fromHeaders(null, OPENAI_PROJECT).kind())
        .isEqualTo(KeyKind.OPENAI_API_KEY);
  }

  @Test
  void bearerScheme() {
    ApiKey lower = KeyExtractor.fromHeaders("  bearer   gateway-token-0123456789  ", null);
    assertThat(lower.kind()).isEqualTo(KeyKind.BEARER);
    assertSameSecret(lower, "gateway-token-0123456789");
    assertThat(lower.hint()).isEqualTo("...6789");

    ApiKey noScheme = KeyExtractor.fromHeaders(OPENAI_ADMIN, null);
    assertThat(noScheme.kind()).isEqualTo(KeyKind.OPENAI_API_KEY);

    ApiKey basic = KeyExtractor.fromHeaders("Basic dXNlcjpwYXNz", null);
    assertThat(basic.kind()).isEqualTo(KeyKind.BEARER);
    assertSameSecret(basic, "Basic dXNlcjpwYXNz");
    assertThat(basic.hint()).isNull();

    assertThat(KeyExtractor.fromHeaders("Bearer ", null)).isSameAs(ApiKey.NONE);
    assertThat(KeyExtractor.fromHeaders("Bearer    ", null)).isSameAs(ApiKey.NONE);
  }

  @Test
  void noHeader() {
    assertThat(KeyExtractor.fromHeaders(null, null)).isSameAs(ApiKey.NONE);
    assertThat(KeyExtractor.fromHeaders("", " ")).isSameAs(ApiKey.NONE);
    assertThat(ApiKey.NONE.kind()).isEqualTo(KeyKind.NONE);
  }

  @Test
  void entraV1Token() {
    String token =
        jwt(
            "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"abc\",\"kid\":\"abc\"}",
            "{\"aud\":\"https://cognitiveservices.azure.com\","
                + "\"iss\":\"https://sts.windows.net/11111111-2222-3333-4444-555555555555/\","
                + "\"iat\":1700000000,\"nbf\":1700000000,\"exp\":1700003600,"
                + "\"appid\":\"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\",\"roles\":[\"x\"],"
                + "\"tid\":\"11111111-2222-3333-4444-555555555555\",\"ver\":\"1.0\"}");
    ApiKey key = KeyExtractor.fromHeaders("Bearer " + token, null);
    assertThat(key.kind()).isEqualTo(KeyKind.ENTRA_ID_TOKEN);
    assertThat(key.entraTenantId()).isEqualTo("11111111-2222-3333-4444-555555555555");
    assertThat(key.entraAppId()).isEqualTo("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    assertSameSecret(key, token);
  }

  @Test
  void entraV2TokenUsesAzp() {
    String token =
        jwt(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
            "{\"iss\":\"https://login.microsoftonline.com/99999999-0000-0000-0000-000000000000/v2.0\","
                + "\"azp\":\"12345678-0000-0000-0000-000000000000\",\"ver\":\"2.0\","
                + "\"tid\":\"99999999-0000-0000-0000-000000000000\"}");
    ApiKey key = KeyExtractor.fromHeaders("Bearer " + token, null);
    assertThat(key.kind()).isEqualTo(KeyKind.ENTRA_ID_TOKEN);
    assertThat(key.entraTenantId()).isEqualTo("99999999-0000-0000-0000-000000000000");
    assertThat(key.entraAppId()).isEqualTo("12345678-0000-0000-0000-000000000000");
  }

  @Test
  void otherJwtsAndLookalikes() {
    String foreign = jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"https://auth.acme.com\",\"sub\":\"u1\"}");
    assertThat(KeyExtractor.fromHeaders("Bearer " + foreign, null).kind()).isEqualTo(KeyKind.BEARER);

    String noAlg = jwt("{\"typ\":\"JWT\"}", "{\"tid\":\"t\"}");
    assertThat(KeyExtractor.fromHeaders("Bearer " + noAlg, null).kind()).isEqualTo(KeyKind.BEARER);

    String notJson = b64("hello") + "." + b64("world") + "." + b64("sig");
    assertThat(KeyExtractor.fromHeaders("Bearer " + notJson, null).kind()).isEqualTo(KeyKind.BEARER);

    assertThat(KeyExtractor.entraClaims("a.b")).isNull();
    assertThat(KeyExtractor.entraClaims("a.b.c.d.e")).isNull();
    assertThat(KeyExtractor.entraClaims("a!.b.c")).isNull();
    assertThat(KeyExtractor.entraClaims("..")).isNull();
  }

  @Test
  void cachedAndBounded() {
    ApiKey first = KeyExtractor.fromHeaders("Bearer " + OPENAI_SVCACCT, null);
    assertThat(KeyExtractor.fromHeaders("Bearer " + OPENAI_SVCACCT, null)).isSameAs(first);
    for (int i = 0; i < 500; i++) {
      KeyExtractor.fromHeaders("Bearer token-number-" + i, null);
      KeyExtractor.fromHeaders(null, "key-number-" + i);
    }
    assertThat(KeyExtractor.cacheSize()).isLessThanOrEqualTo(2 * KeyExtractor.CACHE_SIZE);
  }

  @Test
  void toStringNeverShowsTheKey() {
    ApiKey key = KeyExtractor.fromHeaders("Bearer " + OPENAI_PROJECT, null);
    assertThat(key.toString().contains(OPENAI_PROJECT)).isFalse();
    assertThat(key.toString()).startsWith("openai_api_key sha256:");
  }
}
