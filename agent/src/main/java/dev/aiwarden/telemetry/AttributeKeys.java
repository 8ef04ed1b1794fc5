package dev.aiwarden.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every span attribute ai-warden writes: the single place for these names. They are part of the
 * user-facing contract (dashboards and queries are built on them); add freely, rename none.
 *
 * <p>Each attribute has its name as a {@code String} constant and an {@link AttributeKey} of the
 * right type ({@code _KEY} suffix). The {@code gen_ai.*} names follow the OpenTelemetry GenAI
 * semantic conventions; they are defined here rather than taken from {@code
 * opentelemetry-semconv-incubating}, which marks them deprecated.
 */
public final class AttributeKeys {
  private AttributeKeys() {}

  // --- GenAI semantic conventions -------------------------------------------------------------

  /** {@code chat}, {@code embeddings}, {@code text_completion}, {@code image_generation}, ... */
  public static final String GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
  /** {@code openai}, {@code azure.ai.openai}. */
  public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
  /** The model asked for (Azure: the deployment when the body names no model). */
  public static final String GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
  public static final String GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
  public static final String GEN_AI_RESPONSE_ID = "gen_ai.response.id";
  /** String array. */
  public static final String GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
  public static final String GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
  public static final String GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
  /** The request's {@code n}: number of choices (or images) asked for. */
  public static final String GEN_AI_REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";

  // --- General semantic conventions -----------------------------------------------------------

  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
  /** The HTTP status as text for 4xx/5xx, an exception class name, or {@link #ERROR_TYPE_POLICY_DENIED}. */
  public static final String ERROR_TYPE = "error.type";
  /** The application frame that made the call: {@code com.acme.Billing.summarise}. */
  public static final String CODE_FUNCTION_NAME = "code.function.name";
  public static final String CODE_FILE_PATH = "code.file.path";
  public static final String CODE_LINE_NUMBER = "code.line.number";
  public static final String ENDUSER_ID = "enduser.id";

  // --- ai-warden ------------------------------------------------------------------------------

  /** {@code openai}, {@code azure_openai}, {@code openai_compatible}. */
  public static final String AIWARDEN_ENDPOINT_KIND = "aiwarden.endpoint.kind";
  /** Which hook saw the call: {@code okhttp}, {@code azure-core}, ... */
  public static final String AIWARDEN_CLIENT = "aiwarden.client";
  /** {@code openai_api_key}, {@code azure_api_key}, {@code entra_id_token}, {@code bearer}, {@code none}. */
  public static final String AIWARDEN_KEY_KIND = "aiwarden.key.kind";
  /** {@code sha256:} + first 16 hex digits. */
  public static final String AIWARDEN_KEY_FINGERPRINT = "aiwarden.key.fingerprint";
  /** {@code ...WXYZ}: last 4 characters, keys of 20 or more characters only. */
  public static final String AIWARDEN_KEY_HINT = "aiwarden.key.hint";
  /** {@code env:NAME}, {@code sysprop:NAME}, {@code file:PATH}, {@code literal:CLASS}, ... */
  public static final String AIWARDEN_KEY_SOURCE = "aiwarden.key.source";
  public static final String AIWARDEN_KEY_ENTRA_TENANT_ID = "aiwarden.key.entra.tenant_id";
  public static final String AIWARDEN_KEY_ENTRA_APP_ID = "aiwarden.key.entra.app_id";
  public static final String AIWARDEN_PROMPT_CHARS = "aiwarden.prompt.chars";
  public static final String AIWARDEN_PROMPT_MESSAGES = "aiwarden.prompt.messages";
  /** First 16 hex digits of SHA-256 of the prompt text. */
  public static final String AIWARDEN_PROMPT_SHA256 = "aiwarden.prompt.sha256";
  /** {@code true} for streamed calls; absent otherwise. */
  public static final String AIWARDEN_REQUEST_STREAM = "aiwarden.request.stream";
  /** Image {@code size} asked for, e.g. {@code 1024x1024}. */
  public static final String AIWARDEN_IMAGE_SIZE = "aiwarden.image.size";
  public static final String AIWARDEN_IMAGE_PROMPT_REVISED = "aiwarden.image.prompt_revised";
  public static final String AIWARDEN_CONTENT_FILTER_BLOCKED = "aiwarden.content_filter.blocked";
  /** String array, sorted. */
  public static final String AIWARDEN_CONTENT_FILTER_CATEGORIES =
      "aiwarden.content_filter.categories";
  /** {@code allow}, {@code deny}, {@code would_deny}. */
  public static final String AIWARDEN_POLICY_DECISION = "aiwarden.policy.decision";
  /** Rule id, e.g. {@code model.not_allowed}. */
  public static final String AIWARDEN_POLICY_RULE = "aiwarden.policy.rule";
  public static final String AIWARDEN_POLICY_REASON = "aiwarden.policy.reason";
  /** The prompt text itself: only with {@code prompts.capture: full}. */
  public static final String AIWARDEN_PROMPT_TEXT = "aiwarden.prompt.text";
  /** Span event: the policy file's latest edit was refused; the last good policy decided. */
  public static final String EVENT_POLICY_RELOAD_FAILED = "aiwarden.policy.reload_failed";
  /** Attribute of {@link #EVENT_POLICY_RELOAD_FAILED}: {@code FILE:LINE:COLUMN: what is wrong}. */
  public static final String AIWARDEN_POLICY_ERROR = "aiwarden.policy.error";

  // --- Values ---------------------------------------------------------------------------------

  /** The {@code error.type} of a call the policy blocked. */
  public static final String ERROR_TYPE_POLICY_DENIED = "ai_warden.policy_denied";

  // --- Typed keys -----------------------------------------------------------------------------

  public static final AttributeKey<String> GEN_AI_OPERATION_NAME_KEY =
      AttributeKey.stringKey(GEN_AI_OPERATION_NAME);
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME_KEY =
      AttributeKey.stringKey(GEN_AI_PROVIDER_NAME);
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL_KEY =
      AttributeKey.stringKey(GEN_AI_REQUEST_MODEL);
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL_KEY =
      AttributeKey.stringKey(GEN_AI_RESPONSE_MODEL);
  public static final AttributeKey<String> GEN_AI_RESPONSE_ID_KEY =
      AttributeKey.stringKey(GEN_AI_RESPONSE_ID);
  public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS_KEY =
      AttributeKey.stringArrayKey(GEN_AI_RESPONSE_FINISH_REASONS);
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS_KEY =
      AttributeKey.longKey(GEN_AI_USAGE_INPUT_TOKENS);
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS_KEY =
      AttributeKey.longKey(GEN_AI_USAGE_OUTPUT_TOKENS);
  public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS_KEY =
      AttributeKey.longKey(GEN_AI_REQUEST_MAX_TOKENS);
  public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE_KEY =
      AttributeKey.doubleKey(GEN_AI_REQUEST_TEMPERATURE);
  public static final AttributeKey<Long> GEN_AI_REQUEST_CHOICE_COUNT_KEY =
      AttributeKey.longKey(GEN_AI_REQUEST_CHOICE_COUNT);

  public static final AttributeKey<String> SERVER_ADDRESS_KEY =
      AttributeKey.stringKey(SERVER_ADDRESS);
  public static final AttributeKey<Long> SERVER_PORT_KEY = AttributeKey.longKey(SERVER_PORT);
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE_KEY =
      AttributeKey.longKey(HTTP_RESPONSE_STATUS_CODE);
  public static final AttributeKey<String> ERROR_TYPE_KEY = AttributeKey.stringKey(ERROR_TYPE);
  public static final AttributeKey<String> CODE_FUNCTION_NAME_KEY =
      AttributeKey.stringKey(CODE_FUNCTION_NAME);
  public static final AttributeKey<String> CODE_FILE_PATH_KEY =
      AttributeKey.stringKey(CODE_FILE_PATH);
  public static final AttributeKey<Long> CODE_LINE_NUMBER_KEY =
      AttributeKey.longKey(CODE_LINE_NUMBER);
  public static final AttributeKey<String> ENDUSER_ID_KEY = AttributeKey.stringKey(ENDUSER_ID);

  public static final AttributeKey<String> AIWARDEN_ENDPOINT_KIND_KEY =
      AttributeKey.stringKey(AIWARDEN_ENDPOINT_KIND);
  public static final AttributeKey<String> AIWARDEN_CLIENT_KEY =
      AttributeKey.stringKey(AIWARDEN_CLIENT);
  public static final AttributeKey<String> AIWARDEN_KEY_KIND_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_KIND);
  public static final AttributeKey<String> AIWARDEN_KEY_FINGERPRINT_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_FINGERPRINT);
  public static final AttributeKey<String> AIWARDEN_KEY_HINT_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_HINT);
  public static final AttributeKey<String> AIWARDEN_KEY_SOURCE_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_SOURCE);
  public static final AttributeKey<String> AIWARDEN_KEY_ENTRA_TENANT_ID_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_ENTRA_TENANT_ID);
  public static final AttributeKey<String> AIWARDEN_KEY_ENTRA_APP_ID_KEY =
      AttributeKey.stringKey(AIWARDEN_KEY_ENTRA_APP_ID);
  public static final AttributeKey<Long> AIWARDEN_PROMPT_CHARS_KEY =
      AttributeKey.longKey(AIWARDEN_PROMPT_CHARS);
  public static final AttributeKey<Long> AIWARDEN_PROMPT_MESSAGES_KEY =
      AttributeKey.longKey(AIWARDEN_PROMPT_MESSAGES);
  public static final AttributeKey<String> AIWARDEN_PROMPT_SHA256_KEY =
      AttributeKey.stringKey(AIWARDEN_PROMPT_SHA256);
  public static final AttributeKey<Boolean> AIWARDEN_REQUEST_STREAM_KEY =
      AttributeKey.booleanKey(AIWARDEN_REQUEST_STREAM);
  public static final AttributeKey<String> AIWARDEN_IMAGE_SIZE_KEY =
      AttributeKey.stringKey(AIWARDEN_IMAGE_SIZE);
  public static final AttributeKey<Boolean> AIWARDEN_IMAGE_PROMPT_REVISED_KEY =
      AttributeKey.booleanKey(AIWARDEN_IMAGE_PROMPT_REVISED);
  public static final AttributeKey<Boolean> AIWARDEN_CONTENT_FILTER_BLOCKED_KEY =
      AttributeKey.booleanKey(AIWARDEN_CONTENT_FILTER_BLOCKED);
  public static final AttributeKey<List<String>> AIWARDEN_CONTENT_FILTER_CATEGORIES_KEY =
      AttributeKey.stringArrayKey(AIWARDEN_CONTENT_FILTER_CATEGORIES);
  public static final AttributeKey<String> AIWARDEN_POLICY_DECISION_KEY =
      AttributeKey.stringKey(AIWARDEN_POLICY_DECISION);
  public static final AttributeKey<String> AIWARDEN_POLICY_RULE_KEY =
      AttributeKey.stringKey(AIWARDEN_POLICY_RULE);
  public static final AttributeKey<String> AIWARDEN_POLICY_REASON_KEY =
      AttributeKey.stringKey(AIWARDEN_POLICY_REASON);
  public static final AttributeKey<String> AIWARDEN_PROMPT_TEXT_KEY =
      AttributeKey.stringKey(AIWARDEN_PROMPT_TEXT);
  public static final AttributeKey<String> AIWARDEN_POLICY_ERROR_KEY =
      AttributeKey.stringKey(AIWARDEN_POLICY_ERROR);

  // --- Metric-only attributes (see CallMetrics) -------------------------------------------------

  /** On {@code gen_ai.client.token.usage}: {@code input} or {@code output}. */
  public static final String GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
  public static final AttributeKey<String> GEN_AI_TOKEN_TYPE_KEY =
      AttributeKey.stringKey(GEN_AI_TOKEN_TYPE);
}
