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
    /** Tokens used and reserved in the window just before this entry was made. */
    final long before;

    Entry(long time, long tokens, Book book, long before) {
      this.time = time;
      this.tokens = tokens;
      this.book = book;
      this.before = before;
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

  /**
   * Charges {@code reserve} tokens to {@code key} now (the entry is settled later), unless {@code
   * refuse} is set and the tokens used and reserved in the window before {@code now} already reach
   * {@code limit}: one lock for the check and the charge. The entry tells the tokens in the window
   * before it ({@link Entry#before}); a refused one is not charged and not {@link Entry#counted}.
   */
  Entry reserveBelow(
      String key, long limit, boolean refuse, long reserve, long windowNanos, long now) {
    Book book = books.get(key);
    if (book == null) {
      book = books.computeIfAbsent(key, k -> new Book());
    }
    synchronized (book) {
      book.evict(now, windowNanos);
      long before = book.sum;
      if (refuse && before >= limit) {
        Entry refused = new Entry(now, 0, book, before);
        refused.counted = false;
        return refused;
      }
      Entry e = new Entry(now, Math.max(0, reserve), book, before);
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
