package dev.aiwarden.classify;

import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import java.io.IOException;

/**
 * Reads what came back from a (non-streamed) AI call in one pass over its bytes, in place ({@link
 * JsonCursor}): no tree, no copy; message texts, embeddings and base64 images are skipped without
 * being decoded, and only the small values kept (id, model, reasons, codes) become strings.
 *
 * <ul>
 *   <li>{@code id}, {@code model} (the first non-empty value).
 *   <li>{@code usage}: {@code prompt_tokens} / {@code input_tokens} as input tokens, {@code
 *       completion_tokens} / {@code output_tokens} as output tokens (chat, completions,
 *       embeddings, Responses API, {@code gpt-image-1}).
 *   <li>Finish reasons: each {@code choices[].finish_reason}, plus the Responses API's {@code
 *       incomplete_details.reason} when a response is incomplete.
 *   <li>Azure content filtering: {@code prompt_filter_results[].content_filter_results} (also the
 *       older {@code prompt_annotations}), {@code choices[].content_filter_results}, and on image
 *       items {@code content_filter_results} / {@code prompt_filter_results}. A category with
 *       {@code filtered: true} is added to the categories and sets {@code contentFilterBlocked}; a
 *       category with only {@code detected: true} is added but does not set blocked (annotate-only
 *       filters let the call through).
 *   <li>Error bodies {@code {"error": {...}}}: the error code is {@code error.code}, else {@code
 *       error.type}. Azure's content filter error (HTTP 400, {@code code: content_filter}, or the
 *       images API's {@code contentFilter}, or {@code innererror.code:
 *       ResponsibleAIPolicyViolation}) sets blocked, with the categories of {@code
 *       innererror.content_filter_result}.
 *   <li>Images: the number of {@code data[]} items that carry {@code url}, {@code b64_json} or
 *       {@code revised_prompt}; {@code imagesRevised} counts those whose {@code revised_prompt}
 *       differs from the request's prompt text (any {@code revised_prompt} counts when the request's
 *       prompt is unknown).
 * </ul>
 *
 * <p>Robustness as for {@link RequestBodyParser}: never throws; broken, truncated, empty or
 * non-JSON bodies keep what was read and set {@link ResponseInfo#unparsed}. A body with content
 * type {@code text/event-stream} (a whole stream buffered by the client) is read like {@link
 * SseStreamParser} reads a stream. The HTTP status is not
 * needed to read the body and is only taken as a hint: nothing depends on it today.
 */
public final class ResponseBodyParser {
  private ResponseBodyParser() {}

  /**
   * Parses a response body. Never throws and never returns null.
   *
   * @param body the bytes (may be null)
   * @param offset where the body starts in {@code body}
   * @param length how many bytes it has
   * @param contentType the {@code Content-Type} header, or null
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @param status the HTTP status code
   * @param request what the request asked for (for revised image prompts), or null
   */
  public static ResponseInfo parse(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      int status,
      RequestInfo request) {
    return parse(body, offset, length, contentType, contentEncoding, status, request, true);
  }

  /**
   * As {@link #parse(byte[], int, int, String, String, int, RequestInfo)}; without {@code
   * spanValues} the values only a span shows are not read: the response id and finish reasons stay
   * empty.
   */
  public static ResponseInfo parse(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      int status,
      RequestInfo request,
      boolean spanValues) {
    ResponseInfo info = new ResponseInfo();
    try {
      if (isEventStream(contentType)) {
        return parseEventStream(body, offset, length, contentEncoding, request);
      }
      parseInto(info, body, offset, length, contentEncoding, request, spanValues);
    } catch (RuntimeException | StackOverflowError e) {
      info.unparsed = true;
    }
    return info;
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /** A whole buffered event stream: read as {@link SseStreamParser} would read it. */
  private static ResponseInfo parseEventStream(
      byte[] body, int offset, int length, String contentEncoding, RequestInfo request) {
    SseStreamParser sse = new SseStreamParser(request);
    if (Bodies.validRegion(body, offset, length)) {
      Bodies.Slice slice = Bodies.decode(body, offset, length, contentEncoding);
      if (slice != null) {
        sse.feed(slice.bytes, slice.off, slice.len);
        sse.end();
      }
      ResponseInfo info = sse.result();
      info.unparsed |= slice == null || slice.incomplete;
      return info;
    }
    ResponseInfo info = sse.result();
    info.unparsed = true;
    return info;
  }

  private static void parseInto(
      ResponseInfo info,
      byte[] body,
      int offset,
      int length,
      String contentEncoding,
      RequestInfo request,
      boolean spanValues) {
    if (!Bodies.validRegion(body, offset, length)) {
      info.unparsed = true;
      return;
    }
    Scratch scratch = Scratch.current();
    try {
      Bodies.Slice slice = Bodies.decode(body, offset, length, contentEncoding, scratch.slice);
      if (slice == null) {
        info.unparsed = true;
        return;
      }
      if (slice.incomplete) {
        info.unparsed = true;
      }
      int start = Bodies.firstNonWhitespace(slice.bytes, slice.off, slice.len);
      if (start < 0 || slice.bytes[start] != '{') {
        info.unparsed = true;
        return;
      }
      JsonCursor p = scratch.cursor;
      p.reset(slice.bytes, start, slice.off + slice.len - start);
      if (p.next() != JsonCursor.START_OBJECT) {
        info.unparsed = true;
        return;
      }
      ResponseReader.readObject(p, info, request == null ? null : request.promptText, spanValues);
    } catch (IOException e) {
      info.unparsed = true;
    } finally {
      scratch.release();
    }
  }
}
