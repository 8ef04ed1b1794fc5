package dev.aiwarden.telemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The application's active span, when the application uses OpenTelemetry itself (its own SDK, or
 * the OpenTelemetry Java agent): ai-warden's span becomes its child, in the same trace.
 *
 * <p>The agent's OpenTelemetry is relocated ({@code dev.aiwarden.shaded.io.opentelemetry}), so
 * its {@code Context.current()} never sees the application's. This class reads the application's
 * <em>unrelocated</em> {@code io.opentelemetry.api.trace.Span.current()} on the calling thread,
 * through the thread's context class loader (else the system class loader), by reflection: trace
 * id, span id and flags, which then serve as a remote parent. The lookup is cached per class
 * loader (weakly: a redeployed application's loader can still be collected); a loader without the
 * API costs one map lookup per call. Any failure means "no parent", logged once.
 */
final class ApplicationSpan {
  /** {@code io.opentelemetry.api.trace.Span}, spelled so that shading does not relocate it. */
  static final String SPAN_CLASS = String.join(".", "io", "opentelemetry", "api", "trace", "Span");

  private static final Accessor NONE = new Accessor(null, null, null, null, null);
  private static final Map<ClassLoader, Accessor> BY_LOADER = new WeakHashMap<>();
  private static volatile Accessor systemAccessor;

  private ApplicationSpan() {}

  /** The application's current span context on this thread, or null when there is none. */
  static SpanContext current() {
    try {
      Accessor accessor = accessor(Thread.currentThread().getContextClassLoader());
      if (accessor == NONE) {
        accessor = accessor(ClassLoader.getSystemClassLoader());
      }
      return accessor.read();
    } catch (Throwable t) {
      AgentLog.errorOnce(
          "telemetry.applicationSpan", "ai-warden could not read the application's active span", t);
      return null;
    }
  }

  private static Accessor accessor(ClassLoader loader) {
    if (loader == null) {
      return NONE;
    }
    if (loader == ClassLoader.getSystemClassLoader()) {
      Accessor a = systemAccessor;
      if (a == null) {
        a = create(loader);
        systemAccessor = a;
      }
      return a;
    }
    synchronized (BY_LOADER) {
      Accessor a = BY_LOADER.get(loader);
      if (a == null) {
        a = create(loader);
        BY_LOADER.put(loader, a);
      }
      return a;
    }
  }

  private static Accessor create(ClassLoader loader) {
    Class<?> spanClass;
    try {
      spanClass = Class.forName(SPAN_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return NONE;
    }
    if (spanClass.getClassLoader() == ApplicationSpan.class.getClassLoader()
        && SpanContext.class.getName().equals(SPAN_CLASS + "Context")) {
      // Not shaded (unit tests): the application's API is our own, read it directly.
      return new Accessor(null, null, null, null, null) {
        @Override
        SpanContext read() {
          SpanContext c = io.opentelemetry.api.trace.Span.current().getSpanContext();
          return c.isValid() ? c : null;
        }
      };
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> contextClass = Class.forName(SPAN_CLASS + "Context", false, loader);
      Class<?> flagsClass = Class.forName(String.join(".", "io", "opentelemetry", "api", "trace", "TraceFlags"), false, loader);
      MethodHandle current = lookup.findStatic(spanClass, "current", MethodType.methodType(spanClass));
      MethodHandle getContext =
          lookup.findVirtual(spanClass, "getSpanContext", MethodType.methodType(contextClass));
      MethodHandle traceId =
          lookup.findVirtual(contextClass, "getTraceId", MethodType.methodType(String.class));
      MethodHandle spanId =
          lookup.findVirtual(contextClass, "getSpanId", MethodType.methodType(String.class));
      MethodHandle flags =
          lookup.findVirtual(contextClass, "getTraceFlags", MethodType.methodType(flagsClass));
      MethodHandle asByte = lookup.findVirtual(flagsClass, "asByte", MethodType.methodType(byte.class));
      return new Accessor(
          current.asType(MethodType.methodType(Object.class)),
          getContext.asType(MethodType.methodType(Object.class, Object.class)),
          traceId.asType(MethodType.methodType(String.class, Object.class)),
          spanId.asType(MethodType.methodType(String.class, Object.class)),
          MethodHandles.filterReturnValue(flags, asByte)
              .asType(MethodType.methodType(byte.class, Object.class)));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      AgentLog.errorOnce(
          "telemetry.applicationSpan.link",
          "ai-warden found the application's OpenTelemetry API but cannot read its spans;"
              + " AI call spans start their own traces",
          e);
      return NONE;
    }
  }

  /** Reads the active span of one class loader's OpenTelemetry API. */
  private static class Accessor {
    private final MethodHandle current;
    private final MethodHandle getContext;
    private final MethodHandle traceId;
    private final MethodHandle spanId;
    private final MethodHandle flags;

    Accessor(
        MethodHandle current,
        MethodHandle getContext,
        MethodHandle traceId,
        MethodHandle spanId,
        MethodHandle flags) {
      this.current = current;
      this.getContext = getContext;
      this.traceId = traceId;
      this.spanId = spanId;
      this.flags = flags;
    }

    SpanContext read() throws Throwable {
      if (current == null) {
        return null;
      }
      Object span = current.invokeExact();
      if (span == null) {
        return null;
      }
      Object context = (Object) getContext.invokeExact(span);
      if (context == null) {
        return null;
      }
      String trace = (String) traceId.invokeExact(context);
      String id = (String) spanId.invokeExact(context);
      byte f = (byte) flags.invokeExact(context);
      SpanContext parent =
          SpanContext.createFromRemoteParent(
              trace, id, TraceFlags.fromByte(f), TraceState.getDefault());
      return parent.isValid() ? parent : null;
    }
  }
}
