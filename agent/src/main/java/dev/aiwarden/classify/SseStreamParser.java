package dev.aiwarden.classify;

import dev.aiwarden.exchange.RequestInfo;
import dev.aiwarden.exchange.ResponseInfo;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a streamed AI response (Server-Sent Events) as its bytes go by: chat completion chunks
 * ({@code data: {"object":"chat.completion.chunk",...}}) and Responses API events ({@code
 * response.created}, {@code response.completed}, ...). Each event's {@code data} is read with the
 * same rules as {@link ResponseBodyParser}: id and model (first non-empty), finish reasons, usage
 * (the final usage chunk of {@code stream_options.include_usage}, or {@code response.usage} of
 * {@code response.completed}), Azure filter results, error events. {@code data: [DONE]} ends the
 * stream: later bytes are ignored.
 *
 * <p>{@link #feed} takes chunks cut anywhere, also inside a UTF-8 sequence or between {@code \r}
 * and {@code \n}: bytes are collected per event and only a whole event is decoded. Memory is
 * bounded: an event whose data is larger than 1 MiB is dropped (and {@link ResponseInfo#unparsed}
 * set), and the buffers shrink back after a large event. A chunk costs one scan for line ends and
 * one copy of the data (two for a line cut between chunks); the JSON parser runs once per event,
 * skipping the text deltas without decoding them.
 *
 * <p>Not thread-safe: feed it from one thread at a time (the thread that reads the stream), and
 * call {@link #result()} after the last {@link #feed}. Never throws.
 */
public final class SseStreamParser {
  /** Events whose data is larger than this are skipped. */
  static final int MAX_EVENT = 1 << 20;

  private static final int INITIAL_LINE = 512;
  /** A {@code data:} line of a largest event, with its field name. */
  private static final int MAX_LINE = MAX_EVENT + 16;
  private static final int SHRINK_ABOVE = 64 << 10;
  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
  private static final byte[] EMPTY = {};

  private final String requestPrompt;
  private final ResponseInfo info = new ResponseInfo();

  // The current line, without its line end, when it is cut between chunks (else not copied).
  private byte[] line = EMPTY;
  private int lineLen;
  private boolean lineOverflow;
  private boolean lastWasCr;
  private boolean firstLine = true;

  // The data of the current event ("data:" lines joined by '\n').
  private byte[] data = new byte[INITIAL_LINE];
  private int dataLen;
  private boolean hasData;
  private boolean dataOverflow;

  private boolean done;

  /** A parser for a stream whose request is not known. */
  public SseStreamParser() {
    this(null);
  }

  /** A parser for the stream answering {@code request} (may be null). */
  public SseStreamParser(RequestInfo request) {
    this.requestPrompt = request == null ? null : request.promptText;
  }

  /** Takes the next bytes of the stream. Ignores bad arguments; never throws. */
  public void feed(byte[] b, int off, int len) {
    if (done || b == null || off < 0 || len <= 0 || len > b.length - off) {
      return;
    }
    try {
      feedChecked(b, off, off + len);
    } catch (RuntimeException | StackOverflowError e) {
      info.unparsed = true;
      resetEvent();
    }
  }

  private void feedChecked(byte[] b, int i, int end) {
    if (lastWasCr) {
      lastWasCr = false;
      if (b[i] == '\n') {
        i++; // the \n of a \r\n cut between two chunks
      }
    }
    while (i < end) {
      int eol = i;
      while (eol < end && b[eol] != '\n' && b[eol] != '\r') {
        eol++;
      }
      if (eol == end) {
        append(b, i, eol - i);
        return; // line continues in the next chunk
      }
      int lineStart = i;
      int lineEnd = eol;
      if (b[eol] == '\r') {
        if (eol + 1 < end) {
          if (b[eol + 1] == '\n') {
            eol++;
          }
        } else {
          lastWasCr = true;
        }
      }
      i = eol + 1;
      if (lineLen == 0 && !lineOverflow && lineEnd - lineStart <= MAX_LINE) {
        endOfLine(b, lineStart, lineEnd - lineStart); // whole line in this chunk: no copy
      } else {
        append(b, lineStart, lineEnd - lineStart);
        endOfBufferedLine();
      }
      if (done) {
        return;
      }
    }
  }

  private void append(byte[] b, int off, int len) {
    if (len == 0 || lineOverflow) {
      return;
    }
    if (lineLen + len > MAX_LINE) {
      // Too long to be read: keep only the start (to know the field) and drop the rest.
      lineOverflow = true;
      len = Math.min(len, Math.max(0, INITIAL_LINE - lineLen));
      if (len == 0) {
        return;
      }
    }
    int needed = lineLen + len;
    if (needed > line.length) {
      line = Arrays.copyOf(line, Math.min(Math.max(needed, Math.max(INITIAL_LINE, line.length * 2)), MAX_LINE));
    }
    System.arraycopy(b, off, line, lineLen, len);
    lineLen = needed;
  }

  /** The end of a line collected in {@link #line}. */
  private void endOfBufferedLine() {
    int len = lineLen;
    boolean overflow = lineOverflow;
    lineLen = 0;
    lineOverflow = false;
    try {
      endOfLine(line, 0, len, overflow);
    } finally {
      if (line.length > SHRINK_ABOVE) {
        line = EMPTY; // only after the line has been used
      }
    }
  }

  private void endOfLine(byte[] b, int start, int len) {
    endOfLine(b, start, len, false);
  }

  private void endOfLine(byte[] b, int start, int len, boolean overflow) {
    if (firstLine) {
      firstLine = false;
      if (len >= 3
          && b[start] == (byte) 0xEF
          && b[start + 1] == (byte) 0xBB
          && b[start + 2] == (byte) 0xBF) {
        start += 3; // a UTF-8 byte order mark
        len -= 3;
      }
    }
    if (len == 0 && !overflow) {
      dispatch();
      return;
    }
    if (!isField(b, start, len, "data")) {
      return; // event:, id:, retry:, comments, unknown fields
    }
    if (overflow) {
      dataOverflow = true;
      return;
    }
    int value = start + 4;
    if (value < start + len) {
      value++; // the ':'
      if (value < start + len && b[value] == ' ') {
        value++;
      }
    }
    appendData(b, value, start + len - value);
  }

  /** True when the line is {@code name:...} or just {@code name}. */
  private static boolean isField(byte[] b, int start, int len, String name) {
    int n = name.length();
    if (len < n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[start + k] != name.charAt(k)) {
        return false;
      }
    }
    return len == n || b[start + n] == ':';
  }

  private void appendData(byte[] b, int off, int len) {
    if (dataOverflow) {
      return;
    }
    int needed = dataLen + (hasData ? 1 : 0) + len;
    if (needed > MAX_EVENT) {
      dataOverflow = true;
      return;
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.min(Math.max(needed, data.length * 2), MAX_EVENT));
    }
    if (hasData) {
      data[dataLen++] = '\n';
    }
    System.arraycopy(b, off, data, dataLen, len);
    dataLen += len;
    hasData = true;
  }

  /** The blank line: the event is complete. */
  private void dispatch() {
    try {
      if (dataOverflow) {
        info.unparsed = true;
      } else if (hasData) {
        readEvent();
      }
    } finally {
      resetEvent();
    }
  }

  private void resetEvent() {
    dataLen = 0;
    hasData = false;
    dataOverflow = false;
    if (data.length > SHRINK_ABOVE) {
      data = new byte[INITIAL_LINE];
    }
  }

  private void readEvent() {
    int start = Bodies.firstNonWhitespace(data, 0, dataLen);
    if (start < 0) {
      return;
    }
    if (data[start] != '{') {
      if (dataLen - start >= DONE.length
          && Bodies.indexOf(data, start, start + DONE.length, DONE) == start) {
        done = true;
      }
      return; // [DONE], or a keep-alive that is not JSON
    }
    Scratch scratch = Scratch.reading(data, start, dataLen - start);
    try {
      JsonCursor p = scratch.cursor;
      if (p.next() == JsonCursor.START_OBJECT) {
        ResponseReader.readObject(p, info, requestPrompt);
      }
    } catch (IOException e) {
      info.unparsed = true;
    } finally {
      scratch.release();
    }
  }

  /** True once {@code data: [DONE]} has been seen. */
  public boolean isDone() {
    return done;
  }

  /**
   * Reads what is left: a last line without its line end, an event without its closing blank
   * line. Called by {@link #result()}; bytes fed afterwards start a new line.
   */
  void end() {
    try {
      if (!done && (lineLen > 0 || lineOverflow)) {
        endOfBufferedLine();
      }
      if (!done && (hasData || dataOverflow)) {
        dispatch();
      }
    } catch (RuntimeException | StackOverflowError e) {
      info.unparsed = true;
      resetEvent();
    }
  }

  /**
   * What the stream said so far (the same object on every call). Call it when the stream has
   * ended: an event left without its closing blank line is read first.
   */
  public ResponseInfo result() {
    end();
    return info;
  }
}
