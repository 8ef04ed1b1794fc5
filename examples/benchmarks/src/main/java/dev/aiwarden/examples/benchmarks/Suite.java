package dev.aiwarden.examples.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.aiwarden.examples.server.LocalAiServer;
import dev.aiwarden.examples.server.Options;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The performance suite of issue 7: what ai-warden costs beside no agent and beside the
 * OpenTelemetry Java agent, written to {@code docs/performance.md}. {@code run.sh} builds and runs it.
 *
 * <p>Method: the local OpenAI/Azure server runs here (TLS on loopback, real host names through a
 * hosts file); every configuration (no agent, ai-warden, ai-warden with a full policy, the
 * OpenTelemetry Java agent with its exporters off) runs the same {@link Worker} in its own forked
 * JVM (an agent cannot be removed from a JVM). A round runs each configuration once, in an order
 * that rotates from round to round, so drift of the machine falls on all of them alike. Each figure
 * is the median over rounds of each JVM's own median, with the spread (min..max) over rounds; an
 * "added" figure is the median of the per-round differences to the no-agent JVM of the same round.
 * Start-up is the wall time of whole processes, alternated the same way. The time per call of the
 * openai and azure groups and the 64-thread throughput are measured in paired windows instead
 * ({@link PairedWindows}): the configurations' JVMs of a round take turns in short windows, each
 * compared with the no-agent window beside it in time.
 *
 * <p>Figures smaller than the noise between JVMs (what the agent adds to a non-AI call, its own
 * work on an AI call) are also measured in process, without an agent, by JMH micro-benchmarks of
 * the agent's hook adapters and core ({@link HookPathBench}, {@link AiCallBench}; group {@code
 * micro}, run by {@link Micro}).
 *
 * <p>Usage: {@code Suite [--quick] [--rounds N] [--startup-runs N] [--scale X] [--policy
 * auto|full|none|FILE] [--no-otel] [--profile] [--only GROUPS] [--out FILE] [--agent JAR] [--otel-agent JAR]
 * [--classpath CP] [--asprof OPTIONS] [--worker-jvm-arg ARG]... [--noise] [--settle-ms MS]}. Groups: {@code
 * micro,openai,azure,nonai,memory,stream,large,concurrency,startup}. Profiling and noise: {@code --asprof}
 * profiles only the workers' measured loops with async-profiler ({@link LoopProfiler}: put its jar on
 * {@code --classpath} and its library in {@code --worker-jvm-arg -Dbench.asprof.lib=...}); {@code
 * --worker-jvm-arg} adds a flag to every worker JVM (e.g. {@code -XX:+PrintCompilation} with {@code
 * -Dbench.marks=true}); {@code --noise} makes the ai-warden column a second JVM without an agent, so its
 * "added" column is the run's noise floor; {@code --settle-ms} caps the workers' JIT settling (0: none).
 */
public final class Suite {
  static final String NONE = "none";
  static final String WARDEN = "ai-warden";
  static final String POLICY = "ai-warden+policy";
  static final String OTEL = "otel";

  /**
   * The heap of the measured workers: G1's own sizing up to 1 GB, as before. Not fixed (-Xms=-Xmx):
   * G1 then keeps all the young generation it has touched after the full GCs that precede the memory
   * reading, so "RSS after warm-up" would measure how large each JVM's young generation happened to
   * be rather than the agent's few MB (the one --quick run made with -Xms1g read +63 MB for
   * ai-warden; the committed full run without it, +15 MB). The heap grows during the warm-up loops,
   * before anything is measured.
   */
  static final List<String> HEAP = List.of("-Xmx1g");

  /**
   * JMH's forks (no memory reading there): a fixed heap, so that no iteration includes the heap
   * growing.
   */
  static final List<String> MICRO_HEAP = List.of("-Xms1g", "-Xmx1g");

  // Settings.
  private boolean quick;
  private int rounds = 5;
  private int startupRuns = 21;
  private double scale = 1;
  private String policy = "auto";
  private boolean otel = true;
  private boolean profile;
  private String asprof;
  private boolean noise;
  private String settleMillis;
  private final List<String> workerJvmArgs = new ArrayList<>();
  private Set<String> only = new LinkedHashSet<>(List.of("all"));
  private Path out = Paths.get("docs/performance.md");
  private Path agentJar = Paths.get("agent/target/ai-warden-agent.jar");
  private Path otelJar = Paths.get("examples/benchmarks/target/otel/opentelemetry-javaagent.jar");
  private String classpath;
  private final List<String> argv = new ArrayList<>();

  // State.
  private final Path work = Paths.get("examples/benchmarks/target/bench").toAbsolutePath();
  private final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  private final String openAiKey = "sk-proj-" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);
  private final String azureKey = random("0123456789abcdef", 32);
  private final Map<String, List<String>> configs = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  /** config -> metric -> one value per round (NaN when that run had none). */
  final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
  /** The in-process micro-benchmarks: config -> metric -> every measured JMH iteration. */
  final Map<String, Map<String, List<Double>>> micro = new LinkedHashMap<>();
  private Micro.Settings microSettings;
  private Path policyFile;
  private long largeResponseBytes;
  private String loadBefore;
  private Instant started;

  public static void main(String[] args) throws Exception {
    Suite suite = new Suite();
    suite.parse(args);
    suite.run();
  }

  private void parse(String[] args) {
    argv.addAll(Arrays.asList(args));
    boolean roundsSet = false;
    boolean startupSet = false;
    boolean scaleSet = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick": quick = true; break;
        case "--rounds": rounds = Integer.parseInt(args[++i]); roundsSet = true; break;
        case "--startup-runs": startupRuns = Integer.parseInt(args[++i]); startupSet = true; break;
        case "--scale": scale = Double.parseDouble(args[++i]); scaleSet = true; break;
        case "--policy": policy = args[++i]; break;
        case "--no-otel": otel = false; break;
        case "--profile": profile = true; break;
        case "--asprof": asprof = args[++i]; break;
        case "--noise": noise = true; break;
        case "--settle-ms": settleMillis = args[++i]; break;
        case "--worker-jvm-arg": workerJvmArgs.add(args[++i]); break;
        case "--only": only = new LinkedHashSet<>(Arrays.asList(args[++i].split(","))); break;
        case "--out": out = Paths.get(args[++i]); break;
        case "--agent": agentJar = Paths.get(args[++i]); break;
        case "--otel-agent": otelJar = Paths.get(args[++i]); break;
        case "--classpath": classpath = args[++i]; break;
        default: throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    if (quick) {
      rounds = roundsSet ? rounds : 2;
      startupRuns = startupSet ? startupRuns : 2;
      scale = scaleSet ? scale : 0.05;
    }
    if (rounds < 1 || startupRuns < 1) {
      throw new IllegalArgumentException("--rounds and --startup-runs must be at least 1");
    }
  }

  private static String usage() {
    return "usage: run.sh [--quick] [--rounds N] [--startup-runs N] [--scale X] [--policy auto|full|none|FILE]"
        + " [--no-otel] [--only micro,openai,azure,nonai,memory,stream,large,concurrency,startup] [--out FILE]"
        + " [--asprof OPTIONS] [--worker-jvm-arg ARG]... [--noise] [--settle-ms MS]";
  }

  private boolean wanted(String group) {
    return only.contains("all") || only.contains(group);
  }

  /** Notes the start time and load (also for tests of {@link Report}). */
  void markStarted() {
    started = Instant.now();
    loadBefore = loadAverage();
  }

  private void run() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The concurrency group's paired windows keep one JVM per configuration waiting with 64 open
    // connections each while another one warms up (often longer than the JDK server's 30 s idle
    // timeout), up to 4 x 64 at once (more than its 200 idle connections): keep them all open, so
    // a window does not measure new TLS handshakes.
    System.setProperty("sun.net.httpserver.idleInterval", "600");
    System.setProperty("sun.net.httpserver.maxIdleConnections", "1000");
    markStarted();
    Files.createDirectories(work.resolve("runs"));
    if (classpath == null) {
      classpath = Paths.get("examples/benchmarks/target/classes").toAbsolutePath() + File.pathSeparator
          + Files.readString(Paths.get("examples/benchmarks/target/classpath.txt")).trim();
    }
    require(agentJar, "build it: mvn -B -q -DskipTests package");
    agentJar = agentJar.toAbsolutePath();
    configs.put(NONE, List.of());
    if (noise) {
      // The noise floor: the ai-warden column is a second JVM without an agent, measured like the others.
      configs.put(WARDEN, List.of());
      notes.add("--noise: the ai-warden column is a second JVM without any agent: its *added* column is"
          + " the difference between two identical JVMs, i.e. the noise floor of this run.");
    } else {
      configs.put(WARDEN, List.of("-javaagent:" + agentJar));
      setUpPolicy();
    }
    if (otel) {
      require(otelJar, "mvn -B -q -DskipTests package -pl examples/benchmarks -am fetches it");
      configs.put(OTEL, List.of("-javaagent:" + otelJar.toAbsolutePath(), "-Dotel.traces.exporter=none",
          "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
    } else {
      notes.add("The OpenTelemetry Java agent was left out (--no-otel).");
    }
    for (String c : configs.keySet()) {
      results.put(c, new LinkedHashMap<>());
    }
    System.out.printf("ai-warden performance suite: %s, %d rounds, scale %.2f, configurations %s, load %s%n",
        quick ? "quick" : "full", rounds, scale, configs.keySet(), loadBefore);

    if (wanted("micro")) {
      runMicro();
    }
    List<String> groups = new ArrayList<>();
    for (String g : List.of("openai", "azure", "nonai", "memory", "stream", "large")) {
      if (wanted(g)) {
        groups.add(g);
      }
    }
    if (!groups.isEmpty() || wanted("concurrency")) {
      runWorkers(String.join(",", groups), wanted("concurrency"));
    }
    if (wanted("startup")) {
      runStartup();
    }
    new Report(this).write(out);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  // --- Policy ---------------------------------------------------------------------------------

  private void setUpPolicy() throws Exception {
    if (policy.equals("none")) {
      return;
    }
    Path file;
    if (policy.equals("auto") || policy.equals("full")) {
      Path template = Paths.get("examples/benchmarks/full-policy.yaml");
      require(template, "the bundled policy template");
      String yaml = Files.readString(template)
          .replace("${OPENAI_KEY_FINGERPRINT}", fingerprint(openAiKey))
          .replace("${AZURE_KEY_FINGERPRINT}", fingerprint(azureKey));
      file = work.resolve("full-policy.yaml");
      Files.writeString(file, yaml);
    } else {
      file = Paths.get(policy).toAbsolutePath();
      require(file, "the policy file given with --policy");
    }
    Process p = new ProcessBuilder(java, "-jar", agentJar.toString(), "validate-policy", file.toString())
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int rc = p.waitFor();
    if (rc == 0) {
      policyFile = file;
      configs.put(POLICY, List.of("-javaagent:" + agentJar + "=policy=" + file));
      return;
    }
    if (said.contains("unknown command")) {
      String why = "This agent build has no policy engine yet (`validate-policy` is unknown), so the"
          + " full-policy configuration was not run.";
      if (policy.equals("auto")) {
        notes.add(why);
        System.out.println("note: " + why);
        return;
      }
      throw new IllegalStateException(why);
    }
    throw new IllegalStateException("the policy " + file + " does not validate (exit " + rc + "):\n" + said);
  }

  Path policyFile() {
    return policyFile;
  }

  // --- In-process micro-benchmarks -------------------------------------------------------------

  private void runMicro() throws Exception {
    microSettings = quick ? Micro.QUICK : Micro.FULL;
    Path extra = Paths.get("examples/benchmarks/target/classpath-jmh.txt");
    require(extra, "mvn -B -q -DskipTests package -pl agent,examples/benchmarks -am writes it");
    String cp = classpath + File.pathSeparator + Files.readString(extra).trim();
    Path json = work.resolve("runs/jmh.json");
    Files.deleteIfExists(json);
    // The openai-java chat the AI benchmarks replay, captured once here rather than in every fork.
    Path traffic = work.resolve("traffic");
    ChatTraffic.capture(openAiKey).save(traffic, openAiKey);
    List<String> cmd = Micro.command(java, cp, microSettings,
        String.join(" ", MICRO_HEAP) + " -D" + ChatTraffic.DIR_PROPERTY + "=" + traffic, policyFile, json);
    System.out.println("micro-benchmarks (JMH, in process, no agent): " + microSettings + " ...");
    Path stdout = work.resolve("runs/jmh.out");
    Path stderr = work.resolve("runs/jmh.err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    cleanEnvironment(pb.environment());
    // The key whose fingerprint the full policy allows; AiCallBench sends it as openai-java would.
    pb.environment().put("OPENAI_API_KEY", openAiKey);
    pb.environment().put("AZURE_OPENAI_API_KEY", azureKey); // AzureCallBench, as azure-ai-openai sends it
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the micro-benchmarks did not finish; see " + stdout);
    }
    String outText = Files.readString(stdout);
    String err = Files.readString(stderr);
    if (p.exitValue() != 0 || !Files.exists(json)) {
      throw new IllegalStateException("the micro-benchmarks failed (exit " + p.exitValue() + "); see " + stdout
          + "\n" + tail(outText + err, 3000));
    }
    if (outText.contains(openAiKey) || err.contains(openAiKey) || outText.contains(azureKey)
        || err.contains(azureKey)) {
      throw new IllegalStateException("a key appeared in the output of the micro-benchmarks: " + stdout);
    }
    micro.putAll(Micro.read(json));
  }

  Micro.Settings microSettings() {
    return microSettings;
  }

  // --- Workers --------------------------------------------------------------------------------

  private void runWorkers(String groups, boolean concurrency) throws Exception {
    Path tls = work.resolve("tls");
    Files.createDirectories(tls);
    Path hosts = LocalAiServer.writeHostsFile(work.resolve("hosts"), "api.openai.com", "myres.openai.azure.com");
    try (LocalAiServer server = LocalAiServer.start(new Options().keystoreDir(tls).validKeys(openAiKey, azureKey)
            .maxRecordedRequests(0));
        LocalAiServer paced = LocalAiServer.start(new Options().keystoreDir(tls).validKeys(openAiKey, azureKey)
            .maxRecordedRequests(0).streamChunkDelayMillis(1));
        PlainServer plain = new PlainServer()) {
      int choices = calibrateLargeResponse(server);
      List<String> common = new ArrayList<>(HEAP);
      common.addAll(List.of(
          "-Djdk.net.hosts.file=" + hosts,
          "-Djavax.net.ssl.trustStore=" + server.truststore(),
          "-Djavax.net.ssl.trustStorePassword=changeit",
          "-Djavax.net.ssl.trustStoreType=PKCS12"));
      if (!groups.isEmpty()) {
        List<String> args = workerArgs(groups, server, paced, plain, choices);
        // One discarded run first: the server, disk cache and CPU frequency settle.
        System.out.println("warm-up run (discarded) ...");
        runWorker("warmup", NONE, common, withScale(args, Math.min(scale, 0.2)));
        // Row (1)'s time per call in paired windows: the round's workers wait after their per-call
        // loops until all have run them, take turns in short windows, then go on one by one.
        List<String> loops = new ArrayList<>();
        for (String g : List.of("openai", "azure")) {
          if (Arrays.asList(groups.split(",")).contains(g)) {
            loops.add(g + ".chat");
          }
        }
        List<String> pairedArgs = new ArrayList<>(args);
        pairedArgs.add("percall.paired=true");
        for (int r = 0; r < rounds; r++) {
          if (!loops.isEmpty()) {
            record(r, new PairedWindows(this, r).perCall(common, pairedArgs, loops));
            continue;
          }
          for (String config : rotated(new ArrayList<>(configs.keySet()), r)) {
            System.out.printf("round %d/%d: %s ...%n", r + 1, rounds, config);
            record(config, r, runWorker("r" + (r + 1), config, common, args));
          }
        }
      }
      if (concurrency) {
        List<String> args = workerArgs("concurrency", server, paced, plain, choices);
        args.add("concurrency.paired=true");
        for (int r = 0; r < rounds; r++) {
          record(r, new PairedWindows(this, r).concurrency(common, args));
        }
      }
    }
  }

  /** One round's metrics of one configuration: each metric's list gets its value at index {@code round}. */
  void record(String config, int round, Map<String, Double> m) {
    Map<String, List<Double>> byMetric = results.get(config);
    Set<String> names = new LinkedHashSet<>(byMetric.keySet());
    names.addAll(m.keySet());
    for (String name : names) {
      List<Double> values = byMetric.computeIfAbsent(name, k -> new ArrayList<>());
      while (values.size() <= round) {
        values.add(Double.NaN);
      }
      Double v = m.get(name);
      if (v != null) {
        double before = values.get(round);
        // The checks' line counts add up over the JVMs of one round (other groups + concurrency).
        values.set(round, name.equals("agent.logged_calls") && !Double.isNaN(before) ? before + v : v);
      }
    }
  }

  private void record(int round, Map<String, Map<String, Double>> byConfig) {
    for (Map.Entry<String, Map<String, Double>> e : byConfig.entrySet()) {
      record(e.getKey(), round, e.getValue());
    }
  }

  List<String> workerArgs(String groups, LocalAiServer server, LocalAiServer paced, PlainServer plain, int choices) {
    List<String> a = new ArrayList<>(List.of(
        "only=" + groups,
        "scale=" + scale,
        "openai.base=https://api.openai.com:" + server.httpsPort() + "/v1",
        "azure.endpoint=https://myres.openai.azure.com:" + server.httpsPort(),
        "stream.base=https://api.openai.com:" + paced.httpsPort() + "/v1",
        "plain.url=http://127.0.0.1:" + plain.port() + "/ping",
        "large.response.choices=" + choices));
    if (settleMillis != null) {
      a.add("settle.max.ms=" + settleMillis);
    }
    return a;
  }

  private static List<String> withScale(List<String> args, double scale) {
    List<String> a = new ArrayList<>(args);
    a.replaceAll(s -> s.startsWith("scale=") ? "scale=" + scale : s);
    return a;
  }

  static <T> List<T> rotated(List<T> list, int by) {
    List<T> r = new ArrayList<>(list);
    Collections.rotate(r, -(by % Math.max(1, list.size())));
    return r;
  }

  private Map<String, Double> runWorker(String tag, String config, List<String> common, List<String> args)
      throws Exception {
    Path stdout = work.resolve("runs/" + tag + "-" + config + ".out");
    Path stderr = work.resolve("runs/" + tag + "-" + config + ".err");
    ProcessBuilder pb = workerProcess(tag, config, common, args)
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("worker " + tag + " " + config + " did not finish; see " + stderr);
    }
    return workerMetrics(tag, config, p.exitValue(), Files.readString(stdout), stderr);
  }

  /** A measured JVM of {@code config}, its environment set; the caller redirects its output. */
  ProcessBuilder workerProcess(String tag, String config, List<String> common, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(configs.get(config));
    cmd.addAll(common);
    if (profile) {
      // Where a target is missed: JFR's allocation samples and CPU samples, one file per run.
      cmd.add("-XX:StartFlightRecording=settings=profile,filename="
          + work.resolve("runs/" + tag + "-" + config + ".jfr"));
    }
    if (asprof != null) {
      // The measured loops only (LoopProfiler), not start-up and warm-up: collapsed stacks per loop.
      cmd.add("-Dbench.asprof=" + asprof);
      cmd.add("-Dbench.asprof.prefix=" + work.resolve("runs/" + tag + "-" + config));
    }
    cmd.addAll(workerJvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(Worker.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    cleanEnvironment(pb.environment());
    pb.environment().put("OPENAI_API_KEY", openAiKey);
    pb.environment().put("AZURE_OPENAI_API_KEY", azureKey);
    return pb;
  }

  /** The run's output: exit and leak checks, its METRIC lines and (ai-warden) how many calls it logged. */
  Map<String, Double> workerMetrics(String tag, String config, int exit, String outText, Path stderr)
      throws IOException {
    String err = Files.readString(stderr);
    if (exit != 0) {
      throw new IllegalStateException("worker " + tag + " " + config + " failed (exit " + exit + "); see "
          + stderr + "\n" + tail(err, 3000));
    }
    for (String key : List.of(openAiKey, azureKey)) {
      if (err.contains(key) || outText.contains(key)) {
        throw new IllegalStateException("a key appeared in the output of " + tag + " " + config + ": " + stderr);
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : outText.split("\n")) {
      if (line.startsWith("METRIC ")) {
        String[] parts = line.trim().split(" ");
        m.put(parts[1], Double.parseDouble(parts[2]));
      }
    }
    if (!config.equals(NONE) && !config.equals(OTEL) && !noise) {
      // ai-warden logs one line per call it saw: proof that it was really in the path.
      long seen = err.lines().filter(l -> l.contains(" key=sha256:")).count();
      m.put("agent.logged_calls", (double) seen);
      if (seen == 0) {
        notes.add("WARNING: ai-warden logged no AI call in run " + tag + " (" + config + "); see " + stderr);
      }
    }
    return m;
  }

  private static void cleanEnvironment(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("AIWARDEN_")
        || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
  }

  /** How many choices of 100000 words make a 10 MB chat completion, measured on the server itself. */
  private int calibrateLargeResponse(LocalAiServer server) throws Exception {
    long target = 10L << 20;
    long one = largeResponseSize(server, 1);
    int choices = (int) Math.max(1, (target + one - 1) / one);
    largeResponseBytes = largeResponseSize(server, choices);
    return choices;
  }

  private long largeResponseSize(LocalAiServer server, int choices) throws Exception {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a very long story.\"}],"
        + "\"n\":" + choices + "}";
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.httpUrl() + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + openAiKey)
            .header("Content-Type", "application/json")
            .header("x-test-words", "100000")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("calibration call failed: " + r.statusCode());
    }
    return r.body().length;
  }

  long largeResponseBytes() {
    return largeResponseBytes;
  }

  /** A non-AI endpoint: {@code GET /ping} answers {@code ok}. */
  static final class PlainServer implements AutoCloseable {
    private final HttpServer server;

    PlainServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 128);
      server.createContext("/ping", ex -> {
        byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, ok.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(ok);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  // --- Start-up -------------------------------------------------------------------------------

  static final String[] STARTUP_APPS = {"hello", "sdk", "many"};

  private void runStartup() throws Exception {
    int classes = 2000;
    Path many = ManyClasses.ensure(work, classes, classpath);
    Map<String, String> mains = new LinkedHashMap<>();
    mains.put("hello", HelloApp.class.getName());
    mains.put("sdk", SdkStartupApp.class.getName());
    mains.put("many", ManyClasses.MAIN);
    String manyCp = many + File.pathSeparator + classpath;
    List<String> order = new ArrayList<>(configs.keySet());
    // The floor any Java agent pays here (a do-nothing -javaagent), measured in the same rotation
    // for hello world and the small SDK app, and reported as a note beside the start-up rows.
    Path noop = noopAgentJar();
    Map<String, List<String>> withFloor = new LinkedHashMap<>(configs);
    withFloor.put(FLOOR, List.of("-javaagent:" + noop));
    Map<String, Map<String, List<Double>>> floor = new LinkedHashMap<>();
    for (String app : STARTUP_APPS) {
      String cp = app.equals("many") ? manyCp : classpath;
      // Warm the file cache, discarded (--quick: once, without an agent: the OTel agent's start is slow).
      for (String config : quick ? List.of(NONE) : order) {
        startupMillis(config, cp, mains.get(app));
      }
      List<String> appOrder = new ArrayList<>(order);
      if (!app.equals("many")) {
        appOrder.add(FLOOR);
      }
      for (int i = 0; i < startupRuns; i++) {
        for (String config : rotated(appOrder, i)) {
          double[] ms = startupMillis(withFloor.get(config), config, cp, mains.get(app));
          Map<String, List<Double>> into =
              config.equals(FLOOR) ? floor.computeIfAbsent(app, k -> new LinkedHashMap<>()) : results.get(config);
          into.computeIfAbsent("startup." + app + ".ms", k -> new ArrayList<>()).add(ms[0]);
          into.computeIfAbsent("startup." + app + ".cpu.ms", k -> new ArrayList<>()).add(ms[1]);
          into.computeIfAbsent("startup." + app + ".main.ms", k -> new ArrayList<>()).add(ms[2]);
        }
        System.out.printf("start-up %s: run %d/%d%n", app, i + 1, startupRuns);
      }
    }
    for (Map.Entry<String, Map<String, List<Double>>> e : floor.entrySet()) {
      String app = e.getKey();
      Map<String, List<Double>> none = results.get(NONE);
      Map<String, List<Double>> warden = results.get(WARDEN);
      String wall = "startup." + app + ".main.ms";
      String cpu = "startup." + app + ".cpu.ms";
      StringBuilder note = new StringBuilder()
          .append("Start-up floor (").append(app.equals("hello") ? "hello world" : "small SDK app")
          .append("): a do-nothing `-javaagent` (its premain registers a retransforming transformer that changes")
          .append(" nothing) adds ").append(addedMedian(e.getValue().get(wall), none.get(wall))).append(" ms wall and ")
          .append(addedMedian(e.getValue().get(cpu), none.get(cpu))).append(" ms CPU to main done in this run")
          .append(" (medians of runs in the same rotation), before any agent code runs");
      if (warden != null && warden.containsKey(wall)) {
        note.append("; ai-warden adds ").append(addedMedian(warden.get(wall), e.getValue().get(wall)))
            .append(" ms wall and ").append(addedMedian(warden.get(cpu), e.getValue().get(cpu)))
            .append(" ms CPU beyond that floor (both to main done)");
      }
      notes.add(note.append('.').toString());
    }
    for (String app : STARTUP_APPS) {
      classCountNote(app, order, app.equals("many") ? manyCp : classpath, mains.get(app));
    }
  }

  /**
   * One more, untimed run of {@code app} per configuration with {@code -Xlog:class+load}: how many
   * classes each loads by its exit, how many of them did not come from the JDK's class data sharing
   * archive (each of those is read, parsed and verified), and how many are ai-warden's (its shaded
   * libraries included). Counts do not depend on the machine's load, unlike the timings.
   */
  private void classCountNote(String app, List<String> order, String cp, String main) throws Exception {
    StringBuilder note = new StringBuilder("Classes loaded by exit (").append(app)
        .append(", one untimed run each with -Xlog:class+load; not from the CDS archive; ai-warden's):");
    for (String config : order) {
      Path log = work.resolve("runs/classes-" + app + "-" + config + ".log");
      Files.deleteIfExists(log);
      List<String> args = new ArrayList<>(configs.get(config));
      args.add("-Xlog:class+load=info:file=" + log);
      startupMillis(args, config, cp, main);
      int all = 0;
      int notShared = 0;
      int agent = 0;
      for (String line : Files.readAllLines(log)) {
        if (!line.contains("[class,load]")) {
          continue;
        }
        all++;
        notShared += line.contains("source: shared objects file") ? 0 : 1;
        agent += line.contains(" dev.aiwarden.") && !line.contains(" dev.aiwarden.examples.") ? 1 : 0;
      }
      note.append(' ').append(config).append(' ').append(all).append(" (").append(notShared)
          .append("; ").append(agent).append(')').append(config.equals(order.get(order.size() - 1)) ? "." : ",");
    }
    notes.add(note.toString());
  }

  /** A configuration of the start-up runs only: a do-nothing {@code -javaagent} ({@link NoopAgent}). */
  static final String FLOOR = "javaagent floor";

  /** median(with) - median(without), formatted; "?" when either side is missing. */
  private static String addedMedian(List<Double> with, List<Double> without) {
    if (with == null || without == null || with.isEmpty() || without.isEmpty()) {
      return "?";
    }
    double added = Report.median(with) - Report.median(without);
    return (added >= 0 ? "+" : "") + String.format(Locale.ROOT, "%.0f", added);
  }

  /** A jar holding the do-nothing agent, as {@link NoopAgent#LAST} (on no class path but its own). */
  private Path noopAgentJar() throws IOException {
    Path jar = work.resolve("noop-agent.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", NoopAgent.LAST);
    manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
    try (JarOutputStream out =
        new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // The agent's class only here, as a real agent's is (see NoopAgent).
      out.putNextEntry(new java.util.jar.JarEntry(NoopAgent.LAST.replace('.', '/') + ".class"));
      out.write(NoopAgent.renamedCopy());
      out.closeEntry();
    }
    return jar;
  }

  /** Wall time to exit, and the CPU time the app reported when its main was done (NaN if none). */
  private double[] startupMillis(String config, String cp, String main) throws Exception {
    return startupMillis(configs.get(config), config, cp, main);
  }

  private double[] startupMillis(List<String> jvmArgs, String config, String cp, String main) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main);
    Path err = work.resolve("runs/startup-" + config + ".err");
    Path outFile = work.resolve("runs/startup-" + config + ".out");
    // stdout comes through a pipe read here, so that the moment the app prints its last line (at the
    // end of main: ProcessCpu.print, flushed by println) is seen as it happens: "main done".
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    cleanEnvironment(pb.environment());
    long t0 = System.nanoTime();
    Process p = pb.start();
    StartupOutput out = StartupOutput.read(p.getInputStream(), t0);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("start-up run did not finish: " + cmd);
    }
    long t1 = System.nanoTime();
    Files.write(outFile, out.lines);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("start-up run failed: " + cmd + "\n" + tail(Files.readString(err), 2000));
    }
    return new double[] {(t1 - t0) / 1e6, out.cpuMillis, out.mainDoneMillis};
  }

  // --- For the report -------------------------------------------------------------------------

  List<String> configNames() {
    return new ArrayList<>(configs.keySet());
  }

  Path work() {
    return work;
  }

  boolean quick() {
    return quick;
  }

  int rounds() {
    return rounds;
  }

  int startupRuns() {
    return startupRuns;
  }

  double scale() {
    return scale;
  }

  List<String> notes() {
    return notes;
  }

  List<String> argv() {
    return argv;
  }

  String loadBefore() {
    return loadBefore;
  }

  Instant started() {
    return started;
  }

  String java() {
    return java;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  // --- Helpers --------------------------------------------------------------------------------

  private static void require(Path file, String hint) {
    if (!Files.exists(file)) {
      throw new IllegalStateException("missing " + file.toAbsolutePath() + " (" + hint + ")");
    }
  }

  static String fingerprint(String key) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    StringBuilder b = new StringBuilder("sha256:");
    for (int i = 0; i < 8; i++) {
      b.append(String.format(Locale.ROOT, "%02x", d[i]));
    }
    return b.toString();
  }

  static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }

  private static String random(String alphabet, int n) {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
