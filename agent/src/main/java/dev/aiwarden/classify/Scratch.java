package dev.aiwarden.classify;

import dev.aiwarden.bootstrap.WardenThread;

/**
 * Per-thread working objects of the body readers: the JSON cursor, a slice buffer for decoding
 * prompt text into the hash, the prompt collector and the prompt text builder. Taken by a reader for one body at a time (readers never nest on one
 * thread); the cursor lets go of the body when the reader is done ({@link #release}).
 */
final class Scratch {
  final JsonCursor cursor = new JsonCursor();
  final char[] chars = new char[1024];
  /** The request reader's prompt collector ({@link RequestBodyParser}). */
  final RequestBodyParser.Prompt prompt = new RequestBodyParser.Prompt();
  /** The region of a body read as it is (no content coding), instead of a new slice per body. */
  final Bodies.Slice slice = new Bodies.Slice(null, 0, 0, false);
  /** Prompt text being joined; emptied before use, not kept when it grew large. */
  private StringBuilder text;

  private Scratch() {}

  /** This thread's scratch. */
  static Scratch current() {
    WardenThread t = WardenThread.current();
    Object s = t.scratch;
    if (s instanceof Scratch) {
      return (Scratch) s;
    }
    Scratch made = new Scratch();
    t.scratch = made;
    return made;
  }

  /** This thread's scratch, its cursor set to read {@code b[off, off + len)}. */
  static Scratch reading(byte[] b, int off, int len) {
    Scratch s = current();
    s.cursor.reset(b, off, len);
    return s;
  }

  /** An empty builder for prompt text, reused on this thread (see {@link #textDone}). */
  StringBuilder text() {
    StringBuilder t = text;
    if (t == null) {
      t = new StringBuilder(1024);
      text = t;
    }
    t.setLength(0);
    return t;
  }

  /**
   * The text has been taken: a builder grown past 16 K chars (32 KB at most) is not kept for the
   * next one. (Growing by doubling from 1 K, a builder that held an 8 K prompt has 16 K.)
   */
  void textDone() {
    if (text != null && text.capacity() > 16 << 10) {
      text = null;
    }
  }

  /** Drops the reference to the body read. */
  void release() {
    cursor.clear();
    slice.bytes = null;
  }
}
