package dev.aiwarden.hook.jdkhttp;

import dev.aiwarden.bootstrap.Warden;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Flow;

/**
 * Reads a copy of a request body without consuming it. Only the JDK's own publishers of bytes in
 * memory ({@code BodyPublishers.ofString}, {@code ofByteArray}, {@code noBody}) are read: they
 * give the same bytes to every subscriber, synchronously. Any other publisher (an input stream, a
 * file, a reactive stream) is never subscribed to: its body is seen only when an outer layer
 * offers a copy (see {@code hook/spring}).
 */
final class RequestBodies {
  /** Largest request body read for inspection. */
  static final long MAX_INSPECTED_BODY = 16L * 1024 * 1024;

  private RequestBodies() {}

  /**
   * The body of a request to {@code url}: read from an in-memory publisher, or else the copy an
   * outer layer offered through {@link Warden#offerRequestBody} (Spring's {@code RestClient} and
   * {@code WebClient}, whose publishers are one-shot), if its length matches.
   */
  static byte[] copyOf(BodyPublisher publisher, String url) {
    if (publisher != null && !replayable(publisher.getClass().getName())) {
      byte[] offered = Warden.takeRequestBody(url);
      long length = publisher.contentLength();
      return offered != null && (length < 0 || length == offered.length) ? offered : null;
    }
    return copyOf(publisher);
  }

  static byte[] copyOf(BodyPublisher publisher) {
    if (publisher == null || !replayable(publisher.getClass().getName())) {
      return null;
    }
    long length = publisher.contentLength();
    if (length == 0) {
      return new byte[0];
    }
    if (length < 0 || length > MAX_INSPECTED_BODY) {
      return null;
    }
    Collector collector = new Collector((int) length);
    publisher.subscribe(collector);
    return collector.result();
  }

  static boolean replayable(String className) {
    switch (className) {
      case "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher":
      case "jdk.internal.net.http.RequestPublishers$StringPublisher":
      case "jdk.internal.net.http.RequestPublishers$EmptyPublisher":
        return true;
      default:
        return false;
    }
  }

  /**
   * Takes everything at once; the JDK's in-memory publishers deliver it before returning. The
   * bytes go straight into one array of the announced length: the one copy.
   */
  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    private byte[] out;
    private int size;
    private Flow.Subscription subscription;
    private boolean complete;
    private boolean failed;

    Collector(int length) {
      out = new byte[length];
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      int n = item.remaining();
      if (size + n > out.length) {
        if (size + (long) n > MAX_INSPECTED_BODY) {
          failed = true; // longer than announced and than the limit: not inspected
          return;
        }
        out = Arrays.copyOf(out, Math.max(size + n, 2 * out.length));
      }
      item.duplicate().get(out, size, n);
      size += n;
    }

    @Override
    public void onError(Throwable t) {
      failed = true;
    }

    @Override
    public void onComplete() {
      complete = true;
    }

    /** The body, or null when the publisher did not finish on this thread (then it is left). */
    byte[] result() {
      if (complete && !failed) {
        return size == out.length ? out : Arrays.copyOf(out, size);
      }
      if (subscription != null) {
        subscription.cancel();
      }
      return null;
    }
  }
}
