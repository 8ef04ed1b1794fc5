package dev.aiwarden.classify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiwarden.exchange.ResponseInfo;
import java.io.IOException;

/** Test-only reference: the Jackson-based implementation before the in-place reader, kept to prove the new one reads every body the same.
 *
 * <p>
 * Reads one response JSON object (a whole response body, or one streamed event) into a {@link
 * ResponseInfo}, adding to what is already there. Shared by {@link LegacyResponseBodyParser} and {@link
 * LegacySseStreamParser}; see {@link LegacyResponseBodyParser} for the fields.
 */
final class LegacyResponseReader {
  private LegacyResponseReader() {}

  /**
   * Reads the object the parser stands on (its START_OBJECT is current) up to its END_OBJECT.
   *
   * @param requestPrompt the request's prompt text, to tell revised image prompts, or null
   */
  static void readObject(JsonParser p, ResponseInfo info, String requestPrompt) throws IOException {
    readObject(p, info, requestPrompt, true);
  }

  private static void readObject(
      JsonParser p, ResponseInfo info, String requestPrompt, boolean top) throws IOException {
    String type = null;
    String eventCode = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "id":
          if (info.id == null) {
            info.id = nonEmpty(LegacyJson.stringOrNull(p));
          }
          break;
        case "model":
          if (info.model == null) {
            info.model = nonEmpty(LegacyJson.stringOrNull(p));
          }
          break;
        case "usage":
          readUsage(p, info);
          break;
        case "choices":
          readChoices(p, info);
          break;
        case "prompt_filter_results":
        case "prompt_annotations":
          readFilterResultList(p, info);
          break;
        case "content_filter_results":
        case "content_filter_result":
          readFilterResults(p, info);
          break;
        case "error":
          if (value == JsonToken.START_OBJECT) {
            readError(p, info);
          } else {
            p.skipChildren();
          }
          break;
        case "data":
          readData(p, info, requestPrompt);
          break;
        case "incomplete_details":
          readIncompleteDetails(p, info);
          break;
        case "response":
          // Responses API streaming: response.created / .completed / .incomplete / .failed.
          if (top && value == JsonToken.START_OBJECT) {
            readObject(p, info, requestPrompt, false);
          } else {
            p.skipChildren();
          }
          break;
        case "type":
          type = LegacyJson.stringOrNull(p);
          break;
        case "code":
          eventCode = LegacyJson.stringOrNull(p);
          break;
        default:
          p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("object did not end");
    }
    // Responses API streaming error event: {"type":"error","code":"...","message":"..."}.
    if (top && "error".equals(type) && info.errorCode == null) {
      info.errorCode = nonEmpty(eventCode);
    }
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** {@code usage}: chat/completions/embeddings names, and the Responses / images API names. */
  private static void readUsage(JsonParser p, ResponseInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "prompt_tokens":
        case "input_tokens":
          Long in = LegacyJson.longOrNull(p);
          if (in != null) {
            info.inputTokens = in;
          }
          break;
        case "completion_tokens":
        case "output_tokens":
          Long out = LegacyJson.longOrNull(p);
          if (out != null) {
            info.outputTokens = out;
          }
          break;
        default:
          p.skipChildren();
      }
    }
  }

  /** {@code choices[]}: each finish reason, each Azure {@code content_filter_results}. */
  private static void readChoices(JsonParser p, ResponseInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if ("finish_reason".equals(name)) {
          String reason = nonEmpty(LegacyJson.stringOrNull(p));
          if (reason != null) {
            info.addFinishReason(reason);
          }
        } else if ("content_filter_results".equals(name)
            || "content_filter_result".equals(name)) {
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
  private static void readFilterResultList(JsonParser p, ResponseInfo info) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      readFilterHolder(p, info);
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t == JsonToken.START_OBJECT) {
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
  private static void readFilterHolder(JsonParser p, ResponseInfo info) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("content_filter_results".equals(name) || "content_filter_result".equals(name)) {
        readFilterResults(p, info);
      } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
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
  static void readFilterResults(JsonParser p, ResponseInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String category = p.currentName();
      p.nextToken();
      if ("error".equals(category)) {
        p.skipChildren();
      } else {
        readCategory(p, info, category);
      }
    }
  }

  private static final int FILTERED = 1;
  private static final int DETECTED = 2;

  private static void readCategory(JsonParser p, ResponseInfo info, String category)
      throws IOException {
    int flags = readFlags(p);
    if ((flags & FILTERED) != 0) {
      info.contentFilterBlocked = true;
      info.addContentFilterCategory(category);
    } else if ((flags & DETECTED) != 0) {
      info.addContentFilterCategory(category);
    }
  }

  /** FILTERED / DETECTED bits of a category object, or of any entry of a category list. */
  private static int readFlags(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    int flags = 0;
    if (t == JsonToken.START_ARRAY) {
      while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
        if (t == JsonToken.START_OBJECT) {
          flags |= readFlags(p);
        } else {
          p.skipChildren();
        }
      }
      return flags;
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return 0;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("filtered".equals(name)) {
        if (LegacyJson.isTrue(p)) {
          flags |= FILTERED;
        }
      } else if ("detected".equals(name)) {
        if (LegacyJson.isTrue(p)) {
          flags |= DETECTED;
        }
      } else if ("details".equals(name) && value == JsonToken.START_ARRAY) {
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
  private static void readError(JsonParser p, ResponseInfo info) throws IOException {
    String code = null;
    String type = null;
    boolean filterViolation = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "code":
          if (value == JsonToken.VALUE_NUMBER_INT) {
            code = p.getText();
          } else {
            code = nonEmpty(LegacyJson.stringOrNull(p));
          }
          break;
        case "type":
          type = nonEmpty(LegacyJson.stringOrNull(p));
          break;
        case "innererror":
        case "inner_error":
          filterViolation |= readInnerError(p, info);
          break;
        default:
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
  private static boolean readInnerError(JsonParser p, ResponseInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return false;
    }
    boolean violation = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("code".equals(name)) {
        violation = "ResponsibleAIPolicyViolation".equals(LegacyJson.stringOrNull(p));
      } else if ("content_filter_result".equals(name) || "content_filter_results".equals(name)) {
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
  private static void readData(JsonParser p, ResponseInfo info, String requestPrompt)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      boolean image = false;
      String revised = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "url":
          case "b64_json":
            image = true;
            p.skipChildren();
            break;
          case "revised_prompt":
            image = true;
            revised = LegacyJson.stringOrNull(p);
            break;
          case "content_filter_results":
            readFilterResults(p, info);
            break;
          case "prompt_filter_results":
            readFilterResultList(p, info);
            break;
          default:
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
  private static void readIncompleteDetails(JsonParser p, ResponseInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("reason".equals(name)) {
        String reason = nonEmpty(LegacyJson.stringOrNull(p));
        if (reason != null) {
          info.addFinishReason(reason);
        }
      } else {
        p.skipChildren();
      }
    }
  }
}
