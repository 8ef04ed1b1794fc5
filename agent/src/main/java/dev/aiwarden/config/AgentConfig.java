package dev.aiwarden.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, from three places, highest first: the agent argument string
 * ({@code -javaagent:ai-warden-agent.jar=policy=/p.yaml,traces.file=/t.jsonl}), system properties
 * ({@code -Daiwarden.policy=...}), environment variables ({@code AIWARDEN_POLICY=...}). A key
 * {@code traces.file} is {@code aiwarden.traces.file} as a property and {@code AIWARDEN_TRACES_FILE}
 * in the environment (dots and dashes become underscores, upper case), as OpenTelemetry's
 * autoconfigure does for {@code otel.*}.
 *
 * <p>Read once, at start-up ({@link #fromJvm} copies the {@code aiwarden.*} system properties and
 * takes the environment as it is then): application code that later sets {@code aiwarden.*}
 * properties changes nothing ({@code docs/reliability.md#configuration-tamper}).
 */
public final class AgentConfig {
  /** Path of the policy YAML. */
  public static final String POLICY = "policy";
  /** Also write every span as OTLP/JSON lines to this file. */
  public static final String TRACES_FILE = "traces.file";
  /** Append-only, hash-chained JSONL audit log. */
  public static final String AUDIT_FILE = "audit.file";
  /**
   * {@code true}: AI calls are denied ({@code audit.unavailable}; would_deny in monitor mode) while
   * the audit file cannot be written. Default false: the audit log fails open.
   */
  public static final String AUDIT_REQUIRED = "audit.required";
  /**
   * Test hook only: throw on purpose inside one stage of every AI call ({@code hook}, {@code
   * classify}, {@code policy}, {@code telemetry}); see {@code dev.aiwarden.core.TestFaults}.
   */
  public static final String TEST_FAIL = "test.fail";
  /** Agent log level: error, warn, info (default), debug. */
  public static final String LOG_LEVEL = "log.level";
  /** {@code false}: do not watch file reads (no {@code file:PATH} key sources). Default true. */
  public static final String PROVENANCE_FILES = "provenance.files";

  private static final String PROPERTY_PREFIX = "aiwarden.";

  private final Map<String, String> agentArgs;
  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;

  public AgentConfig(
      Map<String, String> agentArgs,
      Map<String, String> systemProperties,
      Map<String, String> environment) {
    this.agentArgs = agentArgs;
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** Settings of this JVM: the given agent argument string, the system properties, the environment. */
  public static AgentConfig fromJvm(String agentArgString) {
    Map<String, String> props = new HashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX)) {
        props.put(name, System.getProperty(name));
      }
    }
    return new AgentConfig(parseAgentArgs(agentArgString), props, System.getenv());
  }

  /** {@code k=v,k=v}; a bare word is taken as {@code k=true}; blanks are skipped. */
  public static Map<String, String> parseAgentArgs(String args) {
    if (args == null || args.trim().isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> map = new HashMap<>();
    for (String part : args.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        map.put(p, "true");
      } else {
        map.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
      }
    }
    return map;
  }

  /** The environment variable name of a key: {@code traces.file} -> {@code AIWARDEN_TRACES_FILE}. */
  public static String environmentName(String key) {
    return (PROPERTY_PREFIX + key).replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The system property name of a key: {@code traces.file} -> {@code aiwarden.traces.file}. */
  public static String propertyName(String key) {
    return PROPERTY_PREFIX + key;
  }

  /** The value of a key, or null when set nowhere (an empty value counts as unset). */
  public String get(String key) {
    String v = agentArgs.get(key);
    if (isBlank(v)) {
      v = systemProperties.get(propertyName(key));
    }
    if (isBlank(v)) {
      v = environment.get(environmentName(key));
    }
    return isBlank(v) ? null : v.trim();
  }

  /**
   * Every key under {@code prefix} (e.g. {@code otel.}) set for ai-warden alone: as an agent
   * argument ({@code otel.traces.sampler=always_on}), a system property ({@code
   * aiwarden.otel.traces.sampler}) or an environment variable ({@code AIWARDEN_OTEL_TRACES_SAMPLER},
   * read as {@code otel.traces.sampler}); same precedence as {@link #get}.
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new HashMap<>();
    String envPrefix = environmentName(prefix);
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey().startsWith(envPrefix) && !isBlank(e.getValue())) {
        // AIWARDEN_OTEL_TRACES_SAMPLER -> otel.traces.sampler
        String key =
            e.getKey().substring(PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        found.put(key, e.getValue().trim());
      }
    }
    String propertyPrefix = propertyName(prefix);
    for (Map.Entry<String, String> e : systemProperties.entrySet()) {
      if (e.getKey().startsWith(propertyPrefix) && !isBlank(e.getValue())) {
        found.put(e.getKey().substring(PROPERTY_PREFIX.length()), e.getValue().trim());
      }
    }
    for (Map.Entry<String, String> e : agentArgs.entrySet()) {
      if (e.getKey().startsWith(prefix) && !isBlank(e.getValue())) {
        found.put(e.getKey(), e.getValue().trim());
      }
    }
    return found;
  }

  public String get(String key, String defaultValue) {
    String v = get(key);
    return v == null ? defaultValue : v;
  }

  private static boolean isBlank(String v) {
    return v == null || v.trim().isEmpty();
  }
}
