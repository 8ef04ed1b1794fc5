package dev.aiwarden.telemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The SPI loader autoconfigure uses for the agent's SDK: the agent's own class loader (never the
 * application's), with ai-warden's {@link ZipkinExporterProvider} in place of the Zipkin exporter
 * module's provider (which would build an OkHttp sender the agent does not ship).
 */
final class AgentComponentLoader implements ComponentLoader {
  private final ComponentLoader delegate =
      ComponentLoader.forClassLoader(AgentComponentLoader.class.getClassLoader());

  @Override
  public <T> Iterable<T> load(Class<T> spiClass) {
    Iterable<T> loaded = delegate.load(spiClass);
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
