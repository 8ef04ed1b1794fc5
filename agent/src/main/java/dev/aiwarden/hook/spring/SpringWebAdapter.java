package dev.aiwarden.hook.spring;

import dev.aiwarden.bootstrap.Warden;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpRequest;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.FastByteArrayOutputStream;
import reactor.core.Fuseable;
import reactor.core.Scannable;

/**
 * Finds the bytes of a Spring request body where Spring still holds them, and offers them to the
 * inner client's hook ({@link Warden#offerRequestBody}); that hook records the call and applies
 * the policy before a byte leaves. Injected into spring-web's class loader; uses Spring, Reactor,
 * JDK and {@link Warden} types only. Never throws, never consumes a body: a body is read only when
 * Spring says it can be written again ({@code Body.repeatable()}: its JSON converters do), or is
 * already a byte array ({@code getBody()} was written to), or is a value already encoded into one
 * {@link DataBuffer} ({@code WebClient}'s {@code bodyValue}).
 */
public final class SpringWebAdapter {
  /** Largest request body copied for inspection (as the JDK client hook). */
  static final int MAX_INSPECTED_BODY = 16 * 1024 * 1024;

  /** How many value-preserving operators are looked through to a body's value. */
  private static final int MAX_OPERATORS = 4;

  private SpringWebAdapter() {}

  /**
   * {@code AbstractStreamingClientHttpRequest.executeInternal(headers)} (the JDK, Apache HC5,
   * Reactor and Jetty request factories of {@code RestClient}/{@code RestTemplate}): {@code body}
   * is the {@code StreamingHttpOutputMessage.Body} set by a message converter, {@code bodyStream}
   * the {@code FastByteArrayOutputStream} written through {@code getBody()}.
   */
  public static void onExecute(Object request, Object body, Object bodyStream) {
    try {
      String url = aiUrl(request);
      if (url == null) {
        return;
      }
      byte[] bytes = null;
      if (bodyStream instanceof FastByteArrayOutputStream) {
        FastByteArrayOutputStream written = (FastByteArrayOutputStream) bodyStream;
        bytes = written.size() <= MAX_INSPECTED_BODY ? written.toByteArray() : null;
      } else if (body instanceof StreamingHttpOutputMessage.Body
          && ((StreamingHttpOutputMessage.Body) body).repeatable()) {
        bytes = write((StreamingHttpOutputMessage.Body) body);
      }
      Warden.offerRequestBody(url, bytes);
    } catch (Throwable t) {
      Warden.hookError("spring.request", t);
    }
  }

  /** After {@code executeInternal}: an offer never outlives its call. */
  public static void afterExecute() {
    Warden.offerRequestBody(null, null);
  }

  /**
   * {@code WebClient}'s JDK connector, {@code JdkClientHttpRequest.writeWith(body)}: a {@code
   * bodyValue} arrives as a {@code Mono} of one already encoded buffer (behind value-preserving
   * context operators). Its value is read without subscribing; anything else is left alone.
   */
  public static void onWriteWith(Object request, Object body) {
    try {
      String url = aiUrl(request);
      if (url == null) {
        return;
      }
      Object value = Reactive.scalarValue(body);
      if (value instanceof DataBuffer) {
        DataBuffer buffer = (DataBuffer) value;
        int n = buffer.readableByteCount();
        if (n <= MAX_INSPECTED_BODY) {
          byte[] bytes = new byte[n];
          buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), 0, n);
          Warden.offerRequestBody(url, bytes);
        }
      }
    } catch (Throwable t) {
      Warden.hookError("spring.reactive-request", t);
    }
  }

  /** The request's URL when it goes to an AI endpoint, else null. */
  private static String aiUrl(Object request) {
    URI uri;
    if (request instanceof HttpRequest) {
      uri = ((HttpRequest) request).getURI();
    } else if (request instanceof ClientHttpRequest) { // the reactive one is no HttpRequest
      uri = ((ClientHttpRequest) request).getURI();
    } else {
      return null;
    }
    if (uri == null || uri.getHost() == null) {
      return null;
    }
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    // The thread's state (the agent's own I/O?) is looked at only for an AI call.
    return Warden.isAiCall(uri.getHost(), port, path) && !Warden.suppressed() ? uri.toString() : null;
  }

  /** Writes a repeatable body once more, into memory; null when it is larger than the limit. */
  static byte[] write(StreamingHttpOutputMessage.Body body) throws IOException {
    Bounded out = new Bounded();
    try {
      body.writeTo(out);
    } catch (IOException | RuntimeException e) {
      if (out.tooLarge) {
        return null; // a converter may wrap the stream's exception: the flag says what happened
      }
      throw e;
    }
    return out.bytes();
  }

  /**
   * Reactor types, kept apart so that a {@code RestClient}-only application (no Reactor on its
   * class path) never links them.
   */
  static final class Reactive {
    private Reactive() {}

    /**
     * The value of a scalar {@code Mono} ({@code Mono.just}), looking only through context-writing
     * operators (such as {@code doOnDiscard}), which pass the value on unchanged; null otherwise.
     */
    static Object scalarValue(Object publisher) throws Exception {
      Object p = publisher;
      for (int i = 0; i <= MAX_OPERATORS && p != null; i++) {
        if (p instanceof Fuseable.ScalarCallable) {
          return ((Callable<?>) p).call();
        }
        if (!(p instanceof Scannable)
            || !p.getClass().getName().startsWith("reactor.core.publisher.MonoContextWrite")) {
          return null;
        }
        p = ((Scannable) p).scanUnsafe(Scannable.Attr.PARENT);
      }
      return null;
    }
  }

  /** An in-memory output stream that gives up past {@link #MAX_INSPECTED_BODY}. */
  static final class Bounded extends OutputStream {
    private byte[] buf = new byte[1024];
    private int count;
    boolean tooLarge;

    @Override
    public void write(int b) throws IOException {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int more) throws IOException {
      if (count + more > MAX_INSPECTED_BODY) {
        tooLarge = true;
        throw new IOException("request body too large to inspect");
      }
      if (count + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.min(Math.max(count + more, 2 * buf.length), MAX_INSPECTED_BODY));
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, count);
    }
  }
}
