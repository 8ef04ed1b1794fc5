package dev.aiwarden.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an example application in a separate JVM, with or without the built agent jar, and keeps
 * everything it printed and wrote in one run directory (so a test can search it all for keys).
 */
final class ChildJvm {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String mainClass;
  private final List<String> args = new ArrayList<>();
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private String agentArgs;
  private String classpath;
  private boolean withAgent = true;
  private String javaExecutable = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  private ChildJvm(String mainClass) {
    this.mainClass = mainClass;
  }

  static ChildJvm of(String mainClass) {
    return new ChildJvm(mainClass);
  }

  ChildJvm args(String... a) {
    args.addAll(List.of(a));
    return this;
  }

  ChildJvm jvmArg(String a) {
    jvmArgs.add(a);
    return this;
  }

  ChildJvm env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Extra agent arguments ({@code k=v,k=v}); {@code traces.file} is always set by us. */
  ChildJvm agentArgs(String a) {
    agentArgs = a;
    return this;
  }

  /**
   * Runs on an example module's own runtime classpath ({@code examples/MODULE/target/classes}
   * plus the {@code classpath.txt} its build writes) instead of the shared one: for libraries
   * that cannot share a class path with the others (OkHttp 3 beside 4, azure-core with a second
   * HTTP client implementation, which would change the default client of the other examples).
   */
  ChildJvm module(String module) throws IOException {
    Path dir = Paths.get(System.getProperty("aiwarden.test.examplesDir", "..")).resolve(module).resolve("target");
    Path cp = dir.resolve("classpath.txt");
    if (!Files.isRegularFile(cp)) {
      throw new IllegalStateException("build the example module first: " + cp.toAbsolutePath());
    }
    classpath = dir.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator + Files.readString(cp).trim();
    return this;
  }

  /** Runs on this class path instead of the shared one (an example with its own dependencies). */
  ChildJvm classpath(String cp) {
    classpath = cp;
    return this;
  }

  ChildJvm withoutAgent() {
    withAgent = false;
    return this;
  }

  ChildJvm java(String executable) {
    javaExecutable = executable;
    return this;
  }

  /** The server's TLS trust and the real host names resolving to loopback. */
  ChildJvm against(TestServer server) {
    jvmArg("-Djdk.net.hosts.file=" + server.hostsFile());
    jvmArg("-Djavax.net.ssl.trustStore=" + server.truststore());
    jvmArg("-Djavax.net.ssl.trustStorePassword=changeit");
    jvmArg("-Djavax.net.ssl.trustStoreType=PKCS12");
    return this;
  }

  Result run() throws IOException, InterruptedException {
    return start().await();
  }

  /** Starts the child JVM without waiting for it: {@link Running#await()} collects its result. */
  Running start() throws IOException {
    Path dir =
        Paths.get(System.getProperty("aiwarden.test.workDir", "target/runs"))
            .resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + RUNS.incrementAndGet())
            .toAbsolutePath();
    deleteRecursively(dir); // a run directory left by an earlier build
    Files.createDirectories(dir);
    Path traces = dir.resolve("traces.jsonl");
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable);
    if (withAgent) {
      String a = "traces.file=" + traces + (agentArgs == null ? "" : "," + agentArgs);
      cmd.add("-javaagent:" + agentJar() + "=" + a);
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    String cp = classpath != null ? classpath : childClasspath();
    cmd.add(cp);
    cmd.add(mainClass);
    cmd.addAll(args);
    Files.writeString(dir.resolve("classpath.txt"), cp);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("AIWARDEN_"));
    pb.environment().putAll(env);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    return new Running(dir, pb.start(), System.nanoTime());
  }

  /** A child JVM that is still running. */
  static final class Running {
    final Path dir;
    final Process process;
    private final long start;

    Running(Path dir, Process process, long start) {
      this.dir = dir;
      this.process = process;
      this.start = start;
    }

    /** What the child has printed on stdout so far. */
    String stdoutSoFar() throws IOException {
      return Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    }

    /** Waits (at most 90 s) until the child has printed {@code n} {@code RESULT} lines. */
    void awaitResults(int n) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (System.nanoTime() < deadline) {
        String out = stdoutSoFar();
        if (out.lines().filter(l -> l.startsWith("RESULT ")).count() >= n) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("child ended early:\n" + out);
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no RESULT line " + n + " in time:\n" + stdoutSoFar());
    }

    Result await() throws IOException, InterruptedException {
      Process p = process;
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("child JVM did not finish in 120 s; see " + dir);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      Path traces = dir.resolve("traces.jsonl");
      return new Result(
          dir,
          p.exitValue(),
          Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
          Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8),
          Files.exists(traces) ? Spans.read(traces) : List.of(),
          millis);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  static Path agentJar() {
    Path jar = Paths.get(System.getProperty("aiwarden.test.agentJar", "../../agent/target/ai-warden-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("build the agent first: " + jar.toAbsolutePath());
    }
    return jar.toAbsolutePath();
  }

  static String childClasspath() throws IOException {
    Path file = Paths.get(System.getProperty("aiwarden.test.childClasspath", "target/child-classpath.txt"));
    return Files.readString(file).trim();
  }

  /** What a child JVM did. */
  static final class Result {
    final Path dir;
    final int exitCode;
    final String stdout;
    final String stderr;
    final List<Spans.Span> spans;
    final long millis;

    Result(Path dir, int exitCode, String stdout, String stderr, List<Spans.Span> spans, long millis) {
      this.dir = dir;
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
      this.spans = spans;
      this.millis = millis;
    }

    /** The {@code RESULT ...} lines the example printed, in order. */
    List<String> results() {
      List<String> lines = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("RESULT ")) {
          lines.add(line.trim());
        }
      }
      return lines;
    }

    /** The spans whose {@code gen_ai.operation.name} is the given operation. */
    List<Spans.Span> spans(String operation) {
      List<Spans.Span> found = new ArrayList<>();
      for (Spans.Span s : spans) {
        if (operation.equals(s.attr("gen_ai.operation.name"))) {
          found.add(s);
        }
      }
      return found;
    }

    @Override
    public String toString() {
      return "exit=" + exitCode + " dir=" + dir + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }
}
