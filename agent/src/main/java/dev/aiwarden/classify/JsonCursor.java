package dev.aiwarden.classify;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A pull reader of UTF-8 JSON that works in place on a byte array: no copy of the input, no
 * string for a value nobody asks for. Values that are skipped (a base64 image, a long reply) cost
 * one scan of their bytes and nothing else; the caller makes strings only of what it keeps.
 *
 * <p>It gives the same tokens, and fails at the same points, as the Jackson streaming parser with
 * the agent's settings (see {@link Json}) did: strict JSON (no comments, no trailing commas, no
 * leading zeros, no NaN), nesting up to 1000, names up to 50000 bytes, numbers up to 1000 digits;
 * a string's content is checked (escapes, control characters, UTF-8 lead and continuation bytes)
 * when it is read or skipped, a number or literal when it is reached. Strings decode as Jackson
 * decodes them, so hashes and counts of prompt text stay the same. Bodies in UTF-16 or UTF-32 are
 * converted to UTF-8 first (see {@link #reset}).
 *
 * <p>Not thread-safe; one per thread ({@link Scratch}) or per stream, reused through {@link #reset}.
 */
final class JsonCursor {
  static final int NONE = 0;
  static final int START_OBJECT = 1;
  static final int END_OBJECT = 2;
  static final int START_ARRAY = 3;
  static final int END_ARRAY = 4;
  static final int FIELD_NAME = 5;
  static final int STRING = 6;
  static final int INT = 7;
  static final int FLOAT = 8;
  static final int TRUE = 9;
  static final int FALSE = 10;
  static final int NULL = 11;

  private static final int MAX_DEPTH = 1000;
  private static final int MAX_NAME = 50000;
  private static final int MAX_NUMBER = 1000;

  /** Error of the input: the body is broken at this point. Carries no stack (cheap, never shown). */
  static final class Broken extends IOException {
    private static final long serialVersionUID = 1L;

    Broken(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // broken bodies are common and expected: no stack to collect
    }
  }

  private byte[] b;
  private int pos;
  private int end;
  private int token;
  /** After a FIELD_NAME: the value's token, already checked (Jackson's "next token"). */
  private int pending;

  // Open containers: true for an object. counts[]: values read in it (a comma before every next).
  private boolean[] isObject = new boolean[16];
  private int[] counts = new int[16];
  private int depth;

  // The current field name: raw bytes [nameStart, nameEnd) between the quotes.
  private int nameStart;
  private int nameEnd;
  private boolean namePlain; // ASCII without escapes: the bytes are the name

  // The current string value: content starts at strStart. Scanned: strEnd is its closing quote.
  private int strStart;
  private boolean strPending; // not scanned yet
  private int strEnd;
  private int strChars; // UTF-16 length once scanned
  private boolean strPlain; // once scanned: printable ASCII without escapes

  // The current number: raw bytes [numStart, numEnd).
  private int numStart;
  private int numEnd;

  /** Reads {@code b[off, off + len)}. UTF-16 and UTF-32 (little endian, seen by a zero second byte after '{') are converted. */
  JsonCursor reset(byte[] bytes, int off, int len) {
    if (len >= 4 && bytes[off + 1] == 0) {
      java.nio.charset.Charset cs =
          len >= 4 && bytes[off + 2] == 0 && bytes[off + 3] == 0
              ? java.nio.charset.Charset.forName("UTF-32LE")
              : StandardCharsets.UTF_16LE;
      bytes = new String(bytes, off, len, cs).getBytes(StandardCharsets.UTF_8);
      off = 0;
      len = bytes.length;
    }
    b = bytes;
    pos = off;
    end = off + len;
    token = NONE;
    pending = NONE;
    depth = 0;
    strPending = false;
    return this;
  }

  /** Drops the reference to the input. */
  void clear() {
    b = null;
  }

  int current() {
    return token;
  }

  // ------------------------------------------------------------------------------------- tokens

  /** The next token; {@link #NONE} after the root value. */
  int next() throws IOException {
    if (token == FIELD_NAME) {
      int t = pending;
      pending = NONE;
      if (t == START_OBJECT || t == START_ARRAY) {
        push(t == START_OBJECT);
      }
      return token = t;
    }
    if (strPending) {
      scanString();
    }
    int c = skipWhitespace(depth > 0);
    if (c < 0) {
      return token = NONE;
    }
    if (c == '}' || c == ']') {
      if (depth == 0 || isObject[depth - 1] != (c == '}')) {
        throw new Broken("mismatched end marker");
      }
      depth--;
      return token = c == '}' ? END_OBJECT : END_ARRAY;
    }
    if (depth > 0 && counts[depth - 1]++ > 0) {
      if (c != ',') {
        throw new Broken("expected a comma");
      }
      c = skipWhitespace(true);
    }
    if (depth == 0 || !isObject[depth - 1]) {
      int t = value(c);
      if (t == START_OBJECT || t == START_ARRAY) {
        push(t == START_OBJECT);
      }
      return token = t;
    }
    if (c != '"') {
      throw new Broken("expected a field name");
    }
    name();
    c = skipWhitespace(true);
    if (c != ':') {
      throw new Broken("expected a colon");
    }
    pending = value(skipWhitespace(true));
    return token = FIELD_NAME;
  }

  /** On a START_OBJECT or START_ARRAY: moves to its matching end. Otherwise does nothing. */
  void skipChildren() throws IOException {
    if (token != START_OBJECT && token != START_ARRAY) {
      return;
    }
    int open = 1;
    while (true) {
      int t = next();
      if (t == START_OBJECT || t == START_ARRAY) {
        open++;
      } else if (t == END_OBJECT || t == END_ARRAY) {
        if (--open == 0) {
          return;
        }
      } else if (t == NONE) {
        throw new Broken("unexpected end");
      }
    }
  }

  private void push(boolean object) throws Broken {
    if (depth >= MAX_DEPTH) {
      throw new Broken("nesting too deep");
    }
    if (depth == isObject.length) {
      isObject = java.util.Arrays.copyOf(isObject, depth * 2);
      counts = java.util.Arrays.copyOf(counts, depth * 2);
    }
    isObject[depth] = object;
    counts[depth] = 0;
    depth++;
  }

  /** The next byte that is not white space, or -1 at the end (an error when {@code inside}). */
  private int skipWhitespace(boolean inside) throws Broken {
    while (pos < end) {
      int c = b[pos++] & 0xFF;
      if (c > ' ') {
        return c;
      }
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        throw new Broken("illegal white space");
      }
    }
    if (inside) {
      throw new Broken("unexpected end");
    }
    return -1;
  }

  /** Reads the start of a value whose first byte {@code c} has been consumed. */
  private int value(int c) throws Broken {
    switch (c) {
      case '"':
        strStart = pos;
        strPending = true;
        return STRING;
      case '{':
        return START_OBJECT;
      case '[':
        return START_ARRAY;
      case 't':
        literal("true");
        return TRUE;
      case 'f':
        literal("false");
        return FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number(c);
        }
        throw new Broken("unexpected character");
    }
  }

  private void literal(String word) throws Broken {
    for (int i = 1; i < word.length(); i++) {
      if (pos >= end || b[pos] != word.charAt(i)) {
        throw new Broken("unrecognized token");
      }
      pos++;
    }
    if (pos < end) {
      int c = b[pos] & 0xFF;
      if (c >= '0' && c != ']' && c != '}' && Character.isJavaIdentifierPart(charAfterLiteral(c))) {
        throw new Broken("unrecognized token");
      }
    }
  }

  /** The character starting at {@link #pos} (lead byte {@code c}), for the end check of a literal. */
  private int charAfterLiteral(int c) throws Broken {
    if (c < 0x80) {
      return c;
    }
    int needed;
    if ((c & 0xE0) == 0xC0) {
      c &= 0x1F;
      needed = 1;
    } else if ((c & 0xF0) == 0xE0) {
      c &= 0x0F;
      needed = 2;
    } else if ((c & 0xF8) == 0xF0) {
      c &= 0x07;
      needed = 3;
    } else {
      throw new Broken("invalid UTF-8 start byte");
    }
    for (int i = 1; i <= needed; i++) {
      if (pos + i >= end || (b[pos + i] & 0xC0) != 0x80) {
        throw new Broken("invalid UTF-8 middle byte");
      }
      c = (c << 6) | (b[pos + i] & 0x3F);
    }
    return (char) c;
  }

  private int number(int c) throws Broken {
    numStart = pos - 1;
    if (c == '-') {
      if (pos >= end) {
        throw new Broken("unexpected end in number");
      }
      c = b[pos++] & 0xFF;
      if (c < '0' || c > '9') {
        throw new Broken("invalid number");
      }
    }
    int intLen = 1;
    if (c == '0') {
      if (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        throw new Broken("leading zeroes not allowed");
      }
    }
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      pos++;
      intLen++;
    }
    boolean fraction = false;
    int fracLen = 0;
    if (pos < end && b[pos] == '.') {
      fraction = true;
      pos++;
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        pos++;
        fracLen++;
      }
      if (fracLen == 0) {
        throw new Broken("decimal point not followed by a digit");
      }
    }
    int expLen = 0;
    boolean exponent = false;
    if (pos < end && (b[pos] | 0x20) == 'e') {
      exponent = true;
      pos++;
      if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
        pos++;
      }
      if (pos >= end) {
        throw new Broken("unexpected end in number");
      }
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        pos++;
        expLen++;
      }
      if (expLen == 0) {
        throw new Broken("exponent indicator not followed by a digit");
      }
    }
    numEnd = pos;
    if (intLen + fracLen + expLen > MAX_NUMBER) {
      throw new Broken("number too long");
    }
    return fraction || exponent ? FLOAT : INT;
  }

  // -------------------------------------------------------------------------------------- names

  /** Reads a field name; the opening quote has been consumed. */
  private void name() throws Broken {
    int start = pos;
    boolean plain = true;
    int utf8Len = 0; // the name's length in UTF-8 bytes, as limited
    while (true) {
      if (pos >= end) {
        throw new Broken("unexpected end in field name");
      }
      int c = b[pos++] & 0xFF;
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        plain = false;
        int ch = escape();
        utf8Len += ch < 0x80 ? 1 : ch < 0x800 ? 2 : 3;
      } else if (c < ' ') {
        throw new Broken("illegal unquoted character in name");
      } else if (c >= 0x80) {
        plain = false;
        int needed = utf8Needed(c);
        continuation(needed);
        utf8Len += needed + 1;
      } else {
        utf8Len++;
      }
    }
    if (utf8Len > MAX_NAME) {
      throw new Broken("name too long");
    }
    nameStart = start;
    nameEnd = pos - 1;
    namePlain = plain;
  }

  /** True when the current field name is {@code ascii} (which must be plain ASCII). */
  boolean nameIs(byte[] ascii) {
    if (namePlain) {
      return regionIs(nameStart, nameEnd, ascii);
    }
    return decodedIs(nameStart, ascii);
  }

  /** Where the current field name is, for {@link #nameString(long)} after its value was read. */
  long nameRef() {
    return ((long) nameStart << 32) | nameEnd;
  }

  /** The name at {@code ref} as a string; repeated names share one string. */
  String nameString(long ref) {
    int start = (int) (ref >>> 32);
    int stop = (int) ref;
    for (int i = start; i < stop; i++) {
      if (b[i] == '\\' || b[i] < 0) {
        char[] out = new char[stop - start + 1];
        int n = decode(start, out, 0, true);
        return new String(out, 0, n);
      }
    }
    return StringCache.get(b, start, stop - start);
  }

  // ------------------------------------------------------------------------------------ strings

  /** Scans the current string value to its closing quote, checking it as Jackson checks it. */
  private void scanString() throws Broken {
    strPending = false;
    int i = strStart;
    int chars = 0;
    boolean plain = true;
    while (true) {
      // The common case: printable ASCII, eight bytes at a time, then one at a time.
      while (i + 8 <= end && plainAscii((long) LONGS.get(b, i))) {
        i += 8;
        chars += 8;
      }
      while (i < end) {
        int c = b[i];
        if (c < ' ' || c == '"' || c == '\\') {
          break;
        }
        i++;
        chars++;
      }
      if (i >= end) {
        throw new Broken("unexpected end in string");
      }
      int c = b[i] & 0xFF;
      if (c == '"') {
        break;
      }
      plain = false;
      if (c == '\\') {
        pos = i + 1;
        escape();
        i = pos;
        chars++;
      } else if (c < ' ') {
        throw new Broken("illegal unquoted character in string");
      } else {
        int needed = utf8Needed(c);
        pos = i + 1;
        continuation(needed);
        i = pos;
        chars += needed == 3 ? 2 : 1;
      }
    }
    strEnd = i;
    strChars = chars;
    strPlain = plain;
    pos = i + 1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * True when none of the eight bytes is a control character, {@code '"'}, {@code '\\'} or
   * non-ASCII (the classic "has a byte less than n / equal to v" word tests, exact as a whole).
   */
  private static boolean plainAscii(long w) {
    long quotes = w ^ (ONES * '"');
    long backslashes = w ^ (ONES * '\\');
    long special =
        ((w - ONES * ' ') & ~w)
            | ((quotes - ONES) & ~quotes)
            | ((backslashes - ONES) & ~backslashes)
            | w;
    return (special & HIGHS) == 0;
  }

  /** Checks one escape after its backslash ({@link #pos} on the letter); returns the character. */
  private int escape() throws Broken {
    if (pos >= end) {
      throw new Broken("unexpected end in escape");
    }
    int c = b[pos++];
    switch (c) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case '"':
      case '/':
      case '\\':
        return c;
      case 'u':
        int value = 0;
        for (int k = 0; k < 4; k++) {
          if (pos >= end) {
            throw new Broken("unexpected end in escape");
          }
          int digit = Character.digit(b[pos++] & 0xFF, 16);
          if (digit < 0 || (b[pos - 1] & 0xFF) >= 0x80) {
            throw new Broken("expected a hex digit");
          }
          value = (value << 4) | digit;
        }
        return value;
      default:
        throw new Broken("unrecognized character escape");
    }
  }

  /** Continuation bytes after a UTF-8 lead byte {@code c} (Jackson's classes: C0..DF, E0..EF, F0..F7). */
  private static int utf8Needed(int c) throws Broken {
    if ((c & 0xE0) == 0xC0) {
      return 1;
    }
    if ((c & 0xF0) == 0xE0) {
      return 2;
    }
    if ((c & 0xF8) == 0xF0) {
      return 3;
    }
    throw new Broken("invalid UTF-8 start byte");
  }

  private void continuation(int needed) throws Broken {
    for (int k = 0; k < needed; k++) {
      if (pos >= end) {
        throw new Broken("unexpected end in UTF-8 sequence");
      }
      if ((b[pos++] & 0xC0) != 0x80) {
        throw new Broken("invalid UTF-8 middle byte");
      }
    }
  }

  private void requireString() throws Broken {
    if (token != STRING) {
      throw new IllegalStateException("not on a string");
    }
    if (strPending) {
      scanString();
    }
  }

  /** The current string value (checked); a new string. */
  String text() throws IOException {
    requireString();
    return textAt(strStart, strEnd, strChars, strPlain);
  }

  /** As {@link #text()}, sharing one string per distinct short ASCII value (models, reasons). */
  String sharedText() throws IOException {
    requireString();
    if (strPlain) {
      return StringCache.get(b, strStart, strEnd - strStart);
    }
    return textAt(strStart, strEnd, strChars, false);
  }

  /** True when the current string value (checked) is {@code ascii}. */
  boolean textIs(byte[] ascii) throws IOException {
    requireString();
    return strPlain ? regionIs(strStart, strEnd, ascii) : decodedIs(strStart, ascii);
  }

  /** The current string value's length in UTF-16 chars (checked). */
  int textLength() throws IOException {
    requireString();
    return strChars;
  }

  /** Where the current string value starts, to read it again later (checked now). */
  int textRef() throws IOException {
    requireString();
    return strStart;
  }

  /**
   * Makes the string value at {@code ref} (from {@link #textRef()}) the one {@link
   * #scannedLength()}, {@link #appendScanned} and {@link #hashScanned} read, without moving on.
   */
  void rescan(int ref) throws IOException {
    int saved = pos;
    strStart = ref;
    try {
      scanString();
    } finally {
      pos = saved;
    }
  }

  /** The length of the string value last scanned: the current one after {@link #textLength()}, or after {@link #rescan}. */
  int scannedLength() {
    return strChars;
  }

  private String textAt(int start, int stop, int chars, boolean plain) {
    if (plain) {
      return new String(b, start, stop - start, StandardCharsets.ISO_8859_1);
    }
    char[] out = new char[chars + 1];
    int n = decode(start, out, 0, false);
    return new String(out, 0, n);
  }

  /** Appends the string value last scanned to {@code text}, decoded in slices of {@code scratch}. */
  void appendScanned(StringBuilder text, char[] scratch) {
    if (strPlain) {
      // In slices of scratch: a widening copy and one bulk append each, not an append per char.
      int i = strStart;
      while (i < strEnd) {
        int n = Math.min(scratch.length, strEnd - i);
        for (int j = 0; j < n; j++) {
          scratch[j] = (char) b[i + j];
        }
        text.append(scratch, 0, n);
        i += n;
      }
      return;
    }
    int i = strStart;
    while (i < strEnd) {
      int n = decode(i, scratch, 0, false);
      text.append(scratch, 0, n);
      i = decodedTo;
    }
  }

  /**
   * Feeds the string value last scanned to the hash as one part: the bytes as they are when plain
   * (printable ASCII is its own UTF-8), else decoded in slices of {@code scratch}.
   */
  void hashScanned(PromptHash hash, char[] scratch) {
    hash.beginPart();
    if (strPlain) {
      hash.bytes(b, strStart, strEnd - strStart);
    } else {
      int i = strStart;
      while (i < strEnd) {
        int n = decode(i, scratch, 0, false);
        hash.chars(scratch, 0, n);
        i = decodedTo;
      }
    }
    hash.endPart();
  }

  /** Where {@link #decode} stopped. */
  private int decodedTo;

  /**
   * Decodes checked string content from {@code i} up to its closing quote, or until {@code out} has
   * fewer than two places left. Returns the number of chars; {@link #decodedTo} is where it stopped.
   * Names decode surrogates with {@code +}, values with {@code |}, as Jackson does.
   */
  private int decode(int i, char[] out, int n, boolean name) {
    int limit = out.length - 1;
    while (n < limit) {
      int c = b[i] & 0xFF;
      if (c == '"') {
        break;
      }
      i++;
      if (c == '\\') {
        int e = b[i++];
        switch (e) {
          case 'b':
            out[n++] = '\b';
            break;
          case 't':
            out[n++] = '\t';
            break;
          case 'n':
            out[n++] = '\n';
            break;
          case 'f':
            out[n++] = '\f';
            break;
          case 'r':
            out[n++] = '\r';
            break;
          case 'u':
            out[n++] =
                (char)
                    (Character.digit(b[i], 16) << 12
                        | Character.digit(b[i + 1], 16) << 8
                        | Character.digit(b[i + 2], 16) << 4
                        | Character.digit(b[i + 3], 16));
            i += 4;
            break;
          default:
            out[n++] = (char) e;
        }
      } else if (c < 0x80) {
        out[n++] = (char) c;
      } else if ((c & 0xE0) == 0xC0) {
        out[n++] = (char) (((c & 0x1F) << 6) | (b[i++] & 0x3F));
      } else if ((c & 0xF0) == 0xE0) {
        out[n++] = (char) (((c & 0x0F) << 12) | ((b[i] & 0x3F) << 6) | (b[i + 1] & 0x3F));
        i += 2;
      } else {
        int v =
            (((c & 0x07) << 18) | ((b[i] & 0x3F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F))
                - 0x10000;
        i += 3;
        out[n++] = (char) (name ? 0xD800 + (v >> 10) : 0xD800 | (v >> 10));
        out[n++] = (char) (0xDC00 | (v & 0x3FF));
      }
    }
    decodedTo = i;
    return n;
  }

  private boolean regionIs(int start, int stop, byte[] ascii) {
    int len = stop - start;
    if (len != ascii.length) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (b[start + k] != ascii[k]) {
        return false;
      }
    }
    return true;
  }

  /** Compares checked string content at {@code start} with plain ASCII, decoding as it goes. */
  private boolean decodedIs(int start, byte[] ascii) {
    char[] one = new char[2 + ascii.length];
    int n = decode(start, one, 0, false);
    if (n != ascii.length) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (one[k] != ascii[k]) {
        return false;
      }
    }
    return decodedTo >= end || b[decodedTo] == '"';
  }

  // ------------------------------------------------------------------------------------ numbers

  /** The current number: true when it is an integer that fits a long ({@link #longValue}). */
  private long parsedLong;

  /**
   * Reads the current INT or FLOAT as a long, as Jackson's {@code getLongValue} (an integer that
   * fits) or {@code (long) getDoubleValue()} (a float in range) did. False when it does not fit.
   */
  boolean readLong() {
    if (token == INT) {
      long v = 0;
      int i = numStart;
      boolean negative = b[i] == '-';
      if (negative) {
        i++;
      }
      if (numEnd - i > 19) {
        return false;
      }
      for (; i < numEnd; i++) {
        int d = b[i] - '0';
        // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
        if (v < (Long.MIN_VALUE + d) / 10) {
          return false;
        }
        v = v * 10 - d;
      }
      if (!negative) {
        if (v == Long.MIN_VALUE) {
          return false;
        }
        v = -v;
      }
      parsedLong = v;
      return true;
    }
    if (token == FLOAT) {
      double d = doubleValue();
      if (d >= Long.MIN_VALUE && d <= Long.MAX_VALUE) {
        parsedLong = (long) d;
        return true;
      }
    }
    return false;
  }

  /** The value {@link #readLong} read. */
  long longValue() {
    return parsedLong;
  }

  private static final double[] POWERS = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /** The current INT or FLOAT as a double, correctly rounded (as Jackson's {@code getDoubleValue}). */
  double doubleValue() {
    if (token == INT && readLong()) {
      return (double) parsedLong; // "-0" is 0.0, as a Jackson int
    }
    // Fast path (exact): at most 15 significant digits and a power of ten up to 1e22.
    int i = numStart;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = 0;
    boolean inFraction = false;
    for (; i < numEnd; i++) {
      int c = b[i];
      if (c == '.') {
        inFraction = true;
      } else if (c == 'e' || c == 'E') {
        break;
      } else {
        if (mantissa != 0 || c != '0') {
          digits++;
        }
        mantissa = mantissa * 10 + (c - '0');
        if (inFraction) {
          scale--;
        }
        if (digits > 15) {
          return slowDouble();
        }
      }
    }
    if (i < numEnd) {
      i++;
      boolean negativeExp = b[i] == '-';
      if (b[i] == '-' || b[i] == '+') {
        i++;
      }
      if (numEnd - i > 3) {
        return slowDouble();
      }
      int exp = 0;
      for (; i < numEnd; i++) {
        exp = exp * 10 + (b[i] - '0');
      }
      scale += negativeExp ? -exp : exp;
    }
    double v = (double) mantissa;
    if (scale < -22 || scale > 22) {
      return slowDouble();
    }
    v = scale < 0 ? v / POWERS[-scale] : v * POWERS[scale];
    return negative ? -v : v;
  }

  private double slowDouble() {
    return Double.parseDouble(new String(b, numStart, numEnd - numStart, StandardCharsets.ISO_8859_1));
  }

  /** The current number's text. */
  String numberText() {
    return StringCache.get(b, numStart, numEnd - numStart);
  }
}
