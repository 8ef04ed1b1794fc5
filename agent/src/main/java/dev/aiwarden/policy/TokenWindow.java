package dev.aiwarden.policy;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code limits.tokens_per_minute}: tokens per key fingerprint in a sliding window. A call that
 * passes the policy reserves its request's {@code max_tokens} (when it names one) at its start;
 * when it completes, the reservation becomes the tokens its response reports as used (input +
 * output), or nothing when the response says nothing. A call is denied while the tokens used and
 * reserved in the window reach the limit. Reserving keeps a burst of concurrent calls from all
 * passing before any of them has reported its usage; charging the real usage afterwards keeps a
 * generous {@code max_tokens} from being counted in full.
 */
final class TokenWindow {
  private final ConcurrentHashMap<String, Book> books = new ConcurrentHashMap<>();

  /** One call's charge: its start time and its tokens (reserved, later used). */
  static final class Entry {
    final long time;
    long tokens;
    /** False once the entry left the window (its tokens no longer in the sum). */
    boolean counted = true;
    final Book book;

    Entry(long time, long tokens, Book book) {
      this.time = time;
      this.tokens = tokens;
      this.book = book;
    }
  }

  static final class Book {
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long sum;

    private void evict(long now, long windowNanos) {
      Entry e;
      while ((e = entries.peekFirst()) != null && now - e.time >= windowNanos) {
        entries.pollFirst();
        sum -= e.tokens;
        e.counted = false;
      }
    }
  }

  /** Tokens used and reserved by {@code key} within the window before {@code now}. */
  long inWindow(String key, long windowNanos, long now) {
    Book book = books.get(key);
    if (book == null) {
      return 0;
    }
    synchronized (book) {
      book.evict(now, windowNanos);
      return book.sum;
    }
  }

  /** Charges {@code reserve} tokens to {@code key} now; the returned entry is settled later. */
  Entry reserve(String key, long reserve, long windowNanos, long now) {
    Book book = books.get(key);
    if (book == null) {
      book = books.computeIfAbsent(key, k -> new Book());
    }
    synchronized (book) {
      book.evict(now, windowNanos);
      Entry e = new Entry(now, Math.max(0, reserve), book);
      book.entries.addLast(e);
      book.sum += e.tokens;
      return e;
    }
  }

  /** Replaces a reservation by the tokens the call really used. */
  static void settle(Entry entry, long used) {
    Book book = entry.book;
    synchronized (book) {
      long delta = Math.max(0, used) - entry.tokens;
      entry.tokens += delta;
      if (entry.counted) { // still in the window: the sum counts it
        book.sum += delta;
      }
    }
  }
}
