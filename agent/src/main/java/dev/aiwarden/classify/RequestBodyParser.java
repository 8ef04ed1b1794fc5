package dev.aiwarden.classify;

import dev.aiwarden.core.TestFaults;
import dev.aiwarden.exchange.RequestInfo;
import java.io.IOException;

/**
 * Reads what an AI request asks for from its body in one pass over its bytes, in place ({@link
 * JsonCursor}): no tree, no copy; unknown values are skipped without being decoded (a base64 image
 * in a message costs a scan, never a string), and without {@code keepText} the prompt goes from the
 * bytes into its hash without a string being made of it.
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
public final class RequestBodyParser {
  private RequestBodyParser() {}

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

  /** No prompt text: it is counted (and hashed) while the body is read, no text is built. */
  public static final int TEXT_NONE = 0;

  /**
   * The prompt text as {@link RequestInfo#promptView}, a view of a per-thread buffer that is valid
   * on the parsing thread only until the next body is read there; no string is made of it.
   */
  public static final int TEXT_VIEW = 1;

  /** The prompt text as the string {@link RequestInfo#promptText}. */
  public static final int TEXT_STRING = 2;

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
    return parse(
        body, offset, length, contentType, contentEncoding, op, keepText ? TEXT_STRING : TEXT_NONE, true);
  }

  /**
   * As {@link #parse(byte[], int, int, String, String, Operation, boolean)}, with the prompt text
   * kept as {@code text} says ({@link #TEXT_NONE}, {@link #TEXT_VIEW}, {@link #TEXT_STRING}; image
   * generation always keeps a string). Without {@code spanValues} the values only a span shows are
   * not read: no prompt hash ({@link RequestInfo#promptSha256} stays null), no end user, no
   * temperature; the prompt is still counted. Everything else is the same.
   */
  public static RequestInfo parse(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      Operation op,
      int text,
      boolean spanValues) {
    TestFaults.at(TestFaults.CLASSIFY);
    RequestInfo info = new RequestInfo();
    Scratch scratch = Scratch.current();
    Prompt prompt = scratch.prompt;
    prompt.begin(op == Operation.IMAGE_GENERATION ? TEXT_STRING : text, spanValues, scratch);
    try {
      parseInto(info, prompt, scratch, body, offset, length, contentType, contentEncoding, op);
    } catch (RuntimeException | StackOverflowError e) {
      info.unparsed = true;
    } finally {
      scratch.release(); // the body's slice too, on every way out
    }
    if (prompt.reordered) {
      prompt.clear();
      // Responses API instructions after the input: they come first in the hash; read again, keeping text.
      RequestInfo again = parse(body, offset, length, contentType, contentEncoding, op, TEXT_STRING, true);
      again.promptText = null; // only the hash was asked for
      if (!spanValues) {
        again.endUser = null;
      }
      return again;
    }
    try {
      prompt.finish(info);
    } catch (RuntimeException e) {
      info.unparsed = true;
    } finally {
      prompt.clear();
    }
    return info;
  }

  private static void parseInto(
      RequestInfo info,
      Prompt prompt,
      Scratch scratch,
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
    Bodies.Slice slice = Bodies.decode(body, offset, length, contentEncoding, scratch.slice);
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
    scratch.cursor.reset(slice.bytes, start, slice.off + slice.len - start);
    try {
      readRoot(scratch.cursor, info, prompt, op);
    } catch (IOException e) {
      info.unparsed = true;
    } finally {
      scratch.release();
    }
  }

  private static final byte[] MODEL = ascii("model");
  private static final byte[] MESSAGES = ascii("messages");
  private static final byte[] INPUT = ascii("input");
  private static final byte[] INSTRUCTIONS = ascii("instructions");
  private static final byte[] PROMPT = ascii("prompt");
  private static final byte[] MAX_TOKENS = ascii("max_tokens");
  private static final byte[] MAX_COMPLETION_TOKENS = ascii("max_completion_tokens");
  private static final byte[] MAX_OUTPUT_TOKENS = ascii("max_output_tokens");
  private static final byte[] TEMPERATURE = ascii("temperature");
  private static final byte[] STREAM = ascii("stream");
  private static final byte[] STREAM_OPTIONS = ascii("stream_options");
  private static final byte[] INCLUDE_USAGE = ascii("include_usage");
  private static final byte[] N = ascii("n");
  private static final byte[] SIZE = ascii("size");
  private static final byte[] USER = ascii("user");
  private static final byte[] SAFETY_IDENTIFIER = ascii("safety_identifier");
  private static final byte[] USER_SECURITY_CONTEXT = ascii("user_security_context");
  private static final byte[] END_USER_ID = ascii("end_user_id");
  private static final byte[] CONTENT = ascii("content");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] TEXT = ascii("text");
  private static final byte[] INPUT_TEXT = ascii("input_text");
  private static final byte[] OUTPUT_TEXT = ascii("output_text");

  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static void readRoot(JsonCursor p, RequestInfo info, Prompt prompt, Operation op)
      throws IOException {
    if (p.next() != JsonCursor.START_OBJECT) {
      info.unparsed = true;
      return;
    }
    // user, safety_identifier, end_user_id: the first non-empty one is the end user
    String user = null;
    String safetyId = null;
    String endUserId = null;
    int t;
    while ((t = p.next()) == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(MODEL)) {
        info.model = Json.sharedStringOrNull(p);
      } else if (p.nameIs(MESSAGES)) {
        readMessages(p, info, prompt);
      } else if (p.nameIs(INPUT)) {
        readInput(p, info, prompt, op);
      } else if (p.nameIs(INSTRUCTIONS)) {
        prompt.instructions(Json.stringOrNull(p));
      } else if (p.nameIs(PROMPT)) {
        readStrings(p, prompt);
      } else if (p.nameIs(MAX_TOKENS)
          || p.nameIs(MAX_COMPLETION_TOKENS)
          || p.nameIs(MAX_OUTPUT_TOKENS)) {
        if (info.maxTokens == null) {
          info.maxTokens = Json.longOrNull(p);
        } else {
          p.skipChildren(); // (the Jackson reader read on inside an object here: fixed)
        }
      } else if (p.nameIs(TEMPERATURE)) {
        if (prompt.spanValues) {
          info.temperature = Json.doubleOrNull(p);
        } else {
          p.skipChildren(); // shown only on spans
        }
      } else if (p.nameIs(STREAM)) {
        info.stream = Json.isTrue(p);
      } else if (p.nameIs(STREAM_OPTIONS)) {
        readStreamOptions(p, info);
      } else if (p.nameIs(N)) {
        info.n = Json.readsLong(p) && p.longValue() == (int) p.longValue() ? Integer.valueOf((int) p.longValue()) : null;
      } else if (p.nameIs(SIZE)) {
        info.imageSize = Json.sharedStringOrNull(p);
      } else if (!prompt.spanValues && (p.nameIs(USER) || p.nameIs(SAFETY_IDENTIFIER) || p.nameIs(USER_SECURITY_CONTEXT))) {
        p.skipChildren(); // the end user is shown only on spans
      } else if (p.nameIs(USER)) {
        user = Json.stringOrNull(p);
        info.endUser = firstNonEmpty(user, safetyId, endUserId);
      } else if (p.nameIs(SAFETY_IDENTIFIER)) {
        safetyId = Json.stringOrNull(p);
        info.endUser = firstNonEmpty(user, safetyId, endUserId);
      } else if (p.nameIs(USER_SECURITY_CONTEXT)) {
        endUserId = readEndUserId(p);
        info.endUser = firstNonEmpty(user, safetyId, endUserId);
      } else {
        p.skipChildren();
      }
    }
    if (t != JsonCursor.END_OBJECT) {
      info.unparsed = true;
    }
  }

  private static String firstNonEmpty(String a, String b, String c) {
    return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : c != null && !c.isEmpty() ? c : null;
  }

  /** {@code messages}: counts the entries and reads each one's content. */
  private static void readMessages(JsonCursor p, RequestInfo info, Prompt prompt)
      throws IOException {
    if (p.current() != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int count = 0;
    int t;
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      count++;
      info.messages = count; // keep the count so far if the body breaks off
      if (t == JsonCursor.START_OBJECT) {
        readMessage(p, prompt);
      } else {
        p.skipChildren();
      }
    }
  }

  /** One message or Responses input item: its {@code content}, the rest skipped. */
  private static void readMessage(JsonCursor p, Prompt prompt) throws IOException {
    while (p.next() == JsonCursor.FIELD_NAME) {
      int value = p.next();
      if (p.nameIs(CONTENT)) {
        if (value == JsonCursor.STRING) {
          prompt.addCurrent(p);
        } else if (value == JsonCursor.START_ARRAY) {
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
  private static void readContentParts(JsonCursor p, Prompt prompt) throws IOException {
    int t;
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      if (t == JsonCursor.STRING) {
        prompt.addCurrent(p);
      } else if (t == JsonCursor.START_OBJECT) {
        readContentPart(p, prompt);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * One content part. The {@code type} usually comes first: then a non-text part is skipped
   * without decoding anything. When {@code text} comes before {@code type}, where it is is noted
   * and it is read at the part's end.
   */
  private static void readContentPart(JsonCursor p, Prompt prompt) throws IOException {
    int text = -1; // where the text value is, or -1
    while (p.next() == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(TYPE)) {
        if (p.current() == JsonCursor.STRING) {
          if (!p.textIs(TEXT) && !p.textIs(INPUT_TEXT) && !p.textIs(OUTPUT_TEXT)) {
            skipRestOfObject(p);
            return;
          }
        } else {
          p.skipChildren();
        }
      } else if (p.nameIs(TEXT)) {
        // (a non-text type has returned above)
        if (p.current() == JsonCursor.STRING) {
          text = p.textRef();
        } else {
          text = -1;
          p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
    }
    if (text >= 0) {
      p.rescan(text);
      prompt.addScanned(p);
    }
  }

  /** Skips the remaining fields of the current object, ending on its END_OBJECT. */
  private static void skipRestOfObject(JsonCursor p) throws IOException {
    int t;
    while ((t = p.next()) == JsonCursor.FIELD_NAME) {
      p.next();
      p.skipChildren();
    }
    if (t != JsonCursor.END_OBJECT) {
      throw new IOException("object did not end");
    }
  }

  /**
   * {@code input}: a string (embeddings, Responses, speech) or a list of strings, token arrays
   * and/or Responses items. A list counts as messages for the Responses API (or, for an unknown
   * operation, when it holds objects).
   */
  private static void readInput(JsonCursor p, RequestInfo info, Prompt prompt, Operation op)
      throws IOException {
    int t = p.current();
    if (t == JsonCursor.STRING) {
      prompt.addCurrent(p);
      return;
    }
    if (t != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    boolean countAsMessages = op == Operation.RESPONSES;
    int count = 0;
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      count++;
      if (t == JsonCursor.STRING) {
        prompt.addCurrent(p);
      } else if (t == JsonCursor.START_OBJECT) {
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
  private static void readStrings(JsonCursor p, Prompt prompt) throws IOException {
    int t = p.current();
    if (t == JsonCursor.STRING) {
      prompt.addCurrent(p);
      return;
    }
    if (t != JsonCursor.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while ((t = p.next()) != JsonCursor.END_ARRAY && t != JsonCursor.NONE) {
      if (t == JsonCursor.STRING) {
        prompt.addCurrent(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readStreamOptions(JsonCursor p, RequestInfo info) throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.next() == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(INCLUDE_USAGE)) {
        info.includeUsage = Json.isTrue(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private static String readEndUserId(JsonCursor p) throws IOException {
    if (p.current() != JsonCursor.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String id = null;
    while (p.next() == JsonCursor.FIELD_NAME) {
      p.next();
      if (p.nameIs(END_USER_ID)) {
        id = Json.stringOrNull(p);
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
   * Collects the prompt parts; instructions are kept apart so they come first. Without text kept,
   * the parts go straight from the body's bytes into a per-thread SHA-256 ({@link PromptHash}) as
   * UTF-8 (or, without span values, are only counted), and no text is built. One per thread, in
   * its {@link Scratch}: {@link #begin} readies it for a body, {@link #clear} lets go of it.
   */
  static final class Prompt {
    private int mode;
    private boolean keep;
    /** Whether the values only spans show are read: the hash, the end user. */
    boolean spanValues;
    private String instructions;
    private StringBuilder text;
    private long chars;
    private PromptHash hash; // !keep: the running hash, begun at the first part
    private Scratch scratch; // slices of decoded text on their way into the hash or text
    /** !keep: instructions came after a part, so the hash order is wrong: parse again keeping text. */
    boolean reordered;
    /**
     * TEXT_VIEW with span values: the hash is fed part by part from the body as the text is kept
     * (bytes, not the builder's chars re-encoded); false when instructions came after a part, so
     * the view (instructions first) is hashed at the end instead.
     */
    private boolean hashLive;

    void begin(int mode, boolean spanValues, Scratch scratch) {
      this.mode = mode;
      this.keep = mode != TEXT_NONE;
      this.spanValues = spanValues;
      this.scratch = scratch;
      instructions = null;
      text = null;
      chars = 0;
      hash = null;
      reordered = false;
      hashLive = mode == TEXT_VIEW && spanValues;
    }

    /** Drops the references to this body's text. */
    void clear() {
      instructions = null;
      text = null;
      hash = null;
    }

    void instructions(String s) {
      if (s == null || s.isEmpty()) {
        return;
      }
      if (!keep) {
        chars += s.length();
        if (!spanValues) {
          return;
        }
        if (hash != null) {
          reordered = true;
          return;
        }
        hash = PromptHash.begin();
        hash.part(s);
        return;
      }
      if (hashLive) {
        if (hash == null) {
          hash = PromptHash.begin();
          hash.part(s);
        } else {
          hashLive = false; // after a part (or a second one): the view is hashed at the end
        }
      }
      instructions = s;
    }

    /** The cursor's current string value, without making a String of it unless text is kept. */
    void addCurrent(JsonCursor p) throws IOException {
      p.textLength(); // scans (and checks) it
      addScanned(p);
    }

    /** The string value the cursor scanned last. */
    void addScanned(JsonCursor p) {
      int length = p.scannedLength();
      if (length == 0) {
        return;
      }
      chars += length;
      if (keep) {
        if (text == null) {
          text = scratch.text();
        } else {
          text.append('\n');
        }
        p.appendScanned(text, scratch.chars);
        if (hashLive) {
          if (hash == null) {
            hash = PromptHash.begin();
          }
          p.hashScanned(hash, scratch.chars);
        }
        return;
      }
      if (!spanValues) {
        return;
      }
      if (hash == null) {
        hash = PromptHash.begin();
      }
      p.hashScanned(hash, scratch.chars);
    }

    void add(String s) {
      if (s == null || s.isEmpty()) {
        return;
      }
      if (!keep) {
        chars += s.length();
        if (spanValues) {
          if (hash == null) {
            hash = PromptHash.begin();
          }
          hash.part(s);
        }
        return;
      }
      if (text == null) {
        text = new StringBuilder(s.length());
      } else {
        text.append('\n');
      }
      text.append(s);
      chars += s.length();
      if (hashLive) {
        if (hash == null) {
          hash = PromptHash.begin();
        }
        hash.part(s);
      }
    }

    void finish(RequestInfo info) {
      if (!keep) {
        info.promptChars = chars;
        info.promptSha256 = hash == null ? null : hash.hex16();
        return;
      }
      if (instructions != null) {
        chars += instructions.length();
      }
      info.promptChars = chars;
      if (mode == TEXT_VIEW) {
        CharSequence view;
        if (instructions == null) {
          view = text;
        } else if (text == null) {
          view = instructions;
        } else {
          text.insert(0, '\n').insert(0, instructions); // in place: no joined string
          view = text;
        }
        scratch.textDone();
        info.promptView = view;
        info.promptSha256 = !spanValues ? null : hashLive && hash != null ? hash.hex16() : PromptHash.of(view);
        return; // the builder stays the thread's: the view reads it until the next body
      }
      String joined;
      if (instructions == null) {
        joined = text == null ? null : text.toString();
      } else {
        joined = text == null ? instructions : instructions + "\n" + text;
      }
      scratch.textDone();
      info.promptText = joined;
      info.promptSha256 = spanValues ? PromptHash.of(joined) : null;
    }
  }
}
