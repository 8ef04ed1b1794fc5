package dev.aiwarden.classify;

import dev.aiwarden.exchange.ResponseInfo;
import java.io.IOException;

/**
 * Reads one response JSON object (a whole response body, or one streamed event) into a {@link
 * ResponseInfo}, adding to what is already there. Shared by {@link ResponseBodyParser} and {@link
 * SseStreamParser}; see {@link ResponseBodyParser} for the fields.
 */
final class ResponseReader {
  private ResponseReader() {}

  private static byte[] a(String s) {
    return RequestBodyParser.ascii(s);
  }

  private static final byte[] ID = a("id");
  private static final byte[] MODEL = a("model");
  private static final byte[] USAGE = a("usage");
  private static final byte[] CHOICES = a("choices");
  private static final byte[] PROMPT_FILTER_RESULTS = a("prompt_filter_results");
  private static final byte[] PROMPT_ANNOTATIONS = a("prompt_annotations");
  private static final byte[] CONTENT_FILTER_RESULTS = a("content_filter_results");
  private static final byte[] CONTENT_FILTER_RESULT = a("content_filter_result");
  private static final byte[] ERROR = a("error");
  private static final byte[] DATA = a("data");
  private static final byte[] INCOMPLETE_DETAILS = a("incomplete_details");
  private static final byte[] RESPONSE = a("response");
  private static final byte[] TYPE = a("type");
  private static final byte[] CODE = a("code");
  private static final byte[] PROMPT_TOKENS = a("prompt_tokens");
  private static final byte[] INPUT_TOKENS = a("input_tokens");
  private static final byte[] COMPLETION_TOKENS = a("completion_tokens");
  private static final byte[] OUTPUT_TOKENS = a("output_tokens");
  private static final byte[] FINISH_REASON = a("finish_reason");
  private static final byte[] FILTERED = a("filtered");
  private static final byte[] DETECTED = a("detected");
  private static final byte[] DETAILS = a("details");
  private static final byte[] INNERERROR = a("innererror");
  private static final byte[] INNER_ERROR = a("inner_error");
  private static final byte[] RESPONSIBLE_AI_POLICY_VIOLATION = a("ResponsibleAIPolicyViolation");
  private static final byte[] URL = a("url");
  private static final byte[] B64_JSON = a("b64_json");
  private static final byte[] REVISED_PROMPT = a("revised_prompt");
  private static final byte[] REASON = a("reason");

  /**
   * Reads the object the cursor stands on (its START_OBJECT is current) up to its END_OBJECT.
   *
   * @param requestPrompt the request's prompt text, to tell revised image prompts, or null
   */
  static void readObject(JsonCursor p, ResponseInfo info, String requestPrompt) throws IOException {
    readObject(p, info, requestPrompt, true, true);
  }

  /**
   * As {@link #readObject(JsonCursor, ResponseInfo, String)}; without {@code spanValues} the values
   * shown only on spans (id, finish reasons) are skipped.
   */
  static void readObject(JsonCursor p, ResponseInfo info, String requestPrompt, boolean spanValues)
      throws IOException {
    readObject(p, info, requestPrompt, true, spanValues);
  }

  private static boolean isFilterResults(JsonCursor p) {
    return p.nameIs(CONTENT_FILTER_RESULTS) || p.nameIs(CONTENT_FILTER_RESULT);
  }

  private static void readObject(
      JsonCursor p, ResponseInfo info, String requestPrompt, boolean top, boolean spanValues)
      throws IOException {
    boolean typeIsError = false;
    String eventCode = null;
    int t;
    while ((t = p.next()) == JsonCursor.FIELD_NAME) {
      int value = p.next();
      if (p.nameIs(ID)) {
        if (info.id == null && spanValues) {
          info.id = nonEmpty(Json.stringOrNull(p));
        } else {
          p.skipChildren();
        }
      } else if (p.nameIs(MODEL)) {
        if (info.model == null) {
          info.model = nonEmpty(Json.sharedStringOrNull(p));
        } else {
          p.skipChildren();
        }
      } else if (p.nameIs(USAGE)) {
        readUsage(p, info);
      } else if (p.nameIs(CHOICES)) {
        readChoices(p, info, spanValues);
      } else if (p.nameIs(PROMPT_FILTER_RESULTS) || p.nameIs(PROMPT_ANNOTATIONS)) {
        readFilterResultList(p, info);
      } else if (isFilterResults(p)) {
        readFilterResults(p, info);
      } else if (p.nameIs(ERROR)) {
        if (value == JsonCursor.START_OBJECT) {
          readError(p, info);
        } else {
          p.skipChildren();
        }
      } else if (p.nameIs(DATA)) {
        readData(p, info, requestPrompt);
      } else if (p.nameIs(INCOMPLETE_DETAILS)) {
        readIncompleteDetails(p, info, spanValues);
      } else if (p.nameIs(RESPONSE)) {
        // Responses API streaming: response.created / .completed / .incomplete / .failed.
        if (top && value == JsonCursor.START_OBJECT) {
          readObject(p, info, requestPrompt, false, spanValues);
        } else {
          p.skipChildren();
        }
      } else if (p.nameIs(TYPE)) {
        typeIsError = value == JsonCursor.STRING && p.textIs(ERROR);
        p.skipChildren();
      } else if (p.nameIs(CODE)) {
        eventCode = Json.sharedStringOrNull(p);
      } else {
        p.skipChildren();
      }
    }
    if (t != JsonCursor.END_OBJECT) {
      throw new IOException("object did not end");
    }
    // Responses API streaming error event: {"type":"error","code":"...","message":"..."}.
    if (top && typeIsError && info.errorCode == null) {
      info.errorCode = nonEmpty(eventCode);
    }
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** {@code usage}: chat/completions/embeddings names, and the Responses / images API names. */
  private static void readUsage(JsonCursor p, ResponseInfo info) throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.next() == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(PROMPT_TOKENS) || p.nameIs(INPUT_TOKENS)) {
        if (Json.readsLong(p)) {
          info.inputTokens = p.longValue();
        }
      } else if (p.nameIs(COMPLETION_TOKENS) || p.nameIs(OUTPUT_TOKENS)) {
        if (Json.readsLong(p)) {
          info.outputTokens = p.longValue();
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /** {@code choices[]}: each finish reason, each Azure {@code content_filter_results}. */
  private static void readChoices(JsonCursor p, ResponseInfo info, boolean spanValues)
      throws IOException {
    if (p.current() != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int t;
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      if (t != JsonCursor.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.next() == JsonCursor.FIELD_NAME) {
        p.next();
        if (p.nameIs(FINISH_REASON) && spanValues) {
          String reason = nonEmpty(Json.sharedStringOrNull(p));
          if (reason != null) {
            info.addFinishReason(reason);
          }
        } else if (isFilterResults(p)) {
          readFilterResults(p, info);
        } else {
          p.skipChildren(); // message, delta, logprobs: never decoded
        }
      }
    }
  }

  /**
   * {@code prompt_filter_results}: a list of {@code {prompt_index, content_filter_results}} (or,
   * on an image item, one such object).
   */
  private static void readFilterResultList(JsonCursor p, ResponseInfo info) throws IOException {
    int t = p.current();
    if (t == JsonCursor.START_OBJECT) {
      readFilterHolder(p, info);
      return;
    }
    if (t != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      if (t == JsonCursor.START_OBJECT) {
        readFilterHolder(p, info);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * An object that holds {@code content_filter_results}; an object that is itself the category map
   * (Azure images put the categories directly under {@code prompt_filter_results}) is read as such.
   */
  private static void readFilterHolder(JsonCursor p, ResponseInfo info) throws IOException {
    while (p.next() == JsonCursor.FIELD_NAME) {
      long name = p.nameRef();
      int value = p.next();
      if (isFilterResults(p)) {
        readFilterResults(p, info);
      } else if (value == JsonCursor.START_OBJECT || value == JsonCursor.START_ARRAY) {
        readCategory(p, info, name);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * Azure {@code content_filter_results}: category name to {@code {filtered, detected, severity}}
   * (or, for {@code custom_blocklists}, a list or {@code details} list of {@code {filtered, id}}).
   * A category with {@code filtered: true} is added and blocks; {@code detected: true} alone is
   * added but does not block (a detected jailbreak or protected material in annotate-only mode
   * did not stop the call). The {@code error} entry (filtering itself failed) is not a category.
   */
  static void readFilterResults(JsonCursor p, ResponseInfo info) throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.next() == JsonCursor.FIELD_NAME) {
      long category = p.nameRef();
      p.next();
      if (p.nameIs(ERROR)) {
        p.skipChildren();
      } else {
        readCategory(p, info, category);
      }
    }
  }

  private static final int IS_FILTERED = 1;
  private static final int IS_DETECTED = 2;

  /** Reads a category's flags; its name ({@code category}, a {@link JsonCursor#nameRef}) becomes a string only when it is added. */
  private static void readCategory(JsonCursor p, ResponseInfo info, long category)
      throws IOException {
    int flags = readFlags(p);
    if ((flags & IS_FILTERED) != 0) {
      info.contentFilterBlocked = true;
      info.addContentFilterCategory(p.nameString(category));
    } else if ((flags & IS_DETECTED) != 0) {
      info.addContentFilterCategory(p.nameString(category));
    }
  }

  /** FILTERED / DETECTED bits of a category object, or of any entry of a category list. */
  private static int readFlags(JsonCursor p) throws IOException {
    int t = p.current();
    int flags = 0;
    if (t == JsonCursor.START_ARRAY) {
      while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
        if (t == JsonCursor.START_OBJECT) {
          flags |= readFlags(p);
        } else {
          p.skipChildren();
        }
      }
      return flags;
    }
    if (t != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return 0;
    }
    while (p.next() == JsonCursor.FIELD_NAME) {
      int value = p.next();
      if (p.nameIs(FILTERED)) {
        if (Json.isTrue(p)) {
          flags |= IS_FILTERED;
        }
      } else if (p.nameIs(DETECTED)) {
        if (Json.isTrue(p)) {
          flags |= IS_DETECTED;
        }
      } else if (p.nameIs(DETAILS) && value == JsonCursor.START_ARRAY) {
        flags |= readFlags(p);
      } else {
        p.skipChildren();
      }
    }
    return flags;
  }

  /**
   * {@code error}: {@code code}, else {@code type}, becomes the error code. Azure's content filter
   * error ({@code code} {@code content_filter}, or {@code contentFilter} from the images API, or an
   * {@code innererror.code} of {@code ResponsibleAIPolicyViolation}) blocks, with the categories of
   * {@code innererror.content_filter_result}.
   */
  private static void readError(JsonCursor p, ResponseInfo info) throws IOException {
    String code = null;
    String type = null;
    boolean filterViolation = false;
    while (p.next() == JsonCursor.FIELD_NAME) {
      int value = p.next();
      if (p.nameIs(CODE)) {
        if (value == JsonCursor.INT) {
          code = p.numberText();
        } else {
          code = nonEmpty(Json.sharedStringOrNull(p));
        }
      } else if (p.nameIs(TYPE)) {
        type = nonEmpty(Json.sharedStringOrNull(p));
      } else if (p.nameIs(INNERERROR) || p.nameIs(INNER_ERROR)) {
        filterViolation |= readInnerError(p, info);
      } else {
        p.skipChildren();
      }
    }
    if (info.errorCode == null) {
      info.errorCode = code != null ? code : type;
    }
    if (filterViolation
        || "content_filter".equalsIgnoreCase(code)
        || "contentFilter".equalsIgnoreCase(code)) {
      info.contentFilterBlocked = true;
    }
  }

  /** Returns true for {@code code: ResponsibleAIPolicyViolation}; reads the filter categories. */
  private static boolean readInnerError(JsonCursor p, ResponseInfo info) throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return false;
    }
    boolean violation = false;
    while (p.next() == JsonCursor.FIELD_NAME) {
      int value = p.next();
      if (p.nameIs(CODE)) {
        violation = value == JsonCursor.STRING && p.textIs(RESPONSIBLE_AI_POLICY_VIOLATION);
        p.skipChildren();
      } else if (isFilterResults(p)) {
        readFilterResults(p, info);
      } else {
        p.skipChildren();
      }
    }
    return violation;
  }

  /**
   * {@code data[]}: image items (with {@code url}, {@code b64_json} or {@code revised_prompt}) are
   * counted; other lists called {@code data} (embeddings) are not images. The base64 payload is
   * never decoded.
   */
  private static void readData(JsonCursor p, ResponseInfo info, String requestPrompt)
      throws IOException {
    if (p.current() != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int t;
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      if (t != JsonCursor.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      boolean image = false;
      String revised = null;
      while (p.next() == JsonCursor.FIELD_NAME) {
        p.next();
        if (p.nameIs(URL) || p.nameIs(B64_JSON)) {
          image = true;
          p.skipChildren();
        } else if (p.nameIs(REVISED_PROMPT)) {
          image = true;
          revised = Json.stringOrNull(p);
        } else if (p.nameIs(CONTENT_FILTER_RESULTS)) {
          readFilterResults(p, info);
        } else if (p.nameIs(PROMPT_FILTER_RESULTS)) {
          readFilterResultList(p, info);
        } else {
          p.skipChildren();
        }
      }
      if (image) {
        info.images = info.images == null ? 1 : info.images + 1;
        if (revised != null && !revised.equals(requestPrompt)) {
          info.imagesRevised++;
        }
      }
    }
  }

  /** Responses API {@code incomplete_details.reason} (e.g. {@code max_output_tokens}). */
  private static void readIncompleteDetails(JsonCursor p, ResponseInfo info, boolean spanValues)
      throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.next() == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(REASON) && spanValues) {
        String reason = nonEmpty(Json.sharedStringOrNull(p));
        if (reason != null) {
          info.addFinishReason(reason);
        }
      } else {
        p.skipChildren();
      }
    }
  }
}
