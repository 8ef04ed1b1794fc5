package dev.aiwarden.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Zipkin server ({@code io.zipkin:zipkin-server} exec jar, copied from Maven Central by
 * the build into {@code target/tools}), bound to 127.0.0.1 on a free port, in-memory storage. One
 * per test JVM: started by the first test that asks, stopped when the JVM exits.
 */
final class ZipkinServer {
  private static ZipkinServer instance;

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ZipkinServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the suite's Zipkin if it is not running yet, without waiting for it: a test may do
   * other work while Zipkin boots (several seconds), then call {@link #get}.
   */
  static synchronized void begin() throws Exception {
    if (instance == null) {
      instance = launch();
      ZipkinServer started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }
  }

  /** The suite's Zipkin, started on first use and healthy. */
  static ZipkinServer get() throws Exception {
    begin();
    ZipkinServer server;
    synchronized (ZipkinServer.class) {
      server = instance;
    }
    server.awaitHealthy();
    return server;
  }

  static Path jar() {
    return Paths.get(System.getProperty("aiwarden.test.zipkinJar", "target/tools/zipkin-server-exec.jar"));
  }

  private static ZipkinServer launch() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path dir = Paths.get(System.getProperty("aiwarden.test.workDir", "target/runs")).toAbsolutePath();
    Files.createDirectories(dir);
    Path log = dir.resolve("zipkin-server.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar().toAbsolutePath().toString());
    cmd.add("--armeria.ports[0].port=" + port);
    cmd.add("--armeria.ports[0].ip=127.0.0.1");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("JAVA_TOOL"));
    pb.environment().put("STORAGE_TYPE", "mem");
    return new ZipkinServer(pb.start(), port, log);
  }

  private volatile boolean healthy;

  private synchronized void awaitHealthy() throws Exception {
    if (healthy) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Zipkin exited early; see " + log + "\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> health = get("/health");
        if (health.statusCode() == 200 && health.body().contains("UP")) {
          healthy = true;
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("Zipkin did not become healthy in 120 s; see " + log);
  }

  int port() {
    return port;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** Where the agent sends spans: {@code otel.exporter.zipkin.endpoint}. */
  String spansEndpoint() {
    return base() + "/api/v2/spans";
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A trace by id, waiting up to 15 s for it to arrive (the agent exports in batches). */
  JsonNode trace(String traceId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      HttpResponse<String> r = get("/api/v2/trace/" + traceId);
      if (r.statusCode() == 200) {
        JsonNode spans = JSON.readTree(r.body());
        if (spans.size() > 0) {
          return spans;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("trace " + traceId + " not in Zipkin: HTTP " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(200);
    }
  }

  /** Traces of a service, newest first ({@code /api/v2/traces?serviceName=}). */
  JsonNode traces(String serviceName) throws Exception {
    HttpResponse<String> r = get("/api/v2/traces?limit=100&serviceName=" + serviceName);
    return JSON.readTree(r.body());
  }

  Path log() {
    return log;
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
