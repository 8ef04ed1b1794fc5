package dev.aiwarden.policy;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointKind;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.classify.Provider;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.provenance.KeyKind;
import java.nio.charset.StandardCharsets;

/** Hand-built AI calls and policies for the policy tests. */
final class TestCalls {
  static final String OPENAI_KEY = "sk-proj-POLICYTEST0123456789abcdefWXYZ";
  static final String AZURE_KEY = "0123456789abcdef0123456789abcdef";
  static final String OPENAI_FP = Fingerprints.fingerprint(OPENAI_KEY);
  static final String AZURE_FP = Fingerprints.fingerprint(AZURE_KEY);

  private TestCalls() {}

  static ApiKey openAiKey() {
    return new ApiKey(KeyKind.OPENAI_API_KEY, OPENAI_KEY, OPENAI_FP, "...WXYZ", null, null);
  }

  static ApiKey azureKey() {
    return new ApiKey(KeyKind.AZURE_API_KEY, AZURE_KEY, AZURE_FP, "...cdef", null, null);
  }

  static ApiKey entra(String tenant, String app) {
    return new ApiKey(KeyKind.ENTRA_ID_TOKEN, "eyJ.x.y", "sha256:00000000000000ee", null, tenant, app);
  }

  static RequestInfo request(String model, String prompt) {
    RequestInfo r = new RequestInfo();
    r.model = model;
    r.promptText = prompt;
    r.promptChars = prompt == null ? 0 : prompt.length();
    r.messages = 1;
    return r;
  }

  /** An OpenAI chat call to api.openai.com with the OpenAI key from env:OPENAI_API_KEY. */
  static AiCall openAi(String model, String prompt) {
    return call(
        new Endpoint(EndpointKind.OPENAI, Provider.OPENAI, Operation.CHAT, "api.openai.com", 443, null),
        request(model, prompt), openAiKey(), "env:OPENAI_API_KEY");
  }

  /** An Azure chat call to a deployment, the body naming no model. */
  static AiCall azure(String deployment, Operation op, ApiKey key, String source) {
    return call(
        new Endpoint(EndpointKind.AZURE_OPENAI, Provider.AZURE_OPENAI, op, "myres.openai.azure.com", 443,
            deployment),
        request(null, "hello"), key, source);
  }

  static AiCall proxy(ApiKey key) {
    return call(
        new Endpoint(EndpointKind.OPENAI_COMPATIBLE, Provider.OPENAI, Operation.CHAT, "proxy.example.test",
            443, null),
        request("gpt-4o", "hello"), key, "env:OPENAI_API_KEY");
  }

  static AiCall call(Endpoint endpoint, RequestInfo request, ApiKey key, String source) {
    return new AiCall("test", endpoint, "POST", "https://" + endpoint.host() + "/x", request, key, source,
        null, 0, 0);
  }

  static Policy policy(String yaml) {
    try {
      return PolicyFile.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    } catch (PolicyException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** A fake clock in nanoseconds. */
  static final class Clock {
    long now = 1_000_000_000_000L;

    long get() {
      return now;
    }
  }
}
