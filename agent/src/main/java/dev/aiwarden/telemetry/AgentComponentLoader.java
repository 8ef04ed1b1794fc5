package dev.aiwarden.telemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The SPI loader autoconfigure uses for the agent's SDK: the agent's own class loader (never the
 * application's), with ai-warden's {@link ZipkinExporterProvider} in place of the Zipkin exporter
 * module's provider (which would build an OkHttp sender the agent does not ship), and with the JDK
 * HTTP sender as the only {@link HttpSenderProvider}: OkHttp ships for OTLP over gRPC only
 * ({@code http/protobuf} and {@code http/json} stay on {@code java.net.http}).
 */
final class AgentComponentLoader implements ComponentLoader {
  private final ComponentLoader delegate =
      ComponentLoader.forClassLoader(AgentComponentLoader.class.getClassLoader());

  /** The OkHttp sender module's HTTP provider, left out (its gRPC provider is the one used). */
  static final String OKHTTP_HTTP_SENDER_PROVIDER = "OkHttpHttpSenderProvider";

  @Override
  public <T> Iterable<T> load(Class<T> spiClass) {
    Iterable<T> loaded = delegate.load(spiClass);
    if (spiClass == HttpSenderProvider.class) {
      List<T> result = new ArrayList<>();
      for (T provider : loaded) {
        if (!provider.getClass().getSimpleName().equals(OKHTTP_HTTP_SENDER_PROVIDER)) {
          result.add(provider);
        }
      }
      return result;
    }
    if (spiClass != ConfigurableSpanExporterProvider.class) {
      return loaded;
    }
    List<T> result = new ArrayList<>();
    for (T provider : loaded) {
      if (!(provider instanceof ZipkinExporterProvider)
          && ZipkinExporterProvider.NAME.equals(((ConfigurableSpanExporterProvider) provider).getName())) {
        continue; // the module's OkHttp-based one
      }
      result.add(provider);
    }
    result.add(spiClass.cast(new ZipkinExporterProvider()));
    return result;
  }
}
