package dev.aiwarden.hook.jdkhttp;

import dev.aiwarden.bootstrap.Warden;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
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

  /** Takes everything at once; the JDK's in-memory publishers deliver it before returning. */
  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    private final ByteArrayOutputStream out;
    private Flow.Subscription subscription;
    private boolean complete;
    private boolean failed;

    Collector(int size) {
      out = new ByteArrayOutputStream(size);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      ByteBuffer b = item.duplicate();
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        out.write(copy, 0, copy.length);
      }
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
        return out.toByteArray();
      }
      if (subscription != null) {
        subscription.cancel();
      }
      return null;
    }
  }
}
