package dev.aiwarden.hook.okhttp;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenThread;
import dev.aiwarden.hook.ObservedBody;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.ByteString;
import okio.Okio;
import okio.Sink;
import okio.Source;
import okio.Timeout;

/**
 * Turns OkHttp's request and response into ai-warden's neutral exchange. Injected into the class
 * loader that loaded OkHttp; uses only OkHttp, JDK and {@link Warden} types. Never throws, except
 * that {@link #onRequest} returns (not throws) a {@link PolicyDeniedException} for the advice to
 * throw.
 */
public final class OkHttp4Adapter {
  /**
   * Largest response body read for inspection (a larger one is inspected in part), and largest
   * request body copied for inspection (a larger one is not inspected).
   */
  static final long MAX_INSPECTED_BODY = 16L * 1024 * 1024;

  /**
   * Largest response body (by Content-Length) read ahead of the application for inspection; a
   * longer one is inspected as the application reads it ({@link OkHttp4TappedBody}).
   */
  static final long MAX_PEEKED_BODY = 64 * 1024;

  /** Callers of enqueued AI calls, captured on the application thread. Removed when they run. */
  private static final ConcurrentHashMap<Object, Object> CALLERS = new ConcurrentHashMap<>();

  /**
   * In {@link #CALLERS} for an enqueued call an outer hook (azure-core) already handles: the
   * per-request form of {@link Warden#handledOutside()}, carried to the dispatcher thread.
   */
  private static final Object HANDLED_OUTSIDE = new Object();

  private OkHttp4Adapter() {}

  /**
   * Woven before {@code getResponseWithInterceptorChain}: the call's handle (null when not an AI
   * call); a denial is thrown to the caller, and the chain never runs.
   */
  public static Object enterChain(Object call) throws PolicyDeniedException {
    Object handle = onRequest(call);
    if (handle instanceof PolicyDeniedException) {
      throw ended(call, (PolicyDeniedException) handle);
    }
    return handle;
  }

  private static final String OKHTTP4_REAL_CALL = "okhttp3.internal.connection.RealCall";
  private static final String OKHTTP3_REAL_CALL = "okhttp3.RealCall";

  /**
   * OkHttp 3.14's way to end a call, {@code RealCall.transmitter} and {@code
   * Transmitter.noMoreExchanges(IOException)}, resolved by reflection on the first denial (this
   * adapter is compiled against 4.x); empty where the 3.x in this loader has none.
   */
  private static volatile Object[] okHttp3Ending;

  /**
   * A denied call ends before OkHttp's own try/finally in {@code getResponseWithInterceptorChain},
   * so the call is ended here as that finally would have: its call timeout stops (else okio's
   * watchdog keeps the call, its client and request until the timeout, 10 minutes with
   * openai-java: memory that grows with every denial), and event listeners hear of the failure
   * ({@code callFailed}). OkHttp 4.x and 5.x: {@code RealCall.noMoreExchanges}; 3.14: {@code
   * transmitter.noMoreExchanges}. OkHttp 3.x before 3.14 ends a failed call in {@code execute()}
   * and {@code AsyncCall} themselves, which the denial reaches. In all of them, {@code execute()}
   * and {@code AsyncCall} then release the call from the dispatcher and, for an enqueued call,
   * hand the denial to the callback's {@code onFailure}.
   */
  private static PolicyDeniedException ended(Object call, PolicyDeniedException denial) {
    try {
      String type = call.getClass().getName();
      if (type.equals(OKHTTP4_REAL_CALL)) {
        ((okhttp3.internal.connection.RealCall) call).noMoreExchanges$okhttp(denial);
      } else if (type.equals(OKHTTP3_REAL_CALL)) {
        Object[] ending = okHttp3Ending;
        if (ending == null) {
          ending = okHttp3Ending(call.getClass());
          okHttp3Ending = ending;
        }
        if (ending.length == 2) {
          Object transmitter = ((Field) ending[0]).get(call);
          ((Method) ending[1]).invoke(transmitter, denial);
        }
      }
    } catch (Throwable t) {
      Warden.hookError("okhttp.denied", t);
    }
    return denial;
  }

  /** {@link #okHttp3Ending} for this {@code okhttp3.RealCall}: the field and method, or none. */
  private static Object[] okHttp3Ending(Class<?> realCall) {
    try {
      Field transmitter = realCall.getDeclaredField("transmitter");
      Method noMoreExchanges = transmitter.getType().getMethod("noMoreExchanges", IOException.class);
      transmitter.setAccessible(true);
      return new Object[] {transmitter, noMoreExchanges};
    } catch (NoSuchFieldException | NoSuchMethodException before314) {
      return new Object[0];
    } catch (Throwable t) {
      Warden.hookError("okhttp3.denied", t);
      return new Object[0];
    }
  }

  /** Woven before the chain returns: the response the application gets. Never throws. */
  public static Response exitChain(Object handle, Response response) {
    if (handle == null) {
      return response;
    }
    try {
      return (Response) onResponse(handle, response, null);
    } catch (Throwable t) {
      Warden.hookError("okhttp.response", t);
      return response;
    }
  }

  /** Woven where the chain throws: ends the call, returns what to throw. Never throws. */
  public static Throwable chainThrown(Object handle, Throwable thrown) {
    if (handle != null) {
      Warden.failed(handle, thrown);
    }
    return thrown;
  }

  public static void onEnqueue(Object call) {
    try {
      HttpUrl url = ((Call) call).request().url();
      String text = url.toString();
      if (mayBeAiPath(text) && isAiCall(url, text)) {
        if (Warden.handledOutside()) {
          CALLERS.put(call, HANDLED_OUTSIDE);
          return;
        }
        Object caller = Warden.captureCaller();
        if (caller != null) {
          CALLERS.put(call, caller);
        }
      }
    } catch (Throwable t) {
      Warden.hookError("okhttp.enqueue", t);
    }
  }

  /** Returns the call handle, a {@link PolicyDeniedException}, or null when not an AI call. */
  public static Object onRequest(Object call) {
    Object caller = CALLERS.isEmpty() ? null : CALLERS.remove(call);
    if (caller == HANDLED_OUTSIDE) {
      return null;
    }
    try {
      Request request = ((Call) call).request();
      HttpUrl url = request.url();
      String text = url.toString(); // OkHttp keeps it: no string made
      if (!mayBeAiPath(text)) {
        return null;
      }
      int pathStart = pathStart(url, text);
      int pathEnd = pathEnd(text, pathStart);
      if (!Warden.isAiCall(url.host(), url.port(), text, pathStart, pathEnd)
          || Warden.handledOutside()) {
        return null;
      }
      if (caller == null) {
        // openai-java's RetryingHttpClient.execute may have found this request's caller already,
        // nearer to the application (OpenAiJavaAdapter): else the core walks from here.
        caller = Warden.keptCaller(url.host(), url.port(), text, pathStart, pathEnd);
      }
      RequestBody body = request.body();
      return Warden.requestStarting(
          "okhttp",
          request.method(),
          text,
          url.host(),
          url.port(),
          pathStart,
          pathEnd,
          headers(request.headers(), body == null ? null : body.contentType()),
          bodyBytes(body),
          caller);
    } catch (PolicyDeniedException denied) {
      return denied;
    } catch (Throwable t) {
      Warden.hookError("okhttp.request", t);
      return null;
    }
  }

  public static Object onResponse(Object handle, Object okResponse, Throwable thrown) {
    Response response = (Response) okResponse;
    if (thrown != null || response == null) {
      Warden.failed(handle, thrown);
      return response;
    }
    try {
      ResponseBody body = response.body();
      String contentType = response.header("Content-Type");
      String[] headers = headers(response.headers(), null);
      if (body != null && isEventStream(contentType)) {
        // Marks the stream started, then sees its events as the application reads them.
        ObservedBody observed = new ObservedBody(handle, true, response.code(), headers);
        return response.newBuilder().body(new OkHttp4TappedBody(body, observed)).build();
      }
      boolean json = body != null && isJson(contentType);
      if (json && body.contentLength() > MAX_PEEKED_BODY) {
        // A large body is seen as the application reads it, copied once into the inspection
        // buffer: peeking would first buffer all of it in okio segments (a second copy). The call
        // ends when the body has been read or closed.
        ObservedBody observed = new ObservedBody(handle, false, response.code(), headers);
        return response.newBuilder().body(new OkHttp4TappedBody(body, observed)).build();
      }
      if (!json) {
        Warden.responseReceived(handle, response.code(), headers, null);
        return response;
      }
      long length;
      try {
        length = buffered(body);
      } catch (java.io.IOException unreadable) {
        // The body broke off (the server closed the connection mid-body): the application sees
        // the same exception when it reads what peekBody buffered, so the call failed.
        Warden.failed(handle, unreadable);
        return response;
      }
      if (length > SPARE_SIZE) {
        byte[] bytes = new byte[(int) length];
        copy(body, bytes, length);
        Warden.responseReceived(handle, response.code(), headers, bytes);
        return response;
      }
      // A small body (most are): copied into this thread's spare array, which ai-warden only reads
      // while it is called, and cleared after. Taken out while in use, so a nested call (none is
      // expected) would get its own.
      WardenThread thread = WardenThread.current();
      byte[] spare = thread.responseSpare;
      thread.responseSpare = null;
      if (spare == null) {
        spare = new byte[SPARE_SIZE];
      }
      try {
        copy(body, spare, length);
        Warden.responseReceived(handle, response.code(), headers, spare, 0, (int) length);
      } finally {
        Arrays.fill(spare, 0, (int) length, (byte) 0); // no response text stays behind
        thread.responseSpare = spare;
      }
      return response;
    } catch (Throwable t) {
      Warden.hookError("okhttp.response", t);
      Warden.failed(handle, t);
      return response;
    }
  }

  /**
   * False when the URL's path cannot be an AI operation: every operation path ends in {@code s}
   * ({@code /chat/completions}, {@code /embeddings}, ...) or {@code /audio/speech}, before any query
   * or fragment and one trailing {@code /}. Reads {@link HttpUrl#toString()}, which OkHttp keeps, so
   * a call that is not an AI call costs a scan of its URL and allocates nothing.
   */
  /** Whether the request to {@code url} (whose text is {@code text}) is an AI call. */
  private static boolean isAiCall(HttpUrl url, String text) {
    int pathStart = pathStart(url, text);
    return Warden.isAiCall(url.host(), url.port(), text, pathStart, pathEnd(text, pathStart));
  }

  /**
   * Where {@link HttpUrl#encodedPath()} starts in the URL's text: as OkHttp finds it, the first
   * {@code /} after {@code scheme://}. The path is {@code text[pathStart, pathEnd)}, the same
   * characters {@code encodedPath()} copies into a new string on every call.
   */
  static int pathStart(HttpUrl url, String text) {
    return text.indexOf('/', url.scheme().length() + 3);
  }

  /** Where the path that starts at {@code pathStart} ends: at {@code ?}, {@code #} or the end. */
  static int pathEnd(String text, int pathStart) {
    int end = text.length();
    for (int i = Math.max(pathStart, 0); i < end; i++) {
      char c = text.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return end;
  }

  static boolean mayBeAiPath(String url) {
    int end = url.length();
    for (int i = 0; i < end; i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    if (end > 1 && url.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    char last = url.charAt(end - 1);
    return last == 's' || last == 'h';
  }

  /**
   * The headers ai-warden reads ({@link ObservedBody#isInspectedHeader}), flattened in their order,
   * then the body's {@code Content-Type}: openai-java sends some twenty headers, of which the core
   * reads two or three.
   */
  static String[] headers(Headers headers, MediaType bodyType) {
    int n = headers.size();
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (ObservedBody.isInspectedHeader(headers.name(i))) {
        kept++;
      }
    }
    String[] flat = new String[(kept + (bodyType == null ? 0 : 1)) * 2];
    int at = 0;
    for (int i = 0; i < n && at < 2 * kept; i++) {
      String name = headers.name(i);
      if (ObservedBody.isInspectedHeader(name)) {
        flat[at++] = name;
        flat[at++] = headers.value(i);
      }
    }
    if (bodyType != null) {
      flat[at++] = "Content-Type";
      flat[at] = bodyType.toString();
    }
    return flat;
  }

  /**
   * The request body's bytes, written into a private buffer: the body itself is not consumed. A
   * body longer than {@link #MAX_INSPECTED_BODY} is not copied at all (null: not inspected).
   */
  static byte[] bodyBytes(RequestBody body) throws java.io.IOException {
    if (body == null || body.contentLength() > MAX_INSPECTED_BODY) {
      return null;
    }
    try {
      if (body.isOneShot() || body.isDuplex()) {
        return null;
      }
    } catch (NoSuchMethodError olderThan314) {
      // OkHttp 3.x before 3.14 has neither; its bodies are replayable unless the app says not.
    }
    // One copy: the body writes straight into an array sized from contentLength. (Through
    // Okio.buffer, a body written in one piece, like openai-java's, would first be copied whole
    // into okio segments: a second copy of a large body.)
    ArraySink sink = new ArraySink(body.contentLength());
    try {
      try {
        body.writeTo(sink);
      } catch (AbstractMethodError olderOkio) {
        // An okio whose BufferedSink has a method this class lacks: through okio's own buffer.
        sink = new ArraySink(body.contentLength());
        BufferedSink buffered = Okio.buffer((Sink) sink);
        body.writeTo(buffered);
        buffered.flush();
      }
      sink.flush();
    } catch (java.io.IOException e) {
      if (sink.overLimit) {
        return null; // a body of unknown length that turned out too long: not inspected
      }
      throw e;
    }
    return sink.bytes();
  }

  /**
   * Up to {@link #MAX_INSPECTED_BODY} bytes of the response body, copied once into an array sized
   * from its length (for tests; the response side uses {@link #buffered} and {@link #copy}).
   */
  static byte[] peek(ResponseBody body) throws java.io.IOException {
    long length = buffered(body);
    byte[] bytes = new byte[(int) length];
    copy(body, bytes, length);
    return bytes;
  }

  /**
   * Buffers up to {@link #MAX_INSPECTED_BODY} bytes of the response body in its own source, where
   * the application then reads them; returns how many there are.
   */
  static long buffered(ResponseBody body) throws java.io.IOException {
    BufferedSource source = body.source();
    long length = body.contentLength();
    if (length < 0 || length > MAX_INSPECTED_BODY) {
      source.request(MAX_INSPECTED_BODY);
      length = Math.min(source.buffer().size(), MAX_INSPECTED_BODY);
    } else if (!source.request(length)) {
      length = source.buffer().size(); // shorter than announced: what there is
    }
    return length;
  }

  /**
   * Copies the first {@code length} buffered bytes out of the body's segments into {@code into},
   * without sharing the segments (a peek would share them, and a shared segment never returns to
   * okio's pool, costing a new 8 KiB segment per call) and without consuming them.
   */
  static void copy(ResponseBody body, byte[] into, long length) throws java.io.IOException {
    body.source().buffer().copyTo(new ArrayOut(into), 0, length);
  }

  /**
   * Largest response body copied into the per-thread spare array ({@link
   * WardenThread#responseSpare}: a byte array, pinning no class loader; holds zeros between calls).
   */
  static final int SPARE_SIZE = 8192;

  /** An output stream into one array of a known size. */
  static final class ArrayOut extends java.io.OutputStream {
    final byte[] bytes;
    private int size;

    ArrayOut(byte[] into) {
      this.bytes = into;
    }

    @Override
    public void write(int b) {
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  }

  /**
   * A {@link BufferedSink} into one array, presized when the length is known; grows otherwise, up
   * to {@link #MAX_INSPECTED_BODY}: past it the write fails and {@link #overLimit} is set. Arrays,
   * byte strings and output-stream writes go straight into the array; every other write goes
   * through a small okio {@link Buffer} that is drained into the array at once.
   */
  static final class ArraySink implements BufferedSink {
    private final long expected;
    private byte[] bytes; // made at the first copy
    private int size;
    /**
     * The body's own array, when the body was written as one whole array of its announced length
     * (openai-java writes its cached JSON so, {@code RequestBody.create(byte[])} its content):
     * kept, not copied. It is only read, and only before the request is sent.
     */
    private byte[] whole;
    private Buffer pending;
    private OutputStream out;
    boolean overLimit;

    ArraySink(long expected) {
      this.expected = expected;
    }

    /** Room for {@code n} more bytes; throws (and sets {@link #overLimit}) past the limit. */
    private void ensure(long n) throws java.io.IOException {
      if (bytes == null) {
        bytes = new byte[expected >= 0 && expected <= MAX_INSPECTED_BODY ? (int) expected : 8192];
      }
      if (whole != null) {
        System.arraycopy(whole, 0, bytes, 0, size); // a second write after a whole one: copy after all
        whole = null;
      }
      long need = size + n;
      if (need > bytes.length) {
        if (need > MAX_INSPECTED_BODY) {
          overLimit = true;
          throw new java.io.IOException("request body too large to inspect");
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_INSPECTED_BODY, Math.max(need, 2L * bytes.length)));
      }
    }

    /** Moves what went through {@link #pending} into the array, in order. */
    private ArraySink drain() throws java.io.IOException {
      Buffer b = pending;
      if (b != null && b.size() > 0) {
        write(b, b.size());
      }
      return this;
    }

    @Override
    public void write(Buffer source, long byteCount) throws java.io.IOException {
      ensure(byteCount);
      while (byteCount > 0) {
        int n = source.read(bytes, size, (int) byteCount);
        if (n < 0) {
          throw new java.io.EOFException();
        }
        size += n;
        byteCount -= n;
      }
    }

    @Override
    public BufferedSink write(byte[] source, int offset, int byteCount) throws java.io.IOException {
      drain();
      if (size == 0 && bytes == null && offset == 0 && byteCount == source.length
          && byteCount == expected) {
        whole = source;
        size = byteCount;
        return this;
      }
      ensure(byteCount);
      System.arraycopy(source, offset, bytes, size, byteCount);
      size += byteCount;
      return this;
    }

    @Override
    public BufferedSink write(byte[] source) throws java.io.IOException {
      return write(source, 0, source.length);
    }

    @Override
    public int write(ByteBuffer source) throws java.io.IOException {
      drain();
      int n = source.remaining();
      ensure(n);
      source.get(bytes, size, n);
      size += n;
      return n;
    }

    @Override
    public BufferedSink write(ByteString byteString) throws java.io.IOException {
      drain();
      byteString.write(outputStream());
      return this;
    }

    @Override
    public OutputStream outputStream() {
      if (out == null) {
        out = new Out(this);
      }
      return out;
    }

    /** {@link #outputStream()}: straight into the array. */
    static final class Out extends OutputStream {
      private final ArraySink sink;

      Out(ArraySink sink) {
        this.sink = sink;
      }

      @Override
      public void write(int b) throws java.io.IOException {
        sink.writeByte(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        sink.write(b, off, len);
      }
    }

    @Override
    public Buffer buffer() {
      if (pending == null) {
        pending = new Buffer();
      }
      return pending;
    }

    @Override
    public Buffer getBuffer() {
      return buffer();
    }

    @Override
    public BufferedSink write(ByteString byteString, int offset, int byteCount) throws java.io.IOException {
      buffer().write(byteString, offset, byteCount);
      return drain();
    }

    @Override
    public long writeAll(Source source) throws java.io.IOException {
      long total = 0;
      for (long n; (n = source.read(buffer(), 8192)) != -1; ) {
        total += n;
        drain();
      }
      return total;
    }

    @Override
    public BufferedSink write(Source source, long byteCount) throws java.io.IOException {
      buffer().write(source, byteCount);
      return drain();
    }

    @Override
    public BufferedSink writeUtf8(String string) throws java.io.IOException {
      buffer().writeUtf8(string);
      return drain();
    }

    @Override
    public BufferedSink writeUtf8(String string, int beginIndex, int endIndex) throws java.io.IOException {
      buffer().writeUtf8(string, beginIndex, endIndex);
      return drain();
    }

    @Override
    public BufferedSink writeUtf8CodePoint(int codePoint) throws java.io.IOException {
      buffer().writeUtf8CodePoint(codePoint);
      return drain();
    }

    @Override
    public BufferedSink writeString(String string, Charset charset) throws java.io.IOException {
      buffer().writeString(string, charset);
      return drain();
    }

    @Override
    public BufferedSink writeString(String string, int beginIndex, int endIndex, Charset charset)
        throws java.io.IOException {
      buffer().writeString(string, beginIndex, endIndex, charset);
      return drain();
    }

    @Override
    public BufferedSink writeByte(int b) throws java.io.IOException {
      drain();
      ensure(1);
      bytes[size++] = (byte) b;
      return this;
    }

    @Override
    public BufferedSink writeShort(int s) throws java.io.IOException {
      buffer().writeShort(s);
      return drain();
    }

    @Override
    public BufferedSink writeShortLe(int s) throws java.io.IOException {
      buffer().writeShortLe(s);
      return drain();
    }

    @Override
    public BufferedSink writeInt(int i) throws java.io.IOException {
      buffer().writeInt(i);
      return drain();
    }

    @Override
    public BufferedSink writeIntLe(int i) throws java.io.IOException {
      buffer().writeIntLe(i);
      return drain();
    }

    @Override
    public BufferedSink writeLong(long v) throws java.io.IOException {
      buffer().writeLong(v);
      return drain();
    }

    @Override
    public BufferedSink writeLongLe(long v) throws java.io.IOException {
      buffer().writeLongLe(v);
      return drain();
    }

    @Override
    public BufferedSink writeDecimalLong(long v) throws java.io.IOException {
      buffer().writeDecimalLong(v);
      return drain();
    }

    @Override
    public BufferedSink writeHexadecimalUnsignedLong(long v) throws java.io.IOException {
      buffer().writeHexadecimalUnsignedLong(v);
      return drain();
    }

    @Override
    public BufferedSink emit() throws java.io.IOException {
      return drain();
    }

    @Override
    public BufferedSink emitCompleteSegments() throws java.io.IOException {
      return drain();
    }

    @Override
    public void flush() throws java.io.IOException {
      drain();
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() throws java.io.IOException {
      drain();
    }

    byte[] bytes() {
      if (whole != null) {
        return whole;
      }
      if (bytes == null) {
        return new byte[0];
      }
      return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  private static boolean isJson(String contentType) {
    return contentType == null || contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
  }
}
