package dev.aiwarden.e2e;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers of the fault, internal-error and tamper tests, which run {@link FaultAppMain}. */
final class FaultApps {
  private static final Pattern CHATS =
      Pattern.compile("RESULT chats n=(\\d+) ok=(\\d+) denied=(\\d+) failed=(\\d+) rule=(\\S+) millis=(\\d+)");

  private FaultApps() {}

  /** {@link FaultAppMain} against the local server under {@code api.openai.com}, with the agent. */
  static ChildJvm app(TestServer server) throws IOException {
    return ChildJvm.of(FaultAppMain.class.getName())
        .classpath(ExampleClasspath.testClasses() + File.pathSeparator + ChildJvm.childClasspath())
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey);
  }

  /** Sends the agent's metrics to {@code receiver} every 300 ms. */
  static ChildJvm metricsTo(ChildJvm child, OtlpReceiver receiver) {
    return child
        .env("OTEL_METRICS_EXPORTER", "otlp")
        .env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "300");
  }

  /** The latest cumulative value of a counter's point whose attribute {@code key} is {@code value}; 0 when absent. */
  static long counter(OtlpReceiver receiver, String metric, String key, String value) {
    Metric m = receiver.metricsByName().get(metric);
    if (m == null) {
      return 0;
    }
    for (NumberDataPoint p : m.getSum().getDataPointsList()) {
      if (value.equals(OtlpReceiver.attributes(p.getAttributesList()).get(key))) {
        return p.getAsInt();
      }
    }
    return 0;
  }

  /** All points of a counter, attribute value -> count. */
  static Map<String, Long> points(OtlpReceiver receiver, String metric, String key) {
    Map<String, Long> map = new java.util.TreeMap<>();
    Metric m = receiver.metricsByName().get(metric);
    if (m != null) {
      for (NumberDataPoint p : m.getSum().getDataPointsList()) {
        map.put(String.valueOf(OtlpReceiver.attributes(p.getAttributesList()).get(key)), p.getAsInt());
      }
    }
    return map;
  }

  /** One {@code chats:N} step's outcome. */
  static final class Chats {
    final int n;
    final int ok;
    final int denied;
    final int failed;
    final String rule;
    final long millis;

    private Chats(Matcher m) {
      n = Integer.parseInt(m.group(1));
      ok = Integer.parseInt(m.group(2));
      denied = Integer.parseInt(m.group(3));
      failed = Integer.parseInt(m.group(4));
      rule = m.group(5);
      millis = Long.parseLong(m.group(6));
    }

    double perSecond() {
      return millis == 0 ? n : n * 1000.0 / millis;
    }
  }

  /** The {@code index}-th {@code chats:N} result of a run. */
  static Chats chats(ChildJvm.Result run, int index) {
    int i = 0;
    for (String line : run.results()) {
      Matcher m = CHATS.matcher(line);
      if (m.matches() && i++ == index) {
        return new Chats(m);
      }
    }
    throw new AssertionError("no chats result " + index + " in " + run);
  }

  /** A run and when, after the application's {@code end} step, its JVM had exited. */
  static final class Timed {
    final ChildJvm.Result run;
    final long exitMillis;

    Timed(ChildJvm.Result run, long exitMillis) {
      this.run = run;
      this.exitMillis = exitMillis;
    }
  }

  /** Runs the child; measures the time from its {@code end} step to its exit. */
  static Timed timed(ChildJvm child) throws IOException, InterruptedException {
    ChildJvm.Result run = child.start().await();
    long exited = System.currentTimeMillis();
    long end = -1;
    for (String line : run.results()) {
      if (line.startsWith("RESULT end epochMillis=")) {
        end = Long.parseLong(line.substring("RESULT end epochMillis=".length()));
      }
    }
    if (end < 0) {
      throw new AssertionError("no end step in " + run);
    }
    return new Timed(run, exited - end);
  }

  /** Replaces a file's content by writing a new file and renaming it, as editors and config management do. */
  static void replace(Path f, String text) throws IOException {
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** How often {@code needle} occurs in {@code text}. */
  static int occurrences(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
