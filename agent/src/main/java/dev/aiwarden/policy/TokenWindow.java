package dev.aiwarden.policy;

import dev.aiwarden.core.AiCall;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code limits.tokens_per_minute}: tokens per key fingerprint in a sliding window. A call that
 * passes the policy reserves its request's {@code max_tokens} (when it names one) at its start;
 * when it completes, the reservation becomes the tokens its response reports as used (input +
 * output), or nothing when the response says nothing. A call is denied while the tokens used and
 * reserved in the window reach the limit. Reserving keeps a burst of concurrent calls from all
 * passing before any of them has reported its usage; charging the real usage afterwards keeps a
 * generous {@code max_tokens} from being counted in full.
 *
 * <p>Each key's charges are kept in a ring of two {@code long} arrays (start time, tokens; 16 bytes
 * a call in the window, nothing for the GC to trace), addressed by the charge's sequence number:
 * charging and settling an allowed call make no objects once the ring has grown to the rate seen.
 */
final class TokenWindow {
  private final ConcurrentHashMap<String, Book> books = new ConcurrentHashMap<>();

  /** A new key's ring holds this many charges; it doubles while all of them are in the window. */
  static final int INITIAL_CAPACITY = 16;

  /** No charge: the call was refused (nothing reserved, nothing to settle). */
  static final long REFUSED = -1;

  /**
   * One key's charges in the window: sequence numbers {@code head} (oldest still counted) to
   * {@code tail - 1}; charge {@code n} is at index {@code n & (capacity - 1)}. Guarded by its own
   * monitor (no lock shared between keys, none on the map).
   */
  static final class Book {
    private long[] times = new long[INITIAL_CAPACITY];
    private long[] tokens = new long[INITIAL_CAPACITY];
    private long head;
    private long tail;
    private long sum;

    private void evict(long now, long windowNanos) {
      int mask = times.length - 1;
      while (head < tail && now - times[(int) head & mask] >= windowNanos) {
        sum -= tokens[(int) head & mask];
        head++;
      }
    }

    /** Charges {@code reserve} tokens at {@code now}; its sequence number. */
    private long add(long now, long reserve) {
      if (tail - head == times.length) {
        grow();
      }
      int i = (int) tail & (times.length - 1);
      times[i] = now;
      tokens[i] = reserve;
      sum += reserve;
      return tail++;
    }

    /** Twice the capacity, every charge at its index in the larger ring. */
    private void grow() {
      int capacity = times.length * 2;
      long[] t = new long[capacity];
      long[] k = new long[capacity];
      int oldMask = times.length - 1;
      for (long n = head; n < tail; n++) {
        t[(int) n & (capacity - 1)] = times[(int) n & oldMask];
        k[(int) n & (capacity - 1)] = tokens[(int) n & oldMask];
      }
      times = t;
      tokens = k;
    }
  }

  /**
   * Charges {@code reserve} tokens to {@code key} now (settled later with {@link #settle}), unless
   * {@code refuse} is set and the tokens used and reserved in the window before {@code now} already
   * reach {@code limit}: one lock for the check and the charge. A charge is handed to {@code call}
   * ({@link AiCall#policyTicket} its book, {@link AiCall#policyTicketSeq} its number); a refused
   * call gets none.
   *
   * @return the tokens used and reserved in the window just before this call
   */
  long reserveBelow(
      String key, long limit, boolean refuse, long reserve, long windowNanos, long now, AiCall call) {
    Book book = books.get(key);
    if (book == null) {
      book = books.computeIfAbsent(key, k -> new Book());
    }
    long before;
    long seq;
    synchronized (book) {
      book.evict(now, windowNanos);
      before = book.sum;
      if (refuse && before >= limit) {
        return before;
      }
      seq = book.add(now, Math.max(0, reserve));
    }
    call.policyTicketSeq = seq;
    call.policyTicket = book; // volatile: publishes the number with it
    return before;
  }

  /**
   * Replaces the reservation of charge {@code seq} of {@code book} by the tokens the call really
   * used; a charge that has left the window is no longer in the sum, so nothing changes.
   */
  static void settle(Book book, long seq, long used) {
    synchronized (book) {
      if (seq < book.head || seq >= book.tail) {
        return;
      }
      int i = (int) seq & (book.tokens.length - 1);
      long delta = Math.max(0, used) - book.tokens[i];
      book.tokens[i] += delta;
      book.sum += delta;
    }
  }
}
