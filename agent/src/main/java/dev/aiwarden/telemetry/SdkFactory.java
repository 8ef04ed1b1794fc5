package dev.aiwarden.telemetry;

import dev.aiwarden.config.AgentConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the agent's OpenTelemetry SDK with autoconfigure (see {@link Telemetry} for what it does).
 * Apart from {@link Telemetry} so that loading that class in premain loads none of this.
 */
final class SdkFactory {
  /** Upper bound of the flush and shutdown done by the JVM shutdown hook. */
  static final long SHUTDOWN_MILLIS = 5_000;
  /** Batch delay of the traces.file exporter: spans leave the calling thread, and soon. */
  static final long FILE_SCHEDULE_DELAY_MILLIS = 200;

  /** Resource attributes dropped: a JVM command line can carry a key ({@code -Dopenai.key=...}). */
  static final List<AttributeKey<?>> DROPPED_RESOURCE_KEYS =
      Collections.unmodifiableList(
          Arrays.asList(
              AttributeKey.stringKey("process.command_line"),
              AttributeKey.stringArrayKey("process.command_args"),
              AttributeKey.stringKey("process.command")));

  private SdkFactory() {}

  /** Builds the SDK from the agent's settings, or answers the no-op (logged once) when that fails. */
  static Telemetry buildOrNoop(AgentConfig config) {
    try {
      return build(config, ownOtelSettings(config), true);
    } catch (Throwable t) {
      // Most likely a setting: say which (OpenTelemetry's messages name the property at fault).
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      AgentLog.errorOnce(
          "telemetry.build",
          "ai-warden could not start OpenTelemetry, calls get no spans ("
              + (root.getMessage() == null ? root.getClass().getName() : root.getMessage())
              + ")",
          t);
      return Telemetry.noop();
    }
  }

  /**
   * Builds the SDK with autoconfigure.
   *
   * @param config the agent's settings ({@code traces.file})
   * @param overrides {@code otel.*} properties that win over everything, even the user's (tests)
   * @param shutdownHook whether to register the JVM shutdown hook
   */
  static Telemetry build(AgentConfig config, Map<String, String> overrides, boolean shutdownHook) {
    long started = System.nanoTime();
    AgentLog.configure(config);
    AgentLog.captureJul(openTelemetryLoggerName());

    final TracesFileExporter opened = openTracesFile(config.get(AgentConfig.TRACES_FILE));
    // Bound once the SDK exists: the span processors count their drops into it.
    AtomicReference<CallMetrics> metrics = new AtomicReference<>();
    AtomicBoolean exportersReleased = new AtomicBoolean();
    AtomicReference<ConfigProperties> resolved = new AtomicReference<>();

    AutoConfiguredOpenTelemetrySdkBuilder builder =
        AutoConfiguredOpenTelemetrySdk.builder()
            // not setResultAsGlobal(): the application's GlobalOpenTelemetry is never touched
            .setComponentLoader(new AgentComponentLoader())
            .disableShutdownHook()
            .addPropertiesSupplier(SdkFactory::defaultProperties);
    if (overrides != null && !overrides.isEmpty()) {
      Map<String, String> copy = new HashMap<>(overrides);
      builder.addPropertiesCustomizer(c -> copy);
    }
    builder
        .addPropertiesCustomizer(SdkFactory::serviceNameDefault)
        .addResourceCustomizer((resource, c) -> withoutCommandLine(resource))
        .addSpanExporterCustomizer((exporter, c) -> ExporterSetup.span(exporter, c, exportersReleased))
        .addMetricExporterCustomizer((exporter, c) -> ExporterSetup.metric(exporter, c))
        .addSpanProcessorCustomizer(
            (processor, c) -> replaceBatchProcessor(processor, c, exportersReleased, metrics))
        .addTracerProviderCustomizer(
            (tracerProvider, c) -> {
              resolved.set(c);
              if (opened != null) {
                tracerProvider.addSpanProcessor(
                    new BoundedSpanProcessor(
                        opened,
                        BoundedSpanProcessor.DEFAULT_MAX_QUEUE,
                        BoundedSpanProcessor.DEFAULT_MAX_BATCH,
                        Duration.ofMillis(FILE_SCHEDULE_DELAY_MILLIS),
                        BoundedSpanProcessor.DEFAULT_EXPORT_TIMEOUT,
                        metrics,
                        "traces.file"));
              }
              return tracerProvider;
            });

    OpenTelemetrySdk sdk;
    try {
      sdk = builder.build().getOpenTelemetrySdk();
    } catch (RuntimeException | Error e) {
      if (opened != null) {
        opened.shutdown();
      }
      throw e;
    }
    TracesFileExporter fileExporter = opened;
    if (fileExporter != null && resolved.get() == null) {
      // otel.sdk.disabled=true: autoconfigure built no tracer provider, so no file either
      fileExporter.shutdown();
      fileExporter = null;
    }
    Telemetry telemetry =
        new Telemetry(sdk, sdk, resolved.get(), fileExporter == null ? null : fileExporter.file());
    metrics.set(telemetry.metrics());
    if (shutdownHook) {
      Thread hook =
          new Thread(
              () -> {
                if (!telemetry.shutdown(SHUTDOWN_MILLIS)) {
                  AgentLog.get(Telemetry.class)
                      .warn("ai-warden could not export every span within {} ms at exit",
                          SHUTDOWN_MILLIS);
                }
              },
              "ai-warden-shutdown");
      hook.setContextClassLoader(Telemetry.class.getClassLoader());
      Runtime.getRuntime().addShutdownHook(hook);
    }
    AgentLog.get(Telemetry.class)
        .info(
            "ai-warden {} recording AI calls: traces exporter {}{}, service.name {} ({} ms)",
            Telemetry.agentVersion() == null ? "(dev)" : Telemetry.agentVersion(),
            tracesExporters(telemetry.otelConfig()),
            telemetry.tracesFile() == null ? "" : ", traces.file " + telemetry.tracesFile(),
            serviceName(telemetry.otelConfig()),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return telemetry;
  }

  /**
   * Puts a {@link BoundedSpanProcessor} (same {@code otel.bsp.*} settings) in place of the {@link
   * BatchSpanProcessor} autoconfigure made for the configured exporters; any other processor stays.
   */
  static SpanProcessor replaceBatchProcessor(
      SpanProcessor processor,
      ConfigProperties config,
      AtomicBoolean exportersReleased,
      AtomicReference<CallMetrics> metrics) {
    if (!(processor instanceof BatchSpanProcessor)) {
      return processor;
    }
    BatchSpanProcessor batch = (BatchSpanProcessor) processor;
    SpanExporter exporter = batch.getSpanExporter();
    // Its queue is empty: retire it without shutting the exporters down (they are gated).
    batch.shutdown().join(1, TimeUnit.SECONDS);
    exportersReleased.set(true);
    return new BoundedSpanProcessor(
        exporter,
        config.getInt("otel.bsp.max.queue.size", BoundedSpanProcessor.DEFAULT_MAX_QUEUE),
        config.getInt("otel.bsp.max.export.batch.size", BoundedSpanProcessor.DEFAULT_MAX_BATCH),
        config.getDuration("otel.bsp.schedule.delay", BoundedSpanProcessor.DEFAULT_DELAY),
        config.getDuration("otel.bsp.export.timeout", BoundedSpanProcessor.DEFAULT_EXPORT_TIMEOUT),
        metrics,
        String.join(",", config.getList("otel.traces.exporter")));
  }

  /**
   * OpenTelemetry settings for ai-warden's SDK alone, winning over the standard {@code otel.*} /
   * {@code OTEL_*} ones (which an OpenTelemetry Java agent in the same JVM reads too): agent
   * arguments {@code otel.*}, system properties {@code aiwarden.otel.*}, environment variables
   * {@code AIWARDEN_OTEL_*}.
   */
  static Map<String, String> ownOtelSettings(AgentConfig config) {
    return config.withPrefix("otel.");
  }

  // --- Defaults -------------------------------------------------------------------------------

  /** Lowest-precedence defaults: the user's system properties and environment override them. */
  static Map<String, String> defaultProperties() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.traces.exporter", "none");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // OTLP over HTTP (JDK sender), as the OpenTelemetry Java agent does by default; grpc (relocated
    // OkHttp sender) only when asked for. Autoconfigure's own default would be grpc.
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    return defaults;
  }

  /** {@code otel.service.name} from the command line, when the user named the service nowhere. */
  static Map<String, String> serviceNameDefault(ConfigProperties config) {
    if (config.getString("otel.service.name") != null
        || config.getMap("otel.resource.attributes").containsKey("service.name")) {
      return Collections.emptyMap();
    }
    String name = defaultServiceName(System.getProperty("sun.java.command"));
    return name == null
        ? Collections.emptyMap()
        : Collections.singletonMap("otel.service.name", name);
  }

  /**
   * The application's name from {@code sun.java.command}: the jar's file name without {@code
   * .jar} ({@code -jar /opt/app/billing.jar} -> {@code billing}), else the main class's simple name
   * ({@code com.acme.Billing} -> {@code Billing}); null when there is none.
   */
  static String defaultServiceName(String javaCommand) {
    if (javaCommand == null || javaCommand.trim().isEmpty()) {
      return null;
    }
    String command = javaCommand.trim();
    String lower = command.toLowerCase(Locale.ROOT);
    int jar = lower.indexOf(".jar");
    while (jar >= 0) {
      int after = jar + 4;
      if (after == command.length() || Character.isWhitespace(command.charAt(after))) {
        return nonEmpty(stripDirectory(command.substring(0, jar)));
      }
      jar = lower.indexOf(".jar", after);
    }
    String[] tokens = command.split("\\s+");
    String main = tokens[0];
    if ((main.startsWith("com.sun.tools.javac.launcher.") || main.startsWith("jdk.internal."))
        && tokens.length > 1) {
      // source-file mode: java Hello.java
      String source = stripDirectory(tokens[1]);
      return nonEmpty(source.endsWith(".java") ? source.substring(0, source.length() - 5) : source);
    }
    int slash = main.lastIndexOf('/');
    if (slash >= 0) {
      main = main.substring(slash + 1); // -m module/com.acme.Main
    }
    return nonEmpty(main.substring(main.lastIndexOf('.') + 1));
  }

  private static String stripDirectory(String path) {
    int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(cut + 1);
  }

  private static String nonEmpty(String s) {
    return s == null || s.trim().isEmpty() ? null : s.trim();
  }

  /** The resource without the command line attributes (see {@link #DROPPED_RESOURCE_KEYS}). */
  static Resource withoutCommandLine(Resource resource) {
    Attributes attributes = resource.getAttributes();
    boolean any = false;
    for (AttributeKey<?> key : DROPPED_RESOURCE_KEYS) {
      any |= attributes.get(key) != null;
    }
    if (!any) {
      return resource;
    }
    AttributesBuilder kept = attributes.toBuilder();
    for (AttributeKey<?> key : DROPPED_RESOURCE_KEYS) {
      kept.remove(key);
    }
    return Resource.create(kept.build(), resource.getSchemaUrl());
  }

  private static TracesFileExporter openTracesFile(String setting) {
    if (setting == null) {
      return null;
    }
    try {
      return TracesFileExporter.open(Paths.get(setting));
    } catch (Throwable e) {
      AgentLog.get(Telemetry.class)
          .warn(
              "ai-warden cannot write traces.file {}: {}; spans are not written to it",
              setting,
              e.toString());
      return null;
    }
  }

  /** The JUL logger name of the (relocated) OpenTelemetry SDK: {@code io.opentelemetry} unshaded. */
  static String openTelemetryLoggerName() {
    String api = OpenTelemetry.class.getName(); // <prefix>io.opentelemetry.api.OpenTelemetry
    return api.substring(0, api.length() - ".api.OpenTelemetry".length());
  }


  private static String tracesExporters(ConfigProperties config) {
    if (config == null) {
      return "?";
    }
    List<String> names = config.getList("otel.traces.exporter");
    return names.isEmpty() ? "otlp" : String.join(",", names);
  }

  private static String serviceName(ConfigProperties config) {
    String name = config == null ? null : config.getString("otel.service.name");
    if (name == null && config != null) {
      name = config.getMap("otel.resource.attributes").get("service.name");
    }
    return name == null ? "(from resource detectors)" : name;
  }
}
