package dev.aiwarden.policy;

import java.net.InetAddress;
import java.util.Map;
import java.util.Properties;

/**
 * This machine's host name as {@code keys.bind} sees it: the same value the spans carry as the
 * resource attribute {@code host.name}, so a policy and a trace agree. Taken from the first of:
 *
 * <ol>
 *   <li>{@code host.name} in OpenTelemetry's resource attributes: the system property {@code
 *       otel.resource.attributes} or the environment variable {@code OTEL_RESOURCE_ATTRIBUTES}
 *       ({@code host.name=img-worker-1,...}); this is how to override it (tests, containers whose
 *       host name is random);
 *   <li>{@code InetAddress.getLocalHost().getHostName()} (what OpenTelemetry's host detector
 *       reports);
 *   <li>the {@code HOSTNAME} or {@code COMPUTERNAME} environment variable.
 * </ol>
 *
 * The audit log's {@code service_host} is this value too, so its records, the spans and the
 * policy's {@code keys.bind} decisions name the same host.
 */
public final class HostName {
  private HostName() {}

  /** The host name, or null when none of the sources gives one. */
  public static String resolve() {
    return resolve(System.getProperties(), System.getenv());
  }

  static String resolve(Properties props, Map<String, String> env) {
    String fromResource = fromResourceAttributes(props.getProperty("otel.resource.attributes"));
    if (fromResource == null) {
      fromResource = fromResourceAttributes(env.get("OTEL_RESOURCE_ATTRIBUTES"));
    }
    if (fromResource != null) {
      return fromResource;
    }
    try {
      String h = InetAddress.getLocalHost().getHostName();
      if (h != null && !h.isEmpty()) {
        return h;
      }
    } catch (Exception e) {
      // fall through
    }
    String h = env.get("HOSTNAME");
    if (h == null || h.isEmpty()) {
      h = env.get("COMPUTERNAME");
    }
    return h == null || h.isEmpty() ? null : h;
  }

  static String fromResourceAttributes(String attributes) {
    if (attributes == null) {
      return null;
    }
    for (String part : attributes.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equals("host.name")) {
        String v = part.substring(eq + 1).trim();
        try {
          v = java.net.URLDecoder.decode(v, "UTF-8");
        } catch (Exception e) {
          // keep as is
        }
        return v.isEmpty() ? null : v;
      }
    }
    return null;
  }
}
