package dev.aiwarden.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointClassifierTest {

  @ParameterizedTest(name = "{0}{1} -> {2} {3} {4}")
  @CsvSource({
    // host, path, kind, provider, operation, deployment
    "api.openai.com, /v1/chat/completions, OPENAI, OPENAI, CHAT, ",
    "API.OpenAI.com, /v1/chat/completions, OPENAI, OPENAI, CHAT, ",
    "api.openai.com, /v1/completions, OPENAI, OPENAI, TEXT_COMPLETION, ",
    "api.openai.com, /v1/embeddings, OPENAI, OPENAI, EMBEDDINGS, ",
    "api.openai.com, /v1/images/generations, OPENAI, OPENAI, IMAGE_GENERATION, ",
    "api.openai.com, /v1/images/edits, OPENAI, OPENAI, IMAGE_GENERATION, ",
    "api.openai.com, /v1/images/variations, OPENAI, OPENAI, IMAGE_GENERATION, ",
    "api.openai.com, /v1/responses, OPENAI, OPENAI, RESPONSES, ",
    "api.openai.com, /v1/audio/transcriptions, OPENAI, OPENAI, AUDIO, ",
    "api.openai.com, /v1/audio/translations, OPENAI, OPENAI, AUDIO, ",
    "api.openai.com, /v1/audio/speech, OPENAI, OPENAI, AUDIO, ",
    "api.openai.com, /v1/chat/completions?foo=bar, OPENAI, OPENAI, CHAT, ",
    "api.openai.com, /v1/chat/completions/, OPENAI, OPENAI, CHAT, ",
    "myres.openai.azure.com, /openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21,"
        + " AZURE_OPENAI, AZURE_OPENAI, CHAT, gpt-4o",
    "MyRes.OpenAI.Azure.COM, /openai/deployments/my%20gpt/embeddings, AZURE_OPENAI, AZURE_OPENAI,"
        + " EMBEDDINGS, my gpt",
    "myres.openai.azure.com, /openai/deployments/dalle3/images/generations?api-version=2024-02-01,"
        + " AZURE_OPENAI, AZURE_OPENAI, IMAGE_GENERATION, dalle3",
    "myres.openai.azure.com, /openai/deployments/whisper/audio/transcriptions, AZURE_OPENAI,"
        + " AZURE_OPENAI, AUDIO, whisper",
    "myres.openai.azure.com, /openai/deployments/gpt-35/completions, AZURE_OPENAI, AZURE_OPENAI,"
        + " TEXT_COMPLETION, gpt-35",
    "myres.openai.azure.com, /openai/v1/chat/completions, AZURE_OPENAI, AZURE_OPENAI, CHAT, ",
    "myres.openai.azure.com, /openai/responses?api-version=2025-04-01-preview, AZURE_OPENAI,"
        + " AZURE_OPENAI, RESPONSES, ",
    "myres.cognitiveservices.azure.com, /openai/deployments/o3/chat/completions, AZURE_OPENAI,"
        + " AZURE_OPENAI, CHAT, o3",
    "myproj.services.ai.azure.com, /models/chat/completions, AZURE_OPENAI, AZURE_OPENAI, CHAT, ",
    "myres.openai.azure.com, /openai/deployments/gpt-4o/extensions/chat/completions, AZURE_OPENAI,"
        + " AZURE_OPENAI, CHAT, gpt-4o",
    "localhost, /v1/chat/completions, OPENAI_COMPATIBLE, OPENAI, CHAT, ",
    "litellm.internal, /v1/embeddings, OPENAI_COMPATIBLE, OPENAI, EMBEDDINGS, ",
    "gateway.acme.com, /api/openai/v1/chat/completions, OPENAI_COMPATIBLE, OPENAI, CHAT, ",
    "generativelanguage.googleapis.com, /v1beta/openai/chat/completions, OPENAI_COMPATIBLE, OPENAI,"
        + " CHAT, ",
    "api.groq.com, /openai/v1/responses, OPENAI_COMPATIBLE, OPENAI, RESPONSES, ",
    "apim.acme.com, /openai/deployments/gpt-4o/chat/completions, OPENAI_COMPATIBLE, AZURE_OPENAI,"
        + " CHAT, gpt-4o",
    "10.0.0.7, /proxy/v1/audio/speech, OPENAI_COMPATIBLE, OPENAI, AUDIO, ",
  })
  void classifiesAiCalls(
      String host, String path, EndpointKind kind, Provider provider, Operation op, String deployment) {
    Endpoint e = EndpointClassifier.classify(host, 443, path);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.provider()).isEqualTo(provider);
    assertThat(e.operation()).isEqualTo(op);
    assertThat(e.host()).isEqualTo(host.toLowerCase(java.util.Locale.ROOT));
    assertThat(e.port()).isEqualTo(443);
    assertThat(e.deployment()).isEqualTo(deployment);
  }

  @ParameterizedTest(name = "{0}{1} is not an AI call")
  @CsvSource({
    "api.openai.com, /v1/models",
    "api.openai.com, /v1/files",
    "api.openai.com, /v1/batches",
    "api.openai.com, /v1/moderations",
    "api.openai.com, /v1/fine_tuning/jobs",
    "api.openai.com, /v1/responses/resp_abc123",
    "api.openai.com, /v1/responses/resp_abc123/input_items",
    "api.openai.com, /v1/chat/completions/chatcmpl-abc",
    "api.openai.com, /v1/organization/usage/completions",
    "api.openai.com, /v1/organization/usage/embeddings",
    "api.openai.com, /v2/chat/completions",
    "api.openai.com, /",
    "api.openai.com, ''",
    "myres.openai.azure.com, /openai/models",
    "myres.openai.azure.com, /openai/deployments/gpt-4o",
    "myres.cognitiveservices.azure.com, /speechtotext/v3.2/transcriptions",
    "example.com, /completions",
    "example.com, /chat/completions",
    "example.com, /api/chat",
    "example.com, /api/v1/users",
    "example.com, /v10/chat/completions",
    "example.com, /myv1/chat/completions",
    "example.com, /v1/chat/completions/extra",
    "example.com, /v1/organization/usage/completions",
    "example.com, /shop/openaiproducts/embeddings",
    "openai.azure.com.evil.com, /images",
    "notopenai.azure.com, /completions",
    "fakeapi.openai.com, /completions",
    "localhost, /health",
    "localhost, /v1/models",
  })
  void rejectsOtherTraffic(String host, String path) {
    assertThat(EndpointClassifier.classify(host, 443, path)).isNull();
  }

  @Test
  void nullsAreNotAiCalls() {
    assertThat(EndpointClassifier.classify(null, 443, "/v1/chat/completions")).isNull();
    assertThat(EndpointClassifier.classify("api.openai.com", 443, null)).isNull();
  }

  @Test
  void keepsUnknownPort() {
    assertThat(EndpointClassifier.classify("api.openai.com", -1, "/v1/embeddings").port())
        .isEqualTo(-1);
  }

  @Test
  void azureLookalikeHostWithOpenAiPathIsOnlyCompatible() {
    // Not under an Azure domain: still an OpenAI-shaped call, but to "some other host".
    Endpoint e =
        EndpointClassifier.classify(
            "openai.azure.com.evil.com", 443, "/openai/deployments/x/chat/completions");
    assertThat(e.kind()).isEqualTo(EndpointKind.OPENAI_COMPATIBLE);
  }

  @Test
  void decodesDeploymentAsUtf8() {
    Endpoint e =
        EndpointClassifier.classify(
            "r.openai.azure.com", 443, "/openai/deployments/d%C3%A9ploiement%2Fx/chat/completions");
    assertThat(e.deployment()).isEqualTo("déploiement/x");
    assertThat(EndpointClassifier.percentDecode("a%zz%4", 0, 6)).isEqualTo("a%zz%4");
  }

  @Test
  void nonAiPathDoesNotAllocate() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
      return;
    }
    String[][] calls = {
      {"example.com", "/api/v1/users"},
      {"example.com", "/index.html"},
      {"api.openai.com", "/v1/models"},
      {"example.com", "/completions"},
      {"cdn.example.com", "/assets/app.js?v=3"},
    };
    for (int warm = 0; warm < 20_000; warm++) {
      for (String[] c : calls) {
        EndpointClassifier.classify(c[0], 443, c[1]);
      }
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    int hits = 0;
    for (int i = 0; i < 10_000; i++) {
      for (String[] c : calls) {
        if (EndpointClassifier.classify(c[0], 443, c[1]) != null) {
          hits++;
        }
      }
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertThat(hits).isZero();
    // 50,000 calls: any per-call allocation would show up as at least 800 KB.
    assertThat(allocated).isLessThan(64 * 1024);
  }

  /** The same AI endpoint again is the same Endpoint, made once; any other input still gets its own. */
  @Test
  void theLastAiEndpointIsReusedAndNothingElseIsTakenForIt() throws Exception {
    String path = "/openai/deployments/my%20gpt/chat/completions?api-version=2025-01-01-preview";
    Endpoint first = EndpointClassifier.classify("MyRes.openai.azure.com", 443, path);
    assertThat(EndpointClassifier.classify("MyRes.openai.azure.com", 443, path)).isSameAs(first);
    assertThat(first.host()).isEqualTo("myres.openai.azure.com");
    assertThat(first.deployment()).isEqualTo("my gpt");

    Endpoint otherPort = EndpointClassifier.classify("MyRes.openai.azure.com", 8443, path);
    assertThat(otherPort.port()).isEqualTo(8443);
    Endpoint otherPath =
        EndpointClassifier.classify("MyRes.openai.azure.com", 8443, "/openai/deployments/other/embeddings");
    assertThat(otherPath.deployment()).isEqualTo("other");
    assertThat(otherPath.operation()).isEqualTo(Operation.EMBEDDINGS);
    assertThat(EndpointClassifier.classify("example.com", 8443, "/openai/deployments/other/embeddings").kind())
        .isEqualTo(EndpointKind.OPENAI_COMPATIBLE);
    assertThat(EndpointClassifier.classify("api.openai.com", 8443, "/openai/deployments/other/embeddings"))
        .as("not an OpenAI path on api.openai.com")
        .isNull();

    String again = "/openai/deployments/my%20gpt/chat/completions?api-version=2025-01-01-preview";
    assertThat(dev.aiwarden.hook.Allocations.perRun(20_000, () -> EndpointClassifier.classify("MyRes.openai.azure.com", 443, again)))
        .isZero();
  }

  /**
   * A path handed over as {@code url[from, to)} (a hook's whole URL, no path string cut out) is
   * classified exactly as the same path alone, and a repeated one allocates nothing.
   */
  @Test
  void aPathInsideAUrlIsClassifiedAsThePathAlone() throws Exception {
    String[][] cases = {
      {"api.openai.com", "/v1/chat/completions"},
      {"api.openai.com", "/v1/chat/completions/"},
      {"api.openai.com", "/v1/chat/completions?foo=bar"},
      {"api.openai.com", "/v1/audio/speech"},
      {"api.openai.com", "/v1/models"},
      {"api.openai.com", "/v2/chat/completions"},
      {"api.openai.com", "/"},
      {"api.openai.com", ""},
      {"api.openai.com", "/openai/deployments/other/embeddings"},
      {"myres.openai.azure.com", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"},
      {"myres.openai.azure.com", "/openai/deployments/d%C3%A9ploiement%2Fx/chat/completions"},
      {"myres.openai.azure.com", "/openai/deployments/gpt-4o"},
      {"myres.openai.azure.com", "/openai/v1/chat/completions"},
      {"myproj.services.ai.azure.com", "/models/chat/completions"},
      {"localhost", "/v1/chat/completions"},
      {"gateway.acme.com", "/api/openai/v1/chat/completions"},
      {"example.com", "/chat/completions"},
      {"example.com", "/myv1/chat/completions"},
      {"example.com", "/v1/organization/usage/completions"},
      {"apim.acme.com", "/openai/deployments/gpt-4o/chat/completions"},
      {"10.0.0.7", "/proxy/v1/audio/speech"},
    };
    for (String[] c : cases) {
      String host = c[0];
      String path = c[1];
      // Text before and after the path that would change the answer if it were read.
      String url = "https://" + host + "/v1/openai/deployments/x:8443" + path + "#/v1/chat/completions";
      int from = "https://".length() + host.length() + "/v1/openai/deployments/x:8443".length();
      Endpoint alone = EndpointClassifier.classify(host, 8443, path);
      Endpoint inUrl = EndpointClassifier.classify(host, 8443, url, from, from + path.length());
      assertThat(inUrl).as(url).usingRecursiveComparison().isEqualTo(alone);
    }
    assertThat(EndpointClassifier.classify("api.openai.com", 443, "x/v1/chat/completions", 2, 40)).isNull();
    assertThat(EndpointClassifier.classify("api.openai.com", 443, "x/v1/chat/completions", -1, 5)).isNull();
    assertThat(EndpointClassifier.classify("api.openai.com", 443, null, 0, 0)).isNull();

    String url = "https://api.openai.com/v1/chat/completions";
    Endpoint first = EndpointClassifier.classify("api.openai.com", 443, url, 22, url.length());
    assertThat(first.operation()).isEqualTo(Operation.CHAT);
    assertThat(EndpointClassifier.classify("api.openai.com", 443, "/v1/chat/completions")).isSameAs(first);
    assertThat(dev.aiwarden.hook.Allocations.perRun(
            20_000, () -> EndpointClassifier.classify("api.openai.com", 443, url, 22, url.length())))
        .isZero();
  }
}
