package dev.aiwarden.policy;

import dev.aiwarden.classify.Endpoint;
import dev.aiwarden.classify.EndpointKind;
import dev.aiwarden.classify.Operation;
import dev.aiwarden.core.AiCall;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import dev.aiwarden.provenance.ApiKey;
import dev.aiwarden.provenance.KeyKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A policy file, compiled: globs and patterns are compiled once when the file is read, so a
 * decision does no I/O and, when it allows, allocates nothing. Immutable; the state the rules
 * remember between calls is in {@link PolicyState}.
 *
 * <p>Decision order (the first failing rule names the denial; a deny from any rule wins):
 * endpoint, key (denied, allowed, source, host binding, provider, Entra), content-filter breaker,
 * operation, model, prompt (length, secrets, patterns), and last the limits (requests, then
 * tokens), which count only calls that go out.
 */
public final class Policy {
  static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** {@code enforce} or {@code monitor}. */
  public enum Mode {
    ENFORCE,
    MONITOR
  }

  /** The settings read from the file; null / empty fields are absent sections. */
  static final class Settings {
    Mode mode = Mode.ENFORCE;
    List<String> endpointsAllow;
    Set<String> keysAllow;
    Set<String> keysDeny;
    Set<String> keysSources;
    Map<String, List<String>> keysBind;
    boolean matchProvider;
    Set<String> entraTenants;
    Set<String> entraApps;
    List<String> modelsAllow;
    List<String> modelsDeny;
    Set<Operation> operationsAllow;
    Long maxChars;
    List<String> denyPatterns;
    boolean denySecrets;
    PromptCapture capture = PromptCapture.HASH;
    Integer requestsPerMinute;
    Long tokensPerMinute;
    Integer abuseMax;
    Long abusePerNanos;
  }

  final Mode mode;
  private final Glob[] endpointsAllow;
  private final Set<String> keysAllow;
  private final Set<String> keysDeny;
  private final Set<String> keysSources;
  /** {@link #keysSources} as an array, for {@link #sourceAllowed}. */
  private final String[] keysSourcesArray;
  private final Map<String, Glob[]> keysBind;
  private final boolean matchProvider;
  private final Set<String> entraTenants;
  private final Set<String> entraApps;
  private final Glob[] modelsAllow;
  private final Glob[] modelsDeny;
  private final Set<Operation> operationsAllow;
  private final long maxChars;
  private final PromptPattern[] denyPatterns;
  private final boolean denySecrets;
  final PromptCapture capture;
  private final int requestsPerMinute;
  private final long tokensPerMinute;
  private final int abuseMax;
  private final long abusePerNanos;
  private final Decision allow;
  private final String invalid;

  Policy(Settings s) {
    this.mode = s.mode;
    this.endpointsAllow = globs(s.endpointsAllow);
    this.keysAllow = s.keysAllow;
    this.keysDeny = s.keysDeny == null ? Collections.<String>emptySet() : s.keysDeny;
    this.keysSources = s.keysSources;
    this.keysSourcesArray =
        s.keysSources == null ? new String[0] : s.keysSources.toArray(new String[0]);
    if (s.keysBind == null || s.keysBind.isEmpty()) {
      this.keysBind = Collections.emptyMap();
    } else {
      Map<String, Glob[]> bind = new java.util.HashMap<>();
      for (Map.Entry<String, List<String>> e : s.keysBind.entrySet()) {
        bind.put(e.getKey(), globs(e.getValue()));
      }
      this.keysBind = bind;
    }
    this.matchProvider = s.matchProvider;
    this.entraTenants = emptyToNull(s.entraTenants);
    this.entraApps = emptyToNull(s.entraApps);
    this.modelsAllow = globs(s.modelsAllow);
    this.modelsDeny = s.modelsDeny == null ? new Glob[0] : globs(s.modelsDeny);
    this.operationsAllow = s.operationsAllow == null ? null : EnumSet.copyOf(
        s.operationsAllow.isEmpty() ? EnumSet.noneOf(Operation.class) : s.operationsAllow);
    this.maxChars = s.maxChars == null ? -1 : s.maxChars;
    List<String> patterns = s.denyPatterns == null ? Collections.<String>emptyList() : s.denyPatterns;
    this.denyPatterns = new PromptPattern[patterns.size()];
    // Searched one by one: the JDK engine is far slower on one big alternation than on its parts.
    for (int i = 0; i < patterns.size(); i++) {
      denyPatterns[i] = new PromptPattern(patterns.get(i), i);
    }
    this.denySecrets = s.denySecrets;
    this.capture = s.capture;
    this.requestsPerMinute = s.requestsPerMinute == null ? -1 : s.requestsPerMinute;
    this.tokensPerMinute = s.tokensPerMinute == null ? -1 : s.tokensPerMinute;
    this.abuseMax = s.abuseMax == null ? -1 : s.abuseMax;
    this.abusePerNanos = s.abusePerNanos == null ? 0 : s.abusePerNanos;
    this.allow = new Decision(Decision.Outcome.ALLOW, null, null, capture, null);
    this.invalid = null;
  }

  private Policy(Policy base, String invalid) {
    this.mode = Mode.ENFORCE;
    this.endpointsAllow = base.endpointsAllow;
    this.keysAllow = base.keysAllow;
    this.keysDeny = base.keysDeny;
    this.keysSources = base.keysSources;
    this.keysSourcesArray = base.keysSourcesArray;
    this.keysBind = base.keysBind;
    this.matchProvider = base.matchProvider;
    this.entraTenants = base.entraTenants;
    this.entraApps = base.entraApps;
    this.modelsAllow = base.modelsAllow;
    this.modelsDeny = base.modelsDeny;
    this.operationsAllow = base.operationsAllow;
    this.maxChars = base.maxChars;
    this.denyPatterns = base.denyPatterns;
    this.denySecrets = base.denySecrets;
    this.capture = PromptCapture.HASH;
    this.requestsPerMinute = -1;
    this.tokensPerMinute = -1;
    this.abuseMax = -1;
    this.abusePerNanos = 0;
    this.allow = base.allow;
    this.invalid = invalid;
  }

  /**
   * The policy in force when the policy file given at start-up is missing or invalid: every AI call
   * is denied with {@code policy.invalid}, the reason being {@code error}.
   */
  static Policy invalid(String error) {
    return new Policy(new Policy(new Settings()), error);
  }

  /** True for the stand-in of {@link #invalid}. */
  boolean isInvalid() {
    return invalid != null;
  }

  public Mode mode() {
    return mode;
  }

  // --- Deciding -------------------------------------------------------------------------------

  Decision decide(AiCall call, PolicyState state) {
    if (invalid != null) {
      return new Decision(
          Decision.Outcome.DENY,
          RuleId.POLICY_INVALID.id(),
          "the policy file is invalid (" + invalid + "), so every AI call is refused until it is fixed",
          PromptCapture.HASH,
          null);
    }
    Decision verdict = check(call, state);
    if (verdict != null && mode == Mode.ENFORCE) {
      return verdict; // blocked: it counts towards no limit
    }
    String limitKey = limitKey(call.key);
    long now = 0;
    if (requestsPerMinute >= 0 || tokensPerMinute >= 0) {
      now = state.nanoTime.getAsLong();
    }
    if (requestsPerMinute >= 0) {
      boolean within =
          state.requests.tryAcquire(limitKey, requestsPerMinute, MINUTE_NANOS, now, verdict != null
              || mode == Mode.MONITOR);
      if (!within && verdict == null) {
        verdict = deny(RuleId.LIMIT_REQUESTS, "key " + describe(call.key) + " made "
            + requestsPerMinute + " requests in the last minute, the limit (limits.requests_per_minute)");
        if (mode == Mode.ENFORCE) {
          return verdict;
        }
      }
    }
    if (tokensPerMinute >= 0) {
      // One lock for "how many in the window" and "reserve this call's max_tokens": a call refused
      // in enforce mode reserves nothing; in monitor mode (or already would_deny) it reserves.
      Long max = call.request == null ? null : call.request.maxTokens;
      long used =
          state.tokens.reserveBelow(
              limitKey,
              tokensPerMinute,
              verdict == null && mode == Mode.ENFORCE,
              max == null ? 0 : max,
              MINUTE_NANOS,
              now,
              call);
      if (used >= tokensPerMinute && verdict == null) {
        verdict = deny(RuleId.LIMIT_TOKENS, "key " + describe(call.key) + " used or reserved " + used
            + " tokens in the last minute; the limit (limits.tokens_per_minute) is " + tokensPerMinute);
        if (mode == Mode.ENFORCE) {
          return verdict;
        }
      }
    }
    return verdict == null ? allow : verdict;
  }

  /** The first rule (in the documented order) the call breaks, as a decision; null when none. */
  private Decision check(AiCall call, PolicyState state) {
    Endpoint endpoint = call.endpoint;
    String host = endpoint == null ? null : endpoint.host();
    if (endpointsAllow != null && !Glob.any(endpointsAllow, host)) {
      return deny(RuleId.ENDPOINT_NOT_ALLOWED, "host " + host
          + (endpoint != null && endpoint.kind() == EndpointKind.OPENAI_COMPATIBLE
              ? " (an OpenAI-compatible endpoint: a proxy or gateway)" : "")
          + " is not in endpoints.allow");
    }

    ApiKey key = call.key == null ? ApiKey.NONE : call.key;
    String fp = key.fingerprint();
    boolean hasKey = key.kind() != KeyKind.NONE;
    if (fp != null && keysDeny.contains(fp)) {
      return deny(RuleId.KEY_DENIED, "key " + fp + " is listed in keys.deny (revoked or leaked)");
    }
    if (keysAllow != null && (fp == null || !keysAllow.contains(fp))) {
      return deny(RuleId.KEY_NOT_ALLOWED, fp == null
          ? "the call carries no key, and keys.allow lists the keys that may be used"
          : "key " + fp + " is not in keys.allow");
    }
    if (keysSources != null && hasKey) {
      String source = call.keySource == null ? "unknown" : call.keySource;
      if (!sourceAllowed(source)) {
        int colon = source.indexOf(':');
        String kind = colon < 0 ? source : source.substring(0, colon);
        return deny(RuleId.KEY_SOURCE_NOT_ALLOWED, "key " + describe(key) + " comes from " + source
            + ", and keys.sources does not allow " + kind);
      }
    }
    if (fp != null && !keysBind.isEmpty()) {
      Glob[] hosts = keysBind.get(fp);
      if (hosts != null) {
        String here = state.hostName();
        if (!Glob.any(hosts, here)) {
          return deny(RuleId.KEY_HOST_NOT_BOUND, "key " + fp + " is bound by keys.bind to other hosts"
              + " than this one (" + (here == null ? "host name unknown" : here) + ")");
        }
      }
    }
    if (matchProvider && endpoint != null) {
      boolean azureHost = endpoint.kind() == EndpointKind.AZURE_OPENAI;
      if (key.kind() == KeyKind.AZURE_API_KEY && !azureHost) {
        return deny(RuleId.KEY_WRONG_PROVIDER, "an Azure key (" + describe(key) + ") is being sent to "
            + host + ", which is not an Azure OpenAI host");
      }
      if (key.kind() == KeyKind.OPENAI_API_KEY && azureHost) {
        return deny(RuleId.KEY_WRONG_PROVIDER, "an OpenAI key (" + describe(key)
            + ") is being sent to the Azure host " + host);
      }
    }
    if (key.kind() == KeyKind.ENTRA_ID_TOKEN) {
      if (entraTenants != null
          && (key.entraTenantId() == null || !entraTenants.contains(key.entraTenantId()))) {
        return deny(RuleId.KEY_ENTRA_NOT_ALLOWED, "the Entra ID token is from tenant "
            + orUnknown(key.entraTenantId()) + ", which is not in keys.entra.tenants");
      }
      if (entraApps != null
          && (key.entraAppId() == null || !entraApps.contains(key.entraAppId()))) {
        return deny(RuleId.KEY_ENTRA_NOT_ALLOWED, "the Entra ID token is from app "
            + orUnknown(key.entraAppId()) + ", which is not in keys.entra.apps");
      }
    }
    if (abuseMax > 0) {
      long left = state.breaker.trippedFor(limitKey(key), state.nanoTime.getAsLong());
      if (left > 0) {
        return deny(RuleId.ABUSE_CONTENT_FILTER, "key " + describe(key) + " hit the content filter "
            + abuseMax + " times within " + Durations.format(abusePerNanos)
            + " (abuse.content_filter_blocks) and is refused for another "
            + Durations.format(Math.max(TimeUnit.SECONDS.toNanos(1), left)));
      }
    }

    Operation operation = endpoint == null ? null : endpoint.operation();
    if (operationsAllow != null && (operation == null || !operationsAllow.contains(operation))) {
      return deny(RuleId.OPERATION_NOT_ALLOWED, "operation "
          + (operation == null ? "(unknown)" : operation.id()) + " is not in operations.allow");
    }
    String model = call.requestModel();
    if (modelsDeny.length > 0 && Glob.any(modelsDeny, model)) {
      return deny(RuleId.MODEL_NOT_ALLOWED, "model " + model + " is in models.deny");
    }
    if (modelsAllow != null && !Glob.any(modelsAllow, model)) {
      return deny(RuleId.MODEL_NOT_ALLOWED, model == null
          ? "the call names no model, and models.allow lists the models that may be used"
          : "model " + model + " is not in models.allow");
    }

    RequestInfo request = call.request;
    if (request != null) {
      if (maxChars >= 0 && request.promptChars > maxChars) {
        return deny(RuleId.PROMPT_TOO_LONG, "the prompt has " + request.promptChars
            + " characters; prompts.max_chars is " + maxChars);
      }
      CharSequence text = request.promptTextToInspect(); // no string made of it per call
      if (denySecrets && text != null) {
        String secret = SecretScanner.find(text);
        if (secret != null) {
          return deny(RuleId.PROMPT_SECRET, "the prompt text contains " + secret
              + " (prompts.deny_secrets; the secret itself is not recorded)");
        }
      }
      if (text != null) {
        for (int i = 0; i < denyPatterns.length; i++) {
          if (denyPatterns[i].find(text)) {
            return deny(RuleId.PROMPT_PATTERN, "the prompt text matches the prompts.deny_patterns"
                + " pattern \"" + denyPatterns[i].source + "\"");
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether the kind of {@code source} (what precedes its first {@code :}, e.g. {@code env} of
   * {@code env:OPENAI_API_KEY}) is in {@code keys.sources}; compares in place, copying nothing.
   */
  private boolean sourceAllowed(String source) {
    int colon = source.indexOf(':');
    int length = colon < 0 ? source.length() : colon;
    for (String kind : keysSourcesArray) {
      if (kind.length() == length && source.startsWith(kind)) {
        return true;
      }
    }
    return false;
  }

  /** Whether deciding reads the prompt text: secret scanning, deny patterns, or full capture. */
  boolean needsPromptText() {
    return denySecrets || denyPatterns.length > 0 || capture == PromptCapture.FULL;
  }

  /** Whether the span carries the prompt text, so it is kept as a string: full capture. */
  boolean needsPromptString() {
    return capture == PromptCapture.FULL;
  }

  /** After the call: tokens used (limits) and content-filter blocks (abuse). */
  void onCompleted(AiCall call, PolicyState state) {
    ResponseInfo response = call.response;
    Object ticket = call.policyTicket;
    if (ticket instanceof TokenWindow.Book) {
      long used = 0;
      if (response != null) {
        used = (response.hasInputTokens() ? response.inputTokens : 0)
            + (response.hasOutputTokens() ? response.outputTokens : 0);
      }
      TokenWindow.settle((TokenWindow.Book) ticket, call.policyTicketSeq, used);
    }
    if (abuseMax > 0 && response != null
        && (response.contentFilterBlocked || "content_filter".equals(response.errorCode))) {
      boolean tripped =
          state.breaker.recordBlock(limitKey(call.key), abuseMax, abusePerNanos, state.nanoTime.getAsLong());
      if (tripped) {
        PolicyStore.log().warn("key " + describe(call.key) + " hit the content filter " + abuseMax
            + " times within " + Durations.format(abusePerNanos) + ": its AI calls are "
            + (mode == Mode.ENFORCE ? "refused" : "marked would_deny") + " (abuse.content_filter) for "
            + Durations.format(abusePerNanos));
      }
    }
  }

  private Decision deny(RuleId rule, String reason) {
    return new Decision(
        mode == Mode.ENFORCE ? Decision.Outcome.DENY : Decision.Outcome.WOULD_DENY,
        rule.id(),
        reason,
        capture,
        null);
  }

  /** The key the limits count by: its fingerprint, or {@code none} for calls without a key. */
  static String limitKey(ApiKey key) {
    String fp = key == null ? null : key.fingerprint();
    return fp == null ? "none" : fp;
  }

  private static String describe(ApiKey key) {
    if (key == null || key.fingerprint() == null) {
      return "(none)";
    }
    return key.fingerprint();
  }

  private static String orUnknown(String s) {
    return s == null ? "(unknown)" : s;
  }

  private static Glob[] globs(List<String> patterns) {
    if (patterns == null) {
      return null;
    }
    Glob[] g = new Glob[patterns.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = Glob.compile(patterns.get(i));
    }
    return g;
  }

  private static <T> Set<T> emptyToNull(Set<T> s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
