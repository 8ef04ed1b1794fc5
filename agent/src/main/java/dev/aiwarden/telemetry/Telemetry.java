package dev.aiwarden.telemetry;

import dev.aiwarden.config.AgentConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns the agent's OpenTelemetry SDK (relocated in the agent jar, so it is never the
 * application's own SDK or its {@code GlobalOpenTelemetry}).
 *
 * <p>The SDK is built lazily: {@link #warmUp} starts building it on a daemon thread when the first
 * hooked library class loads; {@link #get} returns it, waiting for the build if it is still
 * running (at most {@value #BUILD_WAIT_MILLIS} ms). A build that fails leaves a no-op instance
 * (logged once); nothing here throws.
 *
 * <p>Configuration is OpenTelemetry autoconfigure's: every standard {@code otel.*} system property
 * and {@code OTEL_*} environment variable works. ai-warden changes only defaults, which the user's
 * own settings override: the traces, metrics and logs exporters default to {@code none} (no
 * exporter configured: nothing is sent anywhere), {@code otel.service.name} defaults to the
 * application's main class or jar name, and OTLP goes over HTTP ({@code http/protobuf}, JDK
 * HttpClient sender; {@code grpc} uses the relocated OkHttp gRPC sender). {@code zipkin} is served by a JDK
 * HttpClient sender ({@link ZipkinExporterProvider}). {@code otel.*} agent arguments, {@code
 * aiwarden.otel.*} properties and {@code AIWARDEN_OTEL_*} variables apply to ai-warden alone and
 * win. The {@code traces.file} setting adds an OTLP/JSON-lines file exporter next to whatever
 * exporter is configured. Spans are exported off the calling thread by {@link
 * BoundedSpanProcessor} (bounded queue, drops counted); the metrics are {@link CallMetrics}; a
 * span's parent is the application's active span ({@link ApplicationSpan}); exporter threads are
 * marked {@code Warden.suppressed()} ({@link ExportThreads}). A JVM shutdown hook flushes and shuts the SDK down, bounded
 * to 5 s. The resource carries what the OpenTelemetry resource detectors find (host, OS, process,
 * container), without the process command line, which can hold a key. The building is in {@link
 * SdkFactory}; this class stays cheap to load, so premain may call {@link #configure}.
 */
public final class Telemetry {
  /** The instrumentation scope name of every span. */
  public static final String SCOPE_NAME = "ai-warden";

  /** How long {@link #get} waits for a build in progress before answering with a no-op. */
  static final long BUILD_WAIT_MILLIS = 5_000;

  /** The no-op instance, created on first need (keeps premain's {@link #configure} cheap). */
  private static final class Noop {
    static final Telemetry INSTANCE = new Telemetry(OpenTelemetry.noop(), null, null, null);
  }

  private static final Object LOCK = new Object();
  private static volatile CompletableFuture<Telemetry> building;
  private static volatile Telemetry current;
  private static final AtomicBoolean slowBuildLogged = new AtomicBoolean();

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final ConfigProperties otelConfig;
  private final Path tracesFile;
  private final Tracer tracer;
  private final CallTelemetry calls;
  /** Null for the no-op instance. */
  private final CallMetrics metrics;

  Telemetry(
      OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, ConfigProperties otelConfig, Path tracesFile) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.otelConfig = otelConfig;
    this.tracesFile = tracesFile;
    TracerBuilder builder = openTelemetry.getTracerProvider().tracerBuilder(SCOPE_NAME);
    String version = agentVersion();
    if (version != null) {
      builder.setInstrumentationVersion(version);
    }
    this.tracer = builder.build();
    this.metrics = sdk == null ? null : new CallMetrics(openTelemetry.getMeterProvider());
    // Spans and metrics nobody can receive are not built: with the default exporters (none) and
    // no traces.file, a call costs its log line, not a span.
    boolean spans = sdk != null && (tracesFile != null || exports(otelConfig, "otel.traces.exporter"));
    boolean callMetrics = sdk != null && exports(otelConfig, "otel.metrics.exporter");
    this.calls = new CallTelemetry(spans ? tracer : null, callMetrics ? metrics : null);
  }

  /**
   * Whether the configured {@code otel.*.exporter} list sends anywhere: not when every entry is
   * {@code none}; an empty list is autoconfigure's default ({@code otlp}); an unknown
   * configuration (a test SDK) counts as exporting.
   */
  static boolean exports(ConfigProperties config, String property) {
    if (config == null) {
      return true;
    }
    List<String> names = config.getList(property);
    if (names.isEmpty()) {
      return true;
    }
    for (String name : names) {
      if (!"none".equalsIgnoreCase(name.trim())) {
        return true;
      }
    }
    return false;
  }

  // --- Life cycle -----------------------------------------------------------------------------

  private static volatile AgentConfig configured;

  /**
   * Stores the agent's settings for the later build; cheap (nothing starts), so premain may call
   * it. First call wins.
   */
  public static void configure(AgentConfig config) {
    if (config != null && configured == null) {
      configured = config;
    }
    AgentLog.configure(config);
  }

  /** {@link #warmUp(AgentConfig)} with the settings given to {@link #configure}. */
  public static void warmUp() {
    warmUp(configured);
  }

  /** The call recorder of {@link #get()}: {@code Telemetry::calls} is a {@code Supplier<CallTelemetry>}. */
  public static CallTelemetry calls() {
    return get().callTelemetry();
  }

  /**
   * Starts building the SDK on a daemon thread, once; later calls do nothing. Called when the first
   * hooked library class loads, never from premain. Never throws.
   *
   * @param config the agent's settings (null: those given to {@link #configure}, else read from
   *     system properties and environment)
   */
  public static void warmUp(AgentConfig config) {
    if (building != null || current != null) {
      return;
    }
    try {
      CompletableFuture<Telemetry> future;
      synchronized (LOCK) {
        if (building != null || current != null) {
          return;
        }
        future = new CompletableFuture<>();
        building = future;
      }
      AgentConfig settings =
          config != null ? config : configured != null ? configured : AgentConfig.fromJvm(null);
      AgentLog.configure(settings);
      if (exportsNothing(settings)) {
        // No exporter and no traces.file: an SDK would record spans that go nowhere, and its
        // build (autoconfigure, resource detectors: ~300 classes, ~0.5 s of CPU) would only slow
        // the application's start. Every call still gets its log line.
        AgentLog.get(Telemetry.class)
            .info(
                "ai-warden {} recording AI calls: no exporter configured (otel.traces.exporter,"
                    + " otel.metrics.exporter and otel.logs.exporter are none, no traces.file),"
                    + " so calls are logged and no OpenTelemetry SDK is started",
                agentVersion() == null ? "(dev)" : agentVersion());
        current = Noop.INSTANCE;
        future.complete(Noop.INSTANCE);
        return;
      }
      Runnable task =
          () -> {
            Telemetry t = SdkFactory.buildOrNoop(settings);
            current = t;
            future.complete(t);
          };
      try {
        Thread thread = new Thread(task, "ai-warden-telemetry-init");
        thread.setDaemon(true);
        thread.setContextClassLoader(Telemetry.class.getClassLoader());
        thread.start();
      } catch (Throwable cannotStart) {
        task.run();
      }
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.warmUp", "ai-warden could not start its telemetry", t);
    }
  }

  /** The signals that have exporters; ai-warden's default for each is {@code none}. */
  private static final String[] EXPORTER_KEYS = {
    "otel.traces.exporter", "otel.metrics.exporter", "otel.logs.exporter"
  };

  /**
   * True when the SDK autoconfigure would build exports nothing: no {@code traces.file}, no
   * declarative config file, and each of {@link #EXPORTER_KEYS} resolves (ai-warden's own {@code
   * otel.*} settings, then system properties, then environment variables, then ai-warden's
   * default) to exactly {@code none}. Any other value, even a blank one, builds the SDK.
   */
  static boolean exportsNothing(AgentConfig config) {
    return exportsNothing(config, System.getProperties(), System.getenv());
  }

  static boolean exportsNothing(
      AgentConfig config, java.util.Properties properties, java.util.Map<String, String> env) {
    if (config.get(AgentConfig.TRACES_FILE) != null) {
      return false;
    }
    java.util.Map<String, String> own = config.withPrefix("otel.");
    java.util.Map<String, String> settings = new java.util.HashMap<>();
    // autoconfigure's normalisation: lower case, '-' and '_' read as '.'
    for (java.util.Map.Entry<String, String> e : env.entrySet()) {
      settings.put(normalised(e.getKey()), e.getValue());
    }
    for (String name : properties.stringPropertyNames()) {
      settings.put(normalised(name), properties.getProperty(name));
    }
    for (java.util.Map.Entry<String, String> e : own.entrySet()) {
      settings.put(normalised(e.getKey()), e.getValue());
    }
    if (settings.containsKey("otel.config.file")
        || settings.containsKey("otel.experimental.config.file")) {
      return false;
    }
    for (String key : EXPORTER_KEYS) {
      String value = settings.get(key);
      if (value != null && !"none".equals(value.trim().toLowerCase(java.util.Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  private static String normalised(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replace('-', '.').replace('_', '.');
  }

  /**
   * The agent's telemetry: the built SDK, or a no-op when the build failed or is still running
   * after {@value #BUILD_WAIT_MILLIS} ms. Starts the build (with the settings given to {@link
   * #configure}, else from system properties and environment) when {@link #warmUp} was never
   * called. Never throws.
   */
  public static Telemetry get() {
    Telemetry t = current;
    if (t != null) {
      return t;
    }
    try {
      CompletableFuture<Telemetry> future = building;
      if (future == null) {
        warmUp(null);
        future = building;
        if (future == null) {
          t = current;
          return t != null ? t : Noop.INSTANCE;
        }
      }
      return future.get(BUILD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (slowBuildLogged.compareAndSet(false, true)) {
        AgentLog.get(Telemetry.class)
            .warn(
                "ai-warden telemetry is still starting after {} ms; calls until it is ready are"
                    + " logged but get no span",
                BUILD_WAIT_MILLIS);
      }
      return Noop.INSTANCE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Noop.INSTANCE;
    } catch (Throwable e) {
      return Noop.INSTANCE;
    }
  }

  /** A Telemetry over a given SDK (tests: e.g. one with an {@code InMemorySpanExporter}). */
  public static Telemetry forTesting(OpenTelemetrySdk sdk) {
    return new Telemetry(sdk, sdk, null, null);
  }

  /** Makes {@link #get} return {@code telemetry} (tests of other packages); null resets. */
  public static void installForTesting(Telemetry telemetry) {
    synchronized (LOCK) {
      current = telemetry;
      building = telemetry == null ? null : CompletableFuture.completedFuture(telemetry);
    }
  }

  /** The no-op instance: records nothing, still logs one line per call. */
  public static Telemetry noop() {
    return Noop.INSTANCE;
  }

  // --- Instance -------------------------------------------------------------------------------

  /** Records AI calls as spans (and one log line each). */
  public CallTelemetry callTelemetry() {
    return calls;
  }

  /** The tracer of scope {@value #SCOPE_NAME}. */
  public Tracer tracer() {
    return tracer;
  }

  /** The OpenTelemetry instance (the agent's own, never the application's). */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** True for the no-op instance. */
  public boolean isNoop() {
    return sdk == null;
  }

  /** Exports what has ended so far; true when done within the time given. */
  public boolean flush(long timeout, TimeUnit unit) {
    if (sdk == null) {
      return true;
    }
    try {
      return sdk.getSdkTracerProvider().forceFlush().join(timeout, unit).isSuccess();
    } catch (Throwable t) {
      AgentLog.errorOnce("telemetry.flush", "ai-warden could not flush its spans", t);
      return false;
    }
  }

  /** Flushes and shuts the SDK down, waiting at most {@code millis}. */
  boolean shutdown(long millis) {
    if (sdk == null) {
      return true;
    }
    try {
      return sdk.shutdown().join(millis, TimeUnit.MILLISECONDS).isSuccess();
    } catch (Throwable t) {
      return false;
    }
  }

  /** The configuration autoconfigure resolved (null unless built by {@link SdkFactory#build}). */
  ConfigProperties otelConfig() {
    return otelConfig;
  }

  /** The agent's metric instruments, or null for the no-op instance. */
  CallMetrics metrics() {
    return metrics;
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  Path tracesFile() {
    return tracesFile;
  }

  /** The agent's version from its jar manifest, or null when not running from the jar. */
  static String agentVersion() {
    Package p = Telemetry.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null || v.isEmpty() ? null : v;
  }
}
