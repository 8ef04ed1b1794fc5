package dev.aiwarden.classify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aiwarden.core.TestFaults;
import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.provenance.Fingerprints;
import java.io.IOException;

/** Test-only reference: the Jackson-based implementation before the in-place reader, kept to prove the new one reads every body the same.
 *
 * <p>
 * Reads what an AI request asks for from its body with Jackson's streaming parser: one pass, no
 * tree, unknown values skipped without being decoded (a base64 image in a message costs a scan,
 * never a string).
 *
 * <p>Fields read (top level unless said otherwise): {@code model}; {@code messages} (chat: counted,
 * and the text of each message's {@code content}); {@code input} (Responses API: a string or a list
 * of items, counted as messages; embeddings: a string or strings; audio speech: the text to speak);
 * {@code instructions} (Responses API); {@code prompt} (completions, images: a string or strings);
 * {@code max_tokens} / {@code max_completion_tokens} / {@code max_output_tokens} (the first one in
 * the body wins); {@code temperature}; {@code stream}; {@code stream_options.include_usage}; {@code
 * n}; {@code size}; {@code user}, else {@code safety_identifier}, else Azure's {@code
 * user_security_context.end_user_id} for the end user.
 *
 * <p>Prompt text: a message's {@code content} string, or the {@code text} of its content parts of
 * type {@code text}, {@code input_text} or {@code output_text} (or without a type); other parts
 * (images, audio, files, refusals) are skipped. Token arrays (integers) in {@code prompt} and
 * {@code input} contribute nothing. Responses API {@code instructions} come first, then the input
 * in body order. Empty strings are not parts. The parts are joined with {@code '\n'} into {@link
 * RequestInfo#promptText}; {@link RequestInfo#promptChars} is the sum of the parts' lengths (the
 * joining newlines are not counted); {@link RequestInfo#promptSha256} is the hash of the joined
 * text, null when there are no parts.
 *
 * <p>Robustness: never throws. Broken or truncated JSON keeps what was read before the fault and
 * sets {@link RequestInfo#unparsed}; so do an empty body, a body that is not a JSON object, an
 * unknown content coding ({@code br}) and a gzip/deflate body that does not inflate completely
 * (inflating stops at 64 MiB). A {@code multipart/form-data} body (image edits, audio
 * transcriptions) is {@code unparsed} too, but its {@code model}, {@code prompt}, {@code n}, {@code
 * size} and {@code user} form fields are picked out.
 */
public final class LegacyRequestBodyParser {
  private LegacyRequestBodyParser() {}

  /**
   * Parses a request body. Never throws and never returns null.
   *
   * @param body the bytes (may be null)
   * @param offset where the body starts in {@code body}
   * @param length how many bytes it has
   * @param contentType the {@code Content-Type} header, or null
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @param op the operation from {@link EndpointClassifier}, or null when unknown
   */
  public static RequestInfo parse(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      Operation op) {
    return parse(body, offset, length, contentType, contentEncoding, op, true);
  }

  /**
   * As {@link #parse(byte[], int, int, String, String, Operation)}; with {@code keepText} false,
   * {@link RequestInfo#promptText} stays null (unless the operation needs it: image prompts are
   * compared with revised ones) and the prompt is hashed and counted while the body is read,
   * without building a string of it. The hash and count are the same either way.
   */
  public static RequestInfo parse(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      Operation op,
      boolean keepText) {
    TestFaults.at(TestFaults.CLASSIFY);
    RequestInfo info = new RequestInfo();
    Prompt prompt = new Prompt(keepText || op == Operation.IMAGE_GENERATION);
    try {
      parseInto(info, prompt, body, offset, length, contentType, contentEncoding, op);
    } catch (RuntimeException | StackOverflowError e) {
      info.unparsed = true;
    }
    if (prompt.reordered) {
      // Responses API instructions after the input: they come first in the hash; read again, keeping text.
      RequestInfo again = parse(body, offset, length, contentType, contentEncoding, op, true);
      again.promptText = null; // only the hash was asked for
      return again;
    }
    try {
      prompt.finish(info);
    } catch (RuntimeException e) {
      info.unparsed = true;
    }
    return info;
  }

  private static void parseInto(
      RequestInfo info,
      Prompt prompt,
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      Operation op) {
    if (!Bodies.validRegion(body, offset, length)) {
      info.unparsed = true;
      return;
    }
    Bodies.Slice slice = Bodies.decode(body, offset, length, contentEncoding);
    if (slice == null) {
      info.unparsed = true;
      return;
    }
    if (slice.incomplete) {
      info.unparsed = true; // and read what did inflate
    }
    if (Bodies.isMultipart(contentType)) {
      info.unparsed = true;
      readMultipart(info, prompt, slice, Bodies.boundary(contentType));
      return;
    }
    int start = Bodies.firstNonWhitespace(slice.bytes, slice.off, slice.len);
    if (start < 0 || slice.bytes[start] != '{') {
      info.unparsed = true;
      return;
    }
    try (JsonParser p =
        LegacyJson.factory().createParser(slice.bytes, start, slice.off + slice.len - start)) {
      readRoot(p, info, prompt, op);
    } catch (IOException e) {
      info.unparsed = true;
    }
  }

  private static void readRoot(JsonParser p, RequestInfo info, Prompt prompt, Operation op)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      info.unparsed = true;
      return;
    }
    String[] endUser = new String[3]; // user, safety_identifier, end_user_id: first non-empty wins
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "model":
          info.model = LegacyJson.stringOrNull(p);
          break;
        case "messages":
          readMessages(p, info, prompt);
          break;
        case "input":
          readInput(p, info, prompt, op);
          break;
        case "instructions":
          prompt.instructions(LegacyJson.stringOrNull(p));
          break;
        case "prompt":
          readStrings(p, prompt);
          break;
        case "max_tokens":
        case "max_completion_tokens":
        case "max_output_tokens":
          if (info.maxTokens == null) {
            info.maxTokens = LegacyJson.longOrNull(p);
          }
          break;
        case "temperature":
          info.temperature = LegacyJson.doubleOrNull(p);
          break;
        case "stream":
          info.stream = LegacyJson.isTrue(p);
          break;
        case "stream_options":
          readStreamOptions(p, info);
          break;
        case "n":
          Long n = LegacyJson.longOrNull(p);
          info.n = n == null || n > Integer.MAX_VALUE || n < Integer.MIN_VALUE ? null : n.intValue();
          break;
        case "size":
          info.imageSize = LegacyJson.stringOrNull(p);
          break;
        case "user":
          endUser[0] = LegacyJson.stringOrNull(p);
          info.endUser = firstNonEmpty(endUser);
          break;
        case "safety_identifier":
          endUser[1] = LegacyJson.stringOrNull(p);
          info.endUser = firstNonEmpty(endUser);
          break;
        case "user_security_context":
          endUser[2] = readEndUserId(p);
          info.endUser = firstNonEmpty(endUser);
          break;
        default:
          p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      info.unparsed = true;
    }
  }

  private static String firstNonEmpty(String[] candidates) {
    for (String s : candidates) {
      if (s != null && !s.isEmpty()) {
        return s;
      }
    }
    return null;
  }

  /** {@code messages}: counts the entries and reads each one's content. */
  private static void readMessages(JsonParser p, RequestInfo info, Prompt prompt)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int count = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      count++;
      info.messages = count; // keep the count so far if the body breaks off
      if (t == JsonToken.START_OBJECT) {
        readMessage(p, prompt);
      } else {
        p.skipChildren();
      }
    }
  }

  /** One message or Responses input item: its {@code content}, the rest skipped. */
  private static void readMessage(JsonParser p, Prompt prompt) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("content".equals(name)) {
        if (value == JsonToken.VALUE_STRING) {
          prompt.addCurrent(p);
        } else if (value == JsonToken.START_ARRAY) {
          readContentParts(p, prompt);
        } else {
          p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /** A content-part list: the text of text parts, in order; a bare string counts as text. */
  private static void readContentParts(JsonParser p, Prompt prompt) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t == JsonToken.VALUE_STRING) {
        prompt.addCurrent(p);
      } else if (t == JsonToken.START_OBJECT) {
        readContentPart(p, prompt);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * One content part. The {@code type} usually comes first: then a non-text part is skipped
   * without decoding anything. When {@code text} comes before {@code type}, it is held until the
   * part's end.
   */
  private static void readContentPart(JsonParser p, Prompt prompt) throws IOException {
    String type = null;
    String text = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("type".equals(name)) {
        type = LegacyJson.stringOrNull(p);
        if (type != null && !isTextPart(type)) {
          text = null;
          skipRestOfObject(p);
          return;
        }
      } else if ("text".equals(name) && (type == null || isTextPart(type))) {
        text = LegacyJson.stringOrNull(p);
      } else {
        p.skipChildren();
      }
    }
    if (text != null) {
      prompt.add(text);
    }
  }

  private static boolean isTextPart(String type) {
    return "text".equals(type) || "input_text".equals(type) || "output_text".equals(type);
  }

  /** Skips the remaining fields of the current object, ending on its END_OBJECT. */
  private static void skipRestOfObject(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      p.nextToken();
      p.skipChildren();
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("object did not end");
    }
  }

  /**
   * {@code input}: a string (embeddings, Responses, speech) or a list of strings, token arrays
   * and/or Responses items. A list counts as messages for the Responses API (or, for an unknown
   * operation, when it holds objects).
   */
  private static void readInput(JsonParser p, RequestInfo info, Prompt prompt, Operation op)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      prompt.addCurrent(p);
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    boolean countAsMessages = op == Operation.RESPONSES;
    int count = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      count++;
      if (t == JsonToken.VALUE_STRING) {
        prompt.addCurrent(p);
      } else if (t == JsonToken.START_OBJECT) {
        countAsMessages |= op == null;
        readMessage(p, prompt);
      } else {
        p.skipChildren(); // token ids, arrays of token ids
      }
      if (countAsMessages) {
        info.messages = count;
      }
    }
    if (countAsMessages) {
      info.messages = count;
    }
  }

  /** {@code prompt}: a string or a list of strings; token arrays are skipped. */
  private static void readStrings(JsonParser p, Prompt prompt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      prompt.addCurrent(p);
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t == JsonToken.VALUE_STRING) {
        prompt.addCurrent(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readStreamOptions(JsonParser p, RequestInfo info) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("include_usage".equals(name)) {
        info.includeUsage = LegacyJson.isTrue(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private static String readEndUserId(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("end_user_id".equals(name)) {
        id = LegacyJson.stringOrNull(p);
      } else {
        p.skipChildren();
      }
    }
    return id;
  }

  private static void readMultipart(
      RequestInfo info, Prompt prompt, Bodies.Slice slice, String boundary) {
    Bodies.multipartFields(
        slice.bytes,
        slice.off,
        slice.len,
        boundary,
        (name, value) -> {
          switch (name) {
            case "model":
              info.model = value.trim();
              break;
            case "prompt":
              prompt.add(value);
              break;
            case "n":
              info.n = parseInt(value);
              break;
            case "size":
              info.imageSize = value.trim();
              break;
            case "user":
              info.endUser = value.trim();
              break;
            default:
              break;
          }
        });
  }

  private static Integer parseInt(String value) {
    try {
      return Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Collects the prompt parts; instructions are kept apart so they come first. Without {@code
   * keep}, the parts go straight into a per-thread SHA-256 ({@link PromptHash}) as UTF-8, and no
   * text is built.
   */
  private static final class Prompt {
    private final boolean keep;
    private String instructions;
    private StringBuilder text;
    private long chars;
    private PromptHash hash; // !keep: the running hash, begun at the first part
    /** !keep: instructions came after a part, so the hash order is wrong: parse again keeping text. */
    boolean reordered;

    Prompt(boolean keep) {
      this.keep = keep;
    }

    void instructions(String s) {
      if (s == null || s.isEmpty()) {
        return;
      }
      if (!keep) {
        if (hash != null) {
          reordered = true;
          return;
        }
        hash = PromptHash.begin();
        hash.part(s);
        chars += s.length();
        return;
      }
      instructions = s;
    }

    /** The parser's current string value, without making a String of it unless text is kept. */
    void addCurrent(JsonParser p) throws IOException {
      if (keep) {
        add(p.getText());
        return;
      }
      int length = p.getTextLength();
      if (length == 0) {
        return;
      }
      if (hash == null) {
        hash = PromptHash.begin();
      }
      hash.part(p.getTextCharacters(), p.getTextOffset(), length);
      chars += length;
    }

    void add(String s) {
      if (s == null || s.isEmpty()) {
        return;
      }
      if (!keep) {
        if (hash == null) {
          hash = PromptHash.begin();
        }
        hash.part(s);
        chars += s.length();
        return;
      }
      if (text == null) {
        text = new StringBuilder(s.length());
      } else {
        text.append('\n');
      }
      text.append(s);
      chars += s.length();
    }

    void finish(RequestInfo info) {
      if (!keep) {
        info.promptChars = chars;
        info.promptSha256 = hash == null ? null : hash.hex16();
        return;
      }
      String joined;
      if (instructions == null) {
        joined = text == null ? null : text.toString();
      } else {
        joined = text == null ? instructions : instructions + "\n" + text;
        chars += instructions.length();
      }
      info.promptChars = chars;
      info.promptText = joined;
      info.promptSha256 = Fingerprints.sha256Hex16(joined);
    }
  }
}
