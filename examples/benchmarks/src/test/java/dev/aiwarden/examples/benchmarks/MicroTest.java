package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMH's command line and its JSON results as the suite's metrics (no benchmark runs here). */
class MicroTest {
  @TempDir Path dir;

  /** The shape JMH 1.37 writes with {@code -rf json -prof gc} (fields the suite does not read left out). */
  private static final String JSON = "[\n"
      + "{\"benchmark\":\"dev.aiwarden.examples.benchmarks.HookPathBench.okHttp\",\"mode\":\"avgt\",\"forks\":2,"
      + "\"params\":{\"path\":\"/api/v2/orders\"},"
      + "\"primaryMetric\":{\"score\":61.0,\"scoreUnit\":\"ns/op\",\"rawData\":[[60.0,61.0],[62.0,63.5]]},"
      + "\"secondaryMetrics\":{\"gc.alloc.rate\":{\"score\":100.0,\"rawData\":[[1.0],[1.0]]},"
      + "\"gc.alloc.rate.norm\":{\"score\":56.0,\"scoreUnit\":\"B/op\",\"rawData\":[[56.0,56.0],[56.0,56.001]]}}},\n"
      + "{\"benchmark\":\"dev.aiwarden.examples.benchmarks.AiCallBench.coreChat\",\"mode\":\"avgt\",\"forks\":1,"
      + "\"params\":{\"policy\":\"full\"},"
      + "\"primaryMetric\":{\"score\":40000.0,\"scoreUnit\":\"ns/op\",\"rawData\":[[41000.0,39000.0]]},"
      + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":9000.0,\"rawData\":[[9000.0,9001.0]]}}},\n"
      + "{\"benchmark\":\"dev.aiwarden.examples.benchmarks.AiCallBench.coreChat\",\"mode\":\"avgt\",\"forks\":1,"
      + "\"params\":{\"policy\":\"default\"},"
      + "\"primaryMetric\":{\"score\":20000.0,\"scoreUnit\":\"ns/op\",\"rawData\":[[20000.0,20000.0]]},"
      + "\"secondaryMetrics\":{}},\n"
      + "{\"benchmark\":\"dev.aiwarden.examples.benchmarks.AzureCallBench.coreChat\",\"mode\":\"avgt\",\"forks\":1,"
      + "\"params\":{\"policy\":\"default\"},"
      + "\"primaryMetric\":{\"score\":30000.0,\"scoreUnit\":\"ns/op\",\"rawData\":[[30000.0,31000.0]]},"
      + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":4000.0,\"rawData\":[[4000.0,4001.0]]}}},\n"
      + "{\"benchmark\":\"dev.aiwarden.examples.benchmarks.SomethingElse.x\",\"mode\":\"avgt\",\"forks\":1,"
      + "\"primaryMetric\":{\"score\":1.0,\"scoreUnit\":\"ns/op\",\"rawData\":[[1.0]]},\"secondaryMetrics\":{}}\n"
      + "]\n";

  @Test
  void resultsBecomeOneValuePerMeasuredIterationAndTheFullPolicyGoesToItsOwnColumn() throws Exception {
    Path json = dir.resolve("jmh.json");
    Files.writeString(json, JSON);

    Map<String, Map<String, List<Double>>> m = Micro.read(json);

    assertThat(m.get(Suite.WARDEN).get("micro.okhttp.rest.ns")).containsExactly(60.0, 61.0, 62.0, 63.5);
    assertThat(m.get(Suite.WARDEN).get("micro.okhttp.rest.alloc")).containsExactly(56.0, 56.0, 56.0, 56.001);
    assertThat(m.get(Suite.WARDEN).get("micro.core.chat.ns")).containsExactly(20000.0, 20000.0);
    assertThat(m.get(Suite.WARDEN)).doesNotContainKey("micro.core.chat.alloc");
    assertThat(m.get(Suite.POLICY).get("micro.core.chat.ns")).containsExactly(41000.0, 39000.0);
    assertThat(m.get(Suite.POLICY).get("micro.core.chat.alloc")).containsExactly(9000.0, 9001.0);
    // Azure's core row is its own, not AiCallBench's coreChat.
    assertThat(m.get(Suite.WARDEN).get("micro.core.azurechat.alloc")).containsExactly(4000.0, 4001.0);
    assertThat(m.get(Suite.WARDEN).get("micro.core.chat.ns")).containsExactly(20000.0, 20000.0);
    assertThat(m.get(Suite.WARDEN).keySet()).allMatch(k -> k.startsWith("micro."));
  }

  @Test
  void theForksGetTheMeasuredJvmsHeapAndThePolicyFileOrOnlyTheDefaultPolicy() {
    Path json = Paths.get("jmh.json");
    List<String> withPolicy =
        Micro.command("java", "cp", Micro.QUICK, "-Xms1g -Xmx1g", Paths.get("/w/full-policy.yaml"), json);
    assertThat(withPolicy).containsSequence("-f", "1").containsSequence("-prof", "gc")
        .containsSequence("-rf", "json", "-rff", "jmh.json")
        .containsSequence("-jvmArgs", "-Xms1g -Xmx1g -D" + InstalledCore.POLICY_FILE_PROPERTY + "=/w/full-policy.yaml")
        .doesNotContain("policy=default");
    List<String> without = Micro.command("java", "cp", Micro.FULL, "-Xms1g -Xmx1g", null, json);
    assertThat(without).containsSequence("-f", "2").containsSequence("-p", "policy=default")
        .containsSequence("-jvmArgs", "-Xms1g -Xmx1g");
  }
}
