package dev.aiwarden.examples.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's in-process micro-benchmarks ({@link HookPathBench}, {@link AiCallBench}, {@link
 * AzureCallBench}): the JMH
 * command line that runs them, and their JSON results turned into the suite's metrics. Each
 * benchmark (and parameter) runs in JMH's own forked JVM, without an agent; {@code -prof gc} gives
 * the bytes allocated per operation.
 */
final class Micro {
  /** Benchmarks and their metric names; the full policy's results go to the ai-warden+policy column. */
  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    NAMES.put("HookPathBench.okHttp path=/ping", "micro.okhttp.ping");
    NAMES.put("HookPathBench.okHttp path=/api/v2/orders", "micro.okhttp.rest");
    NAMES.put("HookPathBench.jdkHttp path=/ping", "micro.jdkhttp.ping");
    NAMES.put("HookPathBench.jdkHttp path=/api/v2/orders", "micro.jdkhttp.rest");
    NAMES.put("AiCallBench.okHttpChat", "micro.okhttp.chat");
    NAMES.put("AiCallBench.coreChat", "micro.core.chat");
    NAMES.put("AzureCallBench.azureChat", "micro.azurecore.chat");
    NAMES.put("AzureCallBench.coreChat", "micro.core.azurechat");
  }

  /** JMH's forks, warm-up and measured iterations (each {@code seconds} long). */
  static final class Settings {
    final int forks;
    final int warmups;
    final int iterations;
    final String time;

    Settings(int forks, int warmups, int iterations, String time) {
      this.forks = forks;
      this.warmups = warmups;
      this.iterations = iterations;
      this.time = time;
    }

    @Override
    public String toString() {
      return forks + " fork" + (forks == 1 ? "" : "s") + " × (" + warmups + " warm-up + " + iterations
          + " measured iterations of " + time + ")";
    }
  }

  /** Full run: about 2.5 min on 2 cores. */
  static final Settings FULL = new Settings(2, 3, 4, "1s");
  /** --quick: about 20 s. */
  static final Settings QUICK = new Settings(1, 1, 2, "500ms");

  private Micro() {}

  /**
   * The JMH command: {@code jvmArgs} for its forks (no agent ever), {@code policyFile} the suite's
   * filled-in full policy or null (then only the default policy runs).
   */
  static List<String> command(String java, String classpath, Settings s, String jvmArgs, Path policyFile,
      Path json) {
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", classpath, "org.openjdk.jmh.Main",
        "dev\\.aiwarden\\.examples\\.benchmarks\\.(HookPathBench|AiCallBench|AzureCallBench)\\.",
        "-f", "" + s.forks, "-wi", "" + s.warmups, "-w", s.time, "-i", "" + s.iterations, "-r", s.time,
        "-prof", "gc", "-foe", "true", "-rf", "json", "-rff", json.toString()));
    String args = jvmArgs;
    if (policyFile != null) {
      args += " -D" + InstalledCore.POLICY_FILE_PROPERTY + "=" + policyFile;
    } else {
      cmd.addAll(List.of("-p", "policy=default"));
    }
    cmd.addAll(List.of("-jvmArgs", args));
    return cmd;
  }

  /**
   * Reads JMH's JSON results into {@code config -> metric -> values}: every measured iteration of
   * every fork, {@code METRIC.ns} (ns/op) and {@code METRIC.alloc} (B/op, from {@code -prof gc}).
   */
  static Map<String, Map<String, List<Double>>> read(Path json) throws IOException {
    Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
    for (JsonNode b : new ObjectMapper().readTree(Files.readAllBytes(json))) {
      String name = b.get("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      JsonNode params = b.get("params");
      String policy = params == null || params.get("policy") == null ? "default" : params.get("policy").asText();
      String key = params != null && params.get("path") != null ? name + " path=" + params.get("path").asText() : name;
      String metric = NAMES.get(key);
      if (metric == null) {
        continue;
      }
      if (policy.equals("spans")) {
        metric += ".spans"; // the default policy with spans recorded: rows of their own
      }
      String config = policy.equals("full") ? Suite.POLICY : Suite.WARDEN;
      Map<String, List<Double>> m = out.computeIfAbsent(config, k -> new LinkedHashMap<>());
      m.put(metric + ".ns", raw(b.get("primaryMetric")));
      JsonNode secondary = b.get("secondaryMetrics");
      if (secondary != null && secondary.get("gc.alloc.rate.norm") != null) {
        m.put(metric + ".alloc", raw(secondary.get("gc.alloc.rate.norm")));
      }
    }
    return out;
  }

  private static List<Double> raw(JsonNode metric) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : metric.get("rawData")) {
      for (JsonNode v : fork) {
        values.add(v.asDouble());
      }
    }
    return values;
  }
}
