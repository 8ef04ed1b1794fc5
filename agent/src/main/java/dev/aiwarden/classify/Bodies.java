package dev.aiwarden.classify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** Byte-level helpers shared by the body readers: bounds, content codings, multipart fields. */
final class Bodies {
  /** Decompressed bodies stop growing here (64 MiB); the rest is not read. */
  static final int MAX_DECODED = 64 << 20;

  private Bodies() {}

  /** A region of a byte array. {@code incomplete}: decoding stopped early (broken or too big). */
  static final class Slice {
    byte[] bytes;
    int off;
    int len;
    boolean incomplete;

    Slice(byte[] bytes, int off, int len, boolean incomplete) {
      set(bytes, off, len, incomplete);
    }

    Slice set(byte[] bytes, int off, int len, boolean incomplete) {
      this.bytes = bytes;
      this.off = off;
      this.len = len;
      this.incomplete = incomplete;
      return this;
    }
  }

  /** True when {@code off}/{@code len} describe a valid, non-empty region of {@code body}. */
  static boolean validRegion(byte[] body, int off, int len) {
    return body != null && off >= 0 && len > 0 && len <= body.length - off;
  }

  /**
   * The body with its content coding removed: itself for no coding or {@code identity}, the
   * inflated bytes for {@code gzip}, {@code x-gzip} and {@code deflate} (zlib or raw), at most
   * {@link #MAX_DECODED} bytes. Null for a coding we cannot undo ({@code br}, {@code zstd}, ...).
   */
  static Slice decode(byte[] body, int off, int len, String contentEncoding) {
    return decode(body, off, len, contentEncoding, null);
  }

  /**
   * {@link #decode(byte[], int, int, String)}, a body read as it is described by {@code reuse}
   * (a reader's per-thread slice, not a new one per body) when not null.
   */
  static Slice decode(byte[] body, int off, int len, String contentEncoding, Slice reuse) {
    if (isIdentity(contentEncoding)) {
      return reuse == null ? new Slice(body, off, len, false) : reuse.set(body, off, len, false);
    }
    String coding = contentEncoding.trim();
    if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
      try {
        return inflate(new GZIPInputStream(new ByteArrayInputStream(body, off, len), 8192));
      } catch (IOException e) {
        return new Slice(new byte[0], 0, 0, true); // not even a gzip header
      }
    }
    if (coding.equalsIgnoreCase("deflate")) {
      // RFC 9110 says zlib-wrapped; some senders use raw deflate. Try zlib, then raw.
      Slice zlib =
          inflate(new InflaterInputStream(new ByteArrayInputStream(body, off, len), new Inflater()));
      if (zlib.len > 0 || !zlib.incomplete) {
        return zlib;
      }
      return inflate(
          new InflaterInputStream(new ByteArrayInputStream(body, off, len), new Inflater(true)));
    }
    return null;
  }

  /**
   * True when a body with this {@code Content-Encoding} is read as it is (none, blank or {@code
   * identity}): {@link #decode} would hand back the same region, so a reader can skip it.
   */
  static boolean isIdentity(String contentEncoding) {
    if (contentEncoding == null) {
      return true;
    }
    int from = 0;
    int to = contentEncoding.length();
    while (from < to && contentEncoding.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && contentEncoding.charAt(to - 1) <= ' ') {
      to--;
    }
    return from == to
        || (to - from == 8 && contentEncoding.regionMatches(true, from, "identity", 0, 8));
  }

  /** Reads the stream to its end or to {@link #MAX_DECODED} bytes; a broken tail ends it early. */
  private static Slice inflate(InputStream in) {
    byte[] out = new byte[8192];
    int n = 0;
    boolean incomplete = false;
    try (InputStream s = in) {
      while (true) {
        if (n == out.length) {
          if (out.length >= MAX_DECODED) {
            // Full: one more byte means the body is larger than we read.
            incomplete = s.read() >= 0;
            break;
          }
          out = Arrays.copyOf(out, (int) Math.min((long) out.length * 2, MAX_DECODED));
        }
        int r = s.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException | RuntimeException e) {
      incomplete = true;
    }
    return new Slice(out, 0, n, incomplete);
  }

  /** Index of the first byte in the region that is not JSON white space, or -1. */
  static int firstNonWhitespace(byte[] b, int off, int len) {
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
    }
    return -1;
  }

  /** True for {@code multipart/form-data} (any parameters). */
  static boolean isMultipart(String contentType) {
    return contentType != null
        && contentType.regionMatches(true, firstNonSpace(contentType), "multipart/form-data", 0, 19);
  }

  private static int firstNonSpace(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** The {@code boundary} parameter of a multipart content type, unquoted, or null. */
  static String boundary(String contentType) {
    if (contentType == null) {
      return null;
    }
    int len = contentType.length();
    for (int i = 0; i + 9 <= len; i++) {
      if (contentType.regionMatches(true, i, "boundary=", 0, 9)
          && (i == 0 || contentType.charAt(i - 1) == ';' || contentType.charAt(i - 1) == ' ')) {
        int start = i + 9;
        if (start < len && contentType.charAt(start) == '"') {
          int close = contentType.indexOf('"', start + 1);
          return close < 0 ? null : emptyToNull(contentType.substring(start + 1, close));
        }
        int end = start;
        while (end < len && contentType.charAt(end) != ';' && contentType.charAt(end) != ' ') {
          end++;
        }
        return emptyToNull(contentType.substring(start, end));
      }
    }
    return null;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** Receives the small text fields of a multipart body. */
  interface FieldSink {
    void field(String name, String value);
  }

  /** Fields larger than this (files, mostly) are not handed to the sink. */
  static final int MAX_FIELD = 1 << 20;

  /**
   * Walks the parts of a {@code multipart/form-data} body and hands each part without a {@code
   * filename} (a plain form field of at most {@link #MAX_FIELD} bytes) to the sink. File parts are
   * skipped by searching for the next boundary. Stops quietly at anything malformed.
   */
  static void multipartFields(byte[] b, int off, int len, String boundary, FieldSink sink) {
    if (boundary == null) {
      return;
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int end = off + len;
    int pos = indexOf(b, off, end, delimiter);
    while (pos >= 0) {
      int afterDelimiter = pos + delimiter.length;
      if (afterDelimiter + 1 < end && b[afterDelimiter] == '-' && b[afterDelimiter + 1] == '-') {
        return; // closing delimiter
      }
      int headersStart = skipLineEnd(b, afterDelimiter, end);
      int headersEnd = indexOf(b, headersStart, end, CRLFCRLF);
      int contentStart;
      if (headersEnd >= 0) {
        contentStart = headersEnd + 4;
      } else {
        headersEnd = indexOf(b, headersStart, end, LFLF);
        if (headersEnd < 0) {
          return;
        }
        contentStart = headersEnd + 2;
      }
      int next = indexOf(b, contentStart, end, delimiter);
      if (next < 0) {
        return; // truncated: the last part has no end
      }
      int contentEnd = next;
      if (contentEnd > contentStart && b[contentEnd - 1] == '\n') {
        contentEnd--;
        if (contentEnd > contentStart && b[contentEnd - 1] == '\r') {
          contentEnd--;
        }
      }
      String headers = new String(b, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      String name = dispositionParam(headers, "name=");
      if (name != null
          && dispositionParam(headers, "filename=") == null
          && contentEnd - contentStart <= MAX_FIELD) {
        sink.field(name, new String(b, contentStart, contentEnd - contentStart, StandardCharsets.UTF_8));
      }
      pos = next;
    }
  }

  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
  private static final byte[] LFLF = {'\n', '\n'};

  private static int skipLineEnd(byte[] b, int i, int end) {
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++; // transport padding
    }
    if (i < end && b[i] == '\r') {
      i++;
    }
    if (i < end && b[i] == '\n') {
      i++;
    }
    return i;
  }

  /** A parameter ({@code name=}, {@code filename=}) of the Content-Disposition header, or null. */
  static String dispositionParam(String headers, String param) {
    int from = 0;
    while (true) {
      int i = indexOfIgnoreCase(headers, param, from);
      if (i < 0) {
        return null;
      }
      from = i + param.length();
      char before = i == 0 ? ';' : headers.charAt(i - 1);
      if (before != ';' && before != ' ' && before != '\t') {
        continue; // "filename=" contains "name="
      }
      int start = i + param.length();
      if (start < headers.length() && headers.charAt(start) == '"') {
        int close = headers.indexOf('"', start + 1);
        return close < 0 ? null : headers.substring(start + 1, close);
      }
      int end = start;
      while (end < headers.length() && ";\r\n ".indexOf(headers.charAt(end)) < 0) {
        end++;
      }
      return headers.substring(start, end);
    }
  }

  private static int indexOfIgnoreCase(String s, String what, int from) {
    for (int i = from; i + what.length() <= s.length(); i++) {
      if (s.regionMatches(true, i, what, 0, what.length())) {
        return i;
      }
    }
    return -1;
  }

  /** First index of {@code what} in {@code b[from, end)}, or -1. */
  static int indexOf(byte[] b, int from, int end, byte[] what) {
    if (what.length == 0) {
      return from;
    }
    byte first = what[0];
    int last = end - what.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (b[i] != first) {
        continue;
      }
      for (int j = 1; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
