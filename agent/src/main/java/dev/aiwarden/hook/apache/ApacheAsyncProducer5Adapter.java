package dev.aiwarden.hook.apache;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.hook.ObservedBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 async, general form: {@code execute(AsyncRequestProducer,
 * AsyncResponseConsumer, ...)} ({@code AsyncRequestBuilder}, {@code BasicRequestProducer} with any
 * entity producer, any response consumer, streaming ones included). The call starts on the
 * application's thread; the response consumer is wrapped so the body's bytes are seen as the
 * client hands them to the application's consumer (same buffer, same call: nothing held back).
 * Never throws.
 *
 * <p>The request is read from a {@link BasicRequestProducer} (what {@code AsyncRequestBuilder} and
 * {@code SimpleRequestProducer} build): its {@code sendRequest} only hands its request and entity
 * producer to the channel it is given. The body is copied only from an entity producer that says
 * it is repeatable ({@code AsyncEntityProducers.create(String/bytes)}): produced once into memory,
 * then reset with {@code releaseResources()}, as its contract allows. Any other producer is left
 * alone (the call is then not recorded: its URL cannot be read without sending).
 */
public final class ApacheAsyncProducer5Adapter {
  static final int MAX_REQUEST_BODY = 16 * 1024 * 1024;

  /** Rounds of {@code produce} before a repeatable producer is given up on. */
  private static final int MAX_PRODUCE_ROUNDS = 4096;

  private ApacheAsyncProducer5Adapter() {}

  /**
   * Returns null (leave the call alone), an {@link ObservingConsumer} to put in place of the
   * application's consumer, or a failed {@code Future} for a denied call (the advice skips the
   * client and returns it; the callback has been told).
   */
  public static Object onExecute(Object[] args) {
    int at = first(args);
    return at < 0 ? null : onExecute(at == 1 ? args[0] : null, args[at], args[at + 1], args[at + 4]);
  }

  /** Woven before {@code execute(producer, consumer, handlers, context, callback)}. */
  public static Object enterExecute(Object producer, Object consumer, Object callback) {
    return onExecute(null, producer, consumer, callback);
  }

  /** Woven before {@code execute(target, producer, consumer, handlers, context, callback)}. */
  public static Object enterExecute(
      Object target, Object producer, Object consumer, Object callback) {
    return onExecute(target, producer, consumer, callback);
  }

  /** The consumer the client gets: the observing one when the entry made one. */
  public static Object consumerFor(Object entered, Object consumer) {
    return entered instanceof ObservingConsumer ? entered : consumer;
  }

  /** Woven where {@code execute} throws: the consumer will never be called. */
  public static Throwable executeThrown(Object entered, Throwable thrown) {
    abandon(entered, thrown);
    return thrown;
  }

  /** The arguments with the application's consumer replaced by the observing one. */
  public static Object[] withConsumer(Object[] args, Object consumer) {
    Object[] changed = args.clone();
    changed[first(args) + 1] = consumer;
    return changed;
  }

  /** Where the producer is: after a leading {@code HttpHost} (6 arguments) or first (5); else -1. */
  private static int first(Object[] args) {
    return args == null ? -1 : args.length == 6 ? 1 : args.length == 5 ? 0 : -1;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object onExecute(Object target, Object producer, Object consumer, Object callback) {
    if (Warden.handledOutside() || !(producer instanceof BasicRequestProducer) || consumer == null) {
      return null;
    }
    try {
      Captured c = new Captured();
      ((AsyncRequestProducer) producer).sendRequest(c, null);
      if (c.request == null) {
        return null;
      }
      HttpRequest req = c.request;
      ApacheHttpClient5Adapter.Target t = ApacheHttpClient5Adapter.Target.of((HttpHost) target, req);
      if (t == null || !Warden.isAiCall(t.host, t.port, t.path)) {
        return null;
      }
      String type = c.entity == null ? null : c.entity.getContentType();
      byte[] body =
          c.entity instanceof AsyncEntityProducer ? bodyBytes((AsyncEntityProducer) c.entity) : null;
      Object handle;
      try {
        handle = ApacheAsyncClient5Adapter.start(t, req, type, body);
      } catch (PolicyDeniedException denied) {
        release((AsyncRequestProducer) producer, (AsyncResponseConsumer<?>) consumer, denied);
        BasicFuture<Object> failed = new BasicFuture<>((FutureCallback<Object>) callback);
        failed.failed(denied);
        return failed;
      }
      return handle == null
          ? null
          : new ObservingConsumer<>(handle, (AsyncResponseConsumer<Object>) consumer);
    } catch (Throwable t) {
      Warden.hookError("apache5-async.producer", t);
      return null;
    }
  }

  /**
   * A denied call never reaches the client: its producer and consumer are told, as on a failure.
   * Their errors are logged, never allowed to undo the denial.
   */
  private static void release(
      AsyncRequestProducer producer, AsyncResponseConsumer<?> consumer, Exception denied) {
    Runnable[] steps = {
      () -> producer.failed(denied),
      () -> consumer.failed(denied),
      producer::releaseResources,
      consumer::releaseResources
    };
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (Throwable t) {
        Warden.hookError("apache5-async.denied", t);
      }
    }
  }

  /** {@code execute} itself threw: the consumer will never be called. */
  public static void abandon(Object consumer, Throwable error) {
    if (consumer instanceof ObservingConsumer) {
      ((ObservingConsumer<?>) consumer).end(error);
    }
  }

  /** A copy of a repeatable entity producer's bytes, the producer reset after; else null. */
  static byte[] bodyBytes(AsyncEntityProducer entity) throws IOException {
    long length = entity.getContentLength();
    if (!entity.isRepeatable() || length > MAX_REQUEST_BODY) {
      return null;
    }
    Collector out = new Collector();
    try {
      for (int i = 0; i < MAX_PRODUCE_ROUNDS && !out.ended && !out.tooLarge; i++) {
        entity.produce(out);
      }
    } finally {
      entity.releaseResources(); // a repeatable producer starts over
    }
    return out.ended && !out.tooLarge ? out.bytes.toByteArray() : null;
  }

  /** Takes the request and entity a {@link BasicRequestProducer} would send. */
  static final class Captured implements RequestChannel {
    HttpRequest request;
    EntityDetails entity;

    @Override
    public void sendRequest(HttpRequest request, EntityDetails entity, HttpContext context) {
      this.request = request;
      this.entity = entity;
    }
  }

  /** Takes everything an entity producer writes, up to the limit. */
  static final class Collector implements DataStreamChannel {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ended;
    boolean tooLarge;

    @Override
    public void requestOutput() {}

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      if (bytes.size() + n > MAX_REQUEST_BODY) {
        tooLarge = true;
        return 0;
      }
      if (src.hasArray()) {
        bytes.write(src.array(), src.arrayOffset() + src.position(), n);
        ((Buffer) src).position(src.limit());
      } else {
        byte[] copy = new byte[n];
        src.get(copy);
        bytes.write(copy, 0, n);
      }
      return n;
    }

    @Override
    public void endStream() {
      ended = true;
    }

    @Override
    public void endStream(List<? extends Header> trailers) {
      ended = true;
    }
  }

  /** The application's consumer, told everything after ai-warden has seen it. */
  public static final class ObservingConsumer<T> implements AsyncResponseConsumer<T> {
    private final Object handle;
    private final AsyncResponseConsumer<T> delegate;
    private volatile ObservedBody body;
    private volatile boolean ended;

    ObservingConsumer(Object handle, AsyncResponseConsumer<T> delegate) {
      this.handle = handle;
      this.delegate = delegate;
    }

    @Override
    public void consumeResponse(
        HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<T> callback)
        throws HttpException, IOException {
      try {
        String type = entity == null ? null : entity.getContentType();
        ObservedBody b =
            new ObservedBody(
                handle,
                ObservedBody.isEventStream(type),
                response.getCode(),
                ApacheHttpClient5Adapter.headers(response.getHeaders(), null));
        body = b;
        if (entity == null) {
          end(null);
        }
      } catch (Throwable t) {
        Warden.hookError("apache5-async.consumer", t);
      }
      delegate.consumeResponse(response, entity, context, callback);
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context)
        throws HttpException, IOException {
      delegate.informationResponse(response, context);
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      delegate.updateCapacity(capacityChannel);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
      ObservedBody b = body;
      if (b != null) {
        try {
          int n = src.remaining();
          if (n > 0) {
            byte[] copy = new byte[n];
            src.duplicate().get(copy);
            b.tap(copy, 0, n);
          }
        } catch (Throwable t) {
          Warden.hookError("apache5-async.body", t);
        }
      }
      delegate.consume(src);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
      end(null);
      delegate.streamEnd(trailers);
    }

    @Override
    public void failed(Exception cause) {
      end(cause);
      delegate.failed(cause);
    }

    @Override
    public void releaseResources() {
      end(null); // cancelled or done: a no-op after the stream's end
      delegate.releaseResources();
    }

    void end(Throwable error) {
      if (ended) {
        return;
      }
      ended = true;
      ObservedBody b = body;
      if (b != null) {
        b.end(error);
      } else {
        Warden.failed(handle, error);
      }
    }
  }
}
