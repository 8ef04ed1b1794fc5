package dev.aiwarden.examples.benchmarks;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.AzureKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One measured JVM of the performance suite: started by {@link Suite} without an agent, with
 * ai-warden or with the OpenTelemetry Java agent, it runs the same workloads in the same order and
 * prints one {@code METRIC name value} line per figure. It knows nothing of the agent attached to
 * it; the keys come from the environment like in any application.
 *
 * <p>Workloads, in order (each warmed up, then measured): openai-java chat with a 2 KB prompt over
 * TLS; the same through azure-ai-openai; a non-AI OkHttp GET; a non-AI {@code java.net.http} GET;
 * memory after warm-up; a 500-chunk SSE stream; a 10 MB request and a 10 MB response; 64 threads
 * of openai-java chats. Arguments are {@code key=value}: see {@link Suite#workerArgs}. With {@code
 * percall.paired} it waits after the two chat loops for the suite's paired windows on stdin
 * ({@link #callWindows()}, {@link PairedWindows#perCall}) before the other workloads.
 */
public final class Worker {
  /** About 2 KB: what a real chat prompt with some context looks like. */
  static final String PROMPT_2K = prompt(2048);

  /** CPU time of the whole JVM (all threads): what a call costs even when the cores are shared. */
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final Map<String, String> p;
  private final double scale;
  /** The per-call loops of (1) by name ({@code openai.chat}, {@code azure.chat}), for {@link #callWindows()}. */
  private final Map<String, Call> pairedCalls = new java.util.LinkedHashMap<>();
  /** The suite's commands on stdin (paired windows); one reader, made when first needed. */
  private static java.io.BufferedReader commands;

  private Worker(Map<String, String> p) {
    this.p = p;
    this.scale = Double.parseDouble(p.getOrDefault("scale", "1"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> p = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      p.put(a.substring(0, eq), a.substring(eq + 1));
    }
    new Worker(p).run();
    System.out.flush();
    // Non-daemon threads of the SDKs (reactor-netty, OkHttp) must not keep the JVM alive.
    System.exit(0);
  }

  private void run() throws Exception {
    List<String> only = Arrays.asList(p.getOrDefault("only", "all").split(","));
    OpenAIClient openai =
        OpenAIOkHttpClient.builder()
            .baseUrl(p.get("openai.base"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .build();
    if (wanted(only, "openai")) {
      openAiChat(openai);
    }
    if (wanted(only, "azure")) {
      azureChat();
    }
    if (p.containsKey("percall.paired") && !pairedCalls.isEmpty()) {
      // Row (1) in paired windows (PairedWindows#perCall): this JVM waits here, warm and settled,
      // while the other configurations' JVMs run their per-call loops; then they take turns.
      callWindows();
    }
    if (wanted(only, "nonai")) {
      okHttpGet();
      jdkHttpGet();
    }
    if (wanted(only, "memory")) {
      memory();
    }
    if (wanted(only, "stream")) {
      stream();
    }
    if (wanted(only, "large")) {
      largeRequest(openai);
      largeResponse();
    }
    if (wanted(only, "concurrency")) {
      concurrency();
    }
    openai.close();
  }

  private static boolean wanted(List<String> only, String name) {
    return only.contains("all") || only.contains(name);
  }

  private int count(String name, int full) {
    return Math.max(2, (int) Math.round(Integer.parseInt(p.getOrDefault("n." + name, "" + full)) * scale));
  }

  // --- (1) allowed AI calls -------------------------------------------------------------------

  static ChatCompletionCreateParams chat(String prompt) {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addSystemMessage("You are a concise assistant.")
        .addUserMessage(prompt)
        .maxCompletionTokens(64)
        .temperature(0.2)
        .user("user-4711")
        .build();
  }

  private void openAiChat(OpenAIClient openai) {
    ChatCompletionCreateParams params = chat(PROMPT_2K);
    Call call =
        () -> {
          ChatCompletion c = openai.chat().completions().create(params);
          if (c.choices().isEmpty()) {
            throw new IllegalStateException("no choices");
          }
        };
    perCall("openai.chat", call, count("openai.warm", 3000), count("openai", 3000));
    pairedCalls.put("openai.chat", call);
  }

  private void azureChat() {
    com.azure.ai.openai.OpenAIClient azure =
        new OpenAIClientBuilder()
            .endpoint(p.get("azure.endpoint"))
            .credential(new AzureKeyCredential(System.getenv("AZURE_OPENAI_API_KEY")))
            .buildClient();
    List<ChatRequestMessage> messages =
        List.of(
            new ChatRequestSystemMessage("You are a concise assistant."),
            new ChatRequestUserMessage(PROMPT_2K));
    Call call =
        () -> {
          ChatCompletions c =
              azure.getChatCompletions(
                  "my-gpt4o-deployment",
                  new ChatCompletionsOptions(messages).setMaxTokens(64).setTemperature(0.2).setUser("user-4711"));
          if (c.getChoices().isEmpty()) {
            throw new IllegalStateException("no choices");
          }
        };
    perCall("azure.chat", call, count("azure.warm", 2000), count("azure", 2000));
    pairedCalls.put("azure.chat", call);
  }

  // --- (2) non-AI calls -----------------------------------------------------------------------

  private void okHttpGet() {
    OkHttpClient ok = new OkHttpClient();
    Request request = new Request.Builder().url(p.get("plain.url")).build();
    Call call =
        () -> {
          try (Response r = ok.newCall(request).execute()) {
            if (r.code() != 200 || r.body().bytes().length == 0) {
              throw new IllegalStateException("GET " + r.code());
            }
          }
        };
    perCall("okhttp.get", call, count("nonai.warm", 20000), count("nonai", 20000));
    ok.dispatcher().executorService().shutdown();
    ok.connectionPool().evictAll();
  }

  private void jdkHttpGet() {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(p.get("plain.url"))).GET().build();
    Call call =
        () -> {
          HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200 || r.body().length == 0) {
            throw new IllegalStateException("GET " + r.statusCode());
          }
        };
    perCall("jdkhttp.get", call, count("nonai.warm", 20000), count("nonai", 20000));
  }

  // --- (4) memory -----------------------------------------------------------------------------

  private static void memory() throws IOException {
    fullGc();
    metric("mem.heap.mb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6);
    metric("mem.nonheap.mb", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed() / 1e6);
    metric("mem.classes", ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    metric("mem.rss.mb", rssKilobytes() / 1e3);
    // The same, with G1 told to keep no more heap than its live data needs: the heap regions a
    // JVM has committed and touched after the loops depend on how G1 happened to size its young
    // generation, and differ from run to run of the same configuration by tens of MB. Shrunk,
    // what is left is what the JVM (and an agent in it) keeps. The ratios are put back for the
    // groups after this one (their warm-up loops grow the heap again before they measure).
    com.sun.management.HotSpotDiagnosticMXBean vm =
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    String min = vm.getVMOption("MinHeapFreeRatio").getValue();
    String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
    try {
      vm.setVMOption("MinHeapFreeRatio", "0");
      vm.setVMOption("MaxHeapFreeRatio", "10");
      fullGc();
      metric("mem.rss.shrunk.mb", settledRssKilobytes() / 1e3);
    } finally {
      vm.setVMOption("MaxHeapFreeRatio", max);
      vm.setVMOption("MinHeapFreeRatio", min);
    }
  }

  /**
   * {@link #rssKilobytes()} once G1 has given back what it shrank: since Java 17 it uncommits
   * regions in the background after the GC, so the reading waits until two readings 200 ms apart
   * agree (at most 3 s).
   */
  private static long settledRssKilobytes() throws IOException {
    long last = rssKilobytes();
    for (int i = 0; i < 15; i++) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long now = rssKilobytes();
      if (now == last) {
        break;
      }
      last = now;
    }
    return last;
  }

  /** Resident set size from {@code /proc/self/status} (Linux), or -1. */
  static long rssKilobytes() throws IOException {
    if (!Files.isReadable(Paths.get("/proc/self/status"))) {
      return -1;
    }
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void fullGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  // --- (6) streaming --------------------------------------------------------------------------

  private void stream() {
    int words = Integer.parseInt(p.getOrDefault("stream.words", "500"));
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o")
            .addUserMessage(PROMPT_2K)
            .putAdditionalHeader("x-test-words", String.valueOf(words))
            .build();
    // Paced server (a pause between events, as a model produces tokens): first chunk and total.
    stream("stream", p.get("stream.base"), params, count("stream.warm", 5), count("stream", 10));
    // Unpaced: the per-chunk cost of watching the stream, with nothing to hide it.
    stream("stream.fast", p.get("openai.base"), params, count("stream.fast.warm", 200), count("stream.fast", 200));
  }

  private void stream(String name, String base, ChatCompletionCreateParams params, int warm, int n) {
    OpenAIClient client =
        OpenAIOkHttpClient.builder().baseUrl(base).apiKey(System.getenv("OPENAI_API_KEY")).maxRetries(0).build();
    long[] first = new long[n];
    long[] total = new long[n];
    int chunks = 0;
    for (int i = -warm; i < n; i++) {
      long start = System.nanoTime();
      long firstAt = 0;
      int c = 0;
      try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
        Iterator<ChatCompletionChunk> it = s.stream().iterator();
        while (it.hasNext()) {
          it.next();
          if (c++ == 0) {
            firstAt = System.nanoTime();
          }
        }
      }
      long end = System.nanoTime();
      if (i >= 0) {
        first[i] = firstAt - start;
        total[i] = end - start;
        chunks = c;
      }
    }
    metric(name + ".first.ms", median(first) / 1e6);
    metric(name + ".total.ms", median(total) / 1e6);
    metric(name + ".chunks", chunks);
    client.close();
  }

  // --- (5) large bodies -----------------------------------------------------------------------

  private void largeRequest(OpenAIClient openai) {
    int bytes = Integer.parseInt(p.getOrDefault("large.bytes", "" + (10 << 20)));
    byte[] image = new byte[bytes * 3 / 4]; // base64 makes it 4/3 larger: ~bytes on the wire
    new Random(42).nextBytes(image);
    String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(image);
    image = null;
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o")
            .addUserMessageOfArrayOfContentParts(
                List.of(
                    ChatCompletionContentPart.ofText(
                        ChatCompletionContentPartText.builder().text("Replace the sky with a sunset.").build()),
                    ChatCompletionContentPart.ofImageUrl(
                        ChatCompletionContentPartImage.builder()
                            .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(dataUrl).build())
                            .build())))
            .maxCompletionTokens(64)
            .build();
    metric("large.request.bytes", dataUrl.length());
    large("large.request", () -> openai.chat().completions().create(params));
  }

  private void largeResponse() {
    int choices = Integer.parseInt(p.getOrDefault("large.response.choices", "16"));
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(p.get("openai.base"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .timeout(Duration.ofMinutes(2))
            .build();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o")
            .addUserMessage("Write a very long story.")
            .n(choices)
            .putAdditionalHeader("x-test-words", p.getOrDefault("large.response.words", "100000"))
            .build();
    large("large.response", () -> client.chat().completions().create(params));
    client.close();
  }

  private void large(String name, Call call) {
    int warm = count("large.warm", 5);
    int n = count("large", 10);
    try {
      for (int i = 0; i < warm; i++) {
        call.run();
      }
      fullGc();
      List<MemoryPoolMXBean> heap = new ArrayList<>();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported()) {
          heap.add(pool);
        }
      }
      long[] times = new long[n];
      long peak = 0;
      long allocated = 0;
      for (int i = 0; i < n; i++) {
        fullGc();
        for (MemoryPoolMXBean pool : heap) {
          pool.resetPeakUsage();
        }
        Allocation a0 = Allocation.start();
        long t0 = System.nanoTime();
        call.run();
        times[i] = System.nanoTime() - t0;
        allocated += a0.allocatedSince();
        long sum = 0;
        for (MemoryPoolMXBean pool : heap) {
          sum += pool.getPeakUsage().getUsed();
        }
        peak = Math.max(peak, sum);
      }
      metric(name + ".ms", median(times) / 1e6);
      metric(name + ".alloc", allocated / (double) n);
      metric(name + ".peak.mb", peak / 1e6);
    } catch (Exception e) {
      throw new IllegalStateException(name + " failed", e);
    }
  }

  // --- (7) concurrency ------------------------------------------------------------------------

  private void concurrency() throws Exception {
    int threads = Integer.parseInt(p.getOrDefault("concurrency.threads", "64"));
    // A client whose pool keeps a connection per thread, as a service calling from 64 threads would
    // configure it. With openai-java's default (5 idle connections) most calls opened a new TLS
    // connection: the loop measured handshakes, and the JIT never settled (8-12 s of compiling in
    // each 10 s loop, with or without an agent). openai-java wants both settings or neither; 5 min
    // is OkHttp's default keep-alive.
    OpenAIClient openai =
        OpenAIOkHttpClient.builder()
            .baseUrl(p.get("openai.base"))
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .maxRetries(0)
            .maxIdleConnections(threads)
            .keepAliveDuration(java.time.Duration.ofMinutes(5))
            .build();
    double warmSeconds = Double.parseDouble(p.getOrDefault("concurrency.warm.s", "5")) * Math.min(1, scale * 2);
    double seconds = Double.parseDouble(p.getOrDefault("concurrency.s", "10")) * Math.min(1, scale * 2);
    ChatCompletionCreateParams params = chat(PROMPT_2K);
    // A cold JVM first (run alone, --only concurrency): warm the client up on one thread, as the
    // openai group would have (classes, JIT, a connection). Without it the 64 threads spent the
    // whole measured time in their first calls, and the figure was 0 calls/s.
    for (int i = 0; i < count("concurrency.warm.calls", 1000); i++) {
      openai.chat().completions().create(params);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Gate gate = new Gate();
    CountDownLatch finished = new CountDownLatch(threads);
    CountDownLatch firstCalls = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  boolean first = true;
                  while (!stop.get()) {
                    gate.pass(stop);
                    if (stop.get()) {
                      break;
                    }
                    try {
                      openai.chat().completions().create(params);
                      done.incrementAndGet();
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                    }
                    if (first) {
                      firstCalls.countDown();
                      first = false;
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  finished.countDown();
                }
              },
              "bench-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    // Every thread has made its first call (opened its connection) before the warm-up time runs.
    if (!firstCalls.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(threads + " threads: not every one completed a first call in 5 minutes");
    }
    Thread.sleep((long) (warmSeconds * 1000));
    // Then until the JIT has settled, as in perCall (the threads go on calling meanwhile).
    // With 64 threads on 2 cores the compiler threads get a small share of the CPU: C2 took 30-45 s
    // to empty its queue here (three times the per-call loops' cap, 60 s at full scale).
    long settleMs = settleWhileRunning(settleCapMillis() * 3);
    // 0 when settled; more when the cap ended the settling with methods still to compile.
    int queued = CompileQueue.pending();
    long jit0 = jitMillis();
    long calls;
    long cpuNanos;
    long wallNanos;
    if (p.containsKey("concurrency.paired")) {
      // Paired windows (Suite#runConcurrency): the suite starts one such JVM per configuration and
      // lets them call in turn, one short window at a time, so a configuration is always compared
      // with a no-agent window right next to it in time, under the same load of the shared machine.
      gate.close(threads);
      ThreadCpu.Sum groups = new ThreadCpu.Sum();
      long[] total = windows(gate, done, threads, groups);
      // Over the calls finished until every thread had stopped, like the process CPU per call.
      threadGroupMetrics("concurrency", groups, total[2]);
      calls = total[0];
      wallNanos = total[1];
      // CPU per call: the CPU until every thread had stopped, over the calls finished until then.
      cpuNanos = (long) (total[3] * (total[0] / (double) Math.max(1, total[2])));
    } else {
      LoopProfiler.start("concurrency");
      ThreadCpu.Snapshot threads0 = ThreadCpu.now();
      long c0 = done.get();
      long cpu0 = CPU.getProcessCpuTime();
      long t0 = System.nanoTime();
      Thread.sleep((long) (seconds * 1000));
      calls = done.get() - c0;
      cpuNanos = CPU.getProcessCpuTime() - cpu0;
      wallNanos = System.nanoTime() - t0;
      ThreadCpu.Sum groups = new ThreadCpu.Sum();
      groups.add(ThreadCpu.now().since(threads0));
      threadGroupMetrics("concurrency", groups, calls);
      LoopProfiler.stop("concurrency");
    }
    // Printed after the loop: a double printed before it had C2 compile its formatting (dtoa) in it.
    metric("concurrency.settle.s", settleMs / 1e3);
    metric("concurrency.settle.queued", queued);
    metric("concurrency.loop.jit.ms", jitMillis() - jit0);
    stop.set(true);
    gate.open();
    finished.await();
    metric("concurrency.calls_per_s", calls / (wallNanos / 1e9));
    metric("concurrency.cpu.us", cpuNanos / 1e3 / Math.max(1, calls));
    metric("concurrency.errors", errors.get());
  }

  /**
   * The paired-window protocol on stdin/stdout: prints {@code READY}, then for each line
   * {@code RUN <ms>} lets the threads call for that long, stops them (waiting for the calls under
   * way), and prints {@code WINDOW <calls in the window> <wall ns> <calls until all stopped>
   * <process CPU ns until all stopped>}; {@code MEASURE} starts the loop profiler, {@code END} ends.
   * Returns, summed over the measured windows: calls in the windows, their wall ns, calls until all
   * threads had stopped, process CPU ns until then; adds the measured windows' CPU by thread group
   * (until all had stopped) to {@code groups}.
   */
  private static long[] windows(Gate gate, AtomicLong done, int threads, ThreadCpu.Sum groups) throws Exception {
    java.io.BufferedReader in = commands();
    System.out.println("READY");
    System.out.flush();
    long[] total = new long[4];
    boolean measuring = false;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("END")) {
        break;
      }
      if (line.equals("MEASURE")) {
        measuring = true;
        LoopProfiler.start("concurrency");
        continue;
      }
      long ms = Long.parseLong(line.substring("RUN ".length()).trim());
      ThreadCpu.Snapshot threads0 = measuring ? ThreadCpu.now() : null;
      long c0 = done.get();
      long cpu0 = CPU.getProcessCpuTime();
      long t0 = System.nanoTime();
      gate.open();
      Thread.sleep(ms);
      long c1 = done.get();
      long t1 = System.nanoTime();
      gate.close(threads);
      long c2 = done.get();
      long cpu2 = CPU.getProcessCpuTime();
      if (measuring) {
        total[0] += c1 - c0;
        total[1] += t1 - t0;
        total[2] += c2 - c0;
        total[3] += cpu2 - cpu0;
        groups.add(ThreadCpu.now().since(threads0));
      }
      System.out.println("WINDOW " + (c1 - c0) + " " + (t1 - t0) + " " + (c2 - c0) + " " + (cpu2 - cpu0));
      System.out.flush();
    }
    if (measuring) {
      LoopProfiler.stop("concurrency");
    }
    return total;
  }

  private static synchronized java.io.BufferedReader commands() {
    if (commands == null) {
      commands = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    return commands;
  }

  /**
   * The per-call paired-window protocol (row 1, one calling thread) on stdin/stdout: prints {@code
   * READY}, then for each line {@code RUN <loop> <ms>} makes that loop's calls ({@code openai.chat},
   * {@code azure.chat}: the ones just measured by {@link #perCall}) one after the other for that long,
   * each timed with {@code System.nanoTime}, and prints {@code WINDOW <calls> <wall ns> <median ns per
   * call> <process CPU ns> <mean ns per call>}; {@code MEASURE} marks the windows so far as
   * unmeasured; {@code END} prints each loop's CPU per call by thread group over its measured windows
   * ({@code <loop>.paired.cpu.<group>.us}) and returns (the other groups follow).
   */
  private void callWindows() throws Exception {
    java.io.BufferedReader in = commands();
    System.out.println("READY");
    System.out.flush();
    long[] times = new long[1 << 14];
    Map<String, ThreadCpu.Sum> groups = new java.util.LinkedHashMap<>();
    Map<String, Long> groupCalls = new HashMap<>();
    for (String line; (line = in.readLine()) != null && !line.equals("END"); ) {
      if (line.equals("MEASURE")) {
        groups.clear();
        groupCalls.clear();
        continue;
      }
      String[] f = line.trim().split(" ");
      Call call = pairedCalls.get(f[1]);
      if (call == null) {
        throw new IllegalArgumentException("no per-call loop " + f[1] + " in this worker: " + line);
      }
      ThreadCpu.Snapshot threads0 = ThreadCpu.now();
      long cpu0 = CPU.getProcessCpuTime();
      long t0 = System.nanoTime();
      long end = t0 + Long.parseLong(f[2]) * 1_000_000L;
      long t = t0;
      int n = 0;
      do {
        call.run();
        long t1 = System.nanoTime();
        if (n == times.length) {
          times = Arrays.copyOf(times, n * 2);
        }
        times[n++] = t1 - t;
        t = t1;
      } while (t < end);
      long cpu = CPU.getProcessCpuTime() - cpu0;
      groups.computeIfAbsent(f[1], k -> new ThreadCpu.Sum()).add(ThreadCpu.now().since(threads0));
      groupCalls.merge(f[1], (long) n, Long::sum);
      long median = (long) median(Arrays.copyOf(times, n));
      System.out.println("WINDOW " + n + " " + (t - t0) + " " + median + " " + cpu + " " + (t - t0) / n);
      System.out.flush();
    }
    for (Map.Entry<String, ThreadCpu.Sum> e : groups.entrySet()) {
      threadGroupMetrics(e.getKey() + ".paired", e.getValue(), groupCalls.get(e.getKey()));
    }
  }

  /**
   * {@code <prefix>.cpu.<group>.us}: each thread group's CPU ({@link ThreadCpu}, 10 ms ticks per
   * thread) over {@code calls}, and {@code <prefix>.cpu.ticks} the ticks summed (how coarse it is).
   */
  static void threadGroupMetrics(String prefix, ThreadCpu.Sum groups, long calls) {
    long ticks = 0;
    for (Map.Entry<String, Double> e : groups.perCallMicros(calls).entrySet()) {
      metric(prefix + ".cpu." + e.getKey() + ".us", e.getValue());
    }
    for (long t : groups.ticks.values()) {
      ticks += t;
    }
    metric(prefix + ".cpu.ticks", ticks);
  }

  /** Where the 64 threads wait between paired windows; closing waits until every one is waiting. */
  private static final class Gate {
    // Read without the lock on every call: an open gate costs a volatile read, no monitor.
    private volatile boolean closed;
    private int waiting;

    void pass(AtomicBoolean stop) throws InterruptedException {
      if (closed) {
        waitWhileClosed(stop);
      }
    }

    private synchronized void waitWhileClosed(AtomicBoolean stop) throws InterruptedException {
      waiting++;
      notifyAll();
      while (closed && !stop.get()) {
        wait();
      }
      waiting--;
    }

    synchronized void open() {
      closed = false;
      notifyAll();
    }

    synchronized void close(int threads) throws InterruptedException {
      closed = true;
      while (waiting < threads) {
        wait();
      }
    }
  }

  // --- Measuring ------------------------------------------------------------------------------

  interface Call {
    void run() throws Exception;
  }

  /** Warms up (then {@link #settle(Call)}), then times {@code n} calls one by one: median µs per call and bytes allocated per call. */
  private void perCall(String name, Call call, int warm, int n) {
    try {
      long jitWarm = jitMillis();
      for (int i = 0; i < warm; i++) {
        call.run();
      }
      metric(name + ".settle.calls", settle(call));
      long jit0 = jitMillis();
      // What the JIT compiled while warming up: the one-time cost of compiling this path (the
      // agent's code included), which the per-call figures below no longer carry.
      metric(name + ".warm.jit.ms", jit0 - jitWarm);
      long[] times = new long[n];
      LoopProfiler.start(name);
      ThreadCpu.Snapshot threads0 = ThreadCpu.now();
      long cpu0 = CPU.getProcessCpuTime();
      Allocation a0 = Allocation.start();
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        call.run();
        times[i] = System.nanoTime() - t0;
      }
      long allocated = a0.allocatedSince();
      long cpu = CPU.getProcessCpuTime() - cpu0;
      ThreadCpu.Sum threads = new ThreadCpu.Sum();
      threads.add(ThreadCpu.now().since(threads0));
      LoopProfiler.stop(name);
      // What the JIT still compiled during the measured loop (0 when it had settled).
      metric(name + ".loop.jit.ms", jitMillis() - jit0);
      metric(name + ".us", median(times) / 1e3);
      metric(name + ".cpu.us", cpu / 1e3 / n);
      threadGroupMetrics(name, threads, n);
      metric(name + ".p90.us", percentile(times, 0.9) / 1e3);
      metric(name + ".alloc", allocated / (double) n);
    } catch (Exception e) {
      throw new IllegalStateException(name + " failed", e);
    }
  }

  /**
   * After the fixed warm-up, goes on calling until the JIT has settled: until {@value
   * #SETTLE_QUIET_BLOCKS} blocks of calls in a row (each about {@value #SETTLE_BLOCK_MS} ms) passed while the JIT compilers spent at most
   * {@value #SETTLE_QUIET_PERCENT} % of the block's time compiling and ended with nothing being compiled or
   * queued for compiling ({@link CompileQueue}), or {@link #settleCapMillis}
   * ran out. Without this, C2 was still compiling the SDK's code (hundreds of methods, in both
   * configurations) in the measured loops of a full run: its threads took up to half of the
   * JVM's CPU there, more with an agent (more code), and a per-call difference between two JVMs
   * measured which one's compiler had finished first. Returns the calls it added.
   */
  private long settle(Call call) throws Exception {
    long[] calls = {0};
    settle(
        blockEnd -> {
          do {
            call.run();
            calls[0]++;
          } while (System.nanoTime() < blockEnd);
        },
        settleCapMillis());
    return calls[0];
  }

  /** {@link #settle(Call)} for work that runs on other threads: waits; returns the ms it waited. */
  private long settleWhileRunning(long capMillis) throws Exception {
    long start = System.nanoTime();
    settle(blockEnd -> Thread.sleep(Math.max(1, (blockEnd - System.nanoTime()) / 1_000_000L)), capMillis);
    return (System.nanoTime() - start) / 1_000_000L;
  }

  /** One block of settling: work (or wait) until {@code System.nanoTime()} reaches {@code blockEnd}. */
  interface Block {
    void run(long blockEnd) throws Exception;
  }

  private void settle(Block block, long capMillis) throws Exception {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long deadline = System.nanoTime() + capMillis * 1_000_000L;
    int quiet = 0;
    while (quiet < SETTLE_QUIET_BLOCKS && System.nanoTime() < deadline) {
      long jit0 = jit.getTotalCompilationTime();
      long t0 = System.nanoTime();
      block.run(t0 + SETTLE_BLOCK_MS * 1_000_000L);
      long blockMs = (System.nanoTime() - t0) / 1_000_000L;
      long compiledMs = jit.getTotalCompilationTime() - jit0;
      // The compile time counts a compile only once it ends: a starved compiler thread working
      // on one method for seconds leaves the blocks looking quiet (CompileQueue), so the queues
      // must be empty too (-1: the JVM does not say; the time alone decides).
      boolean quietBlock = compiledMs * 100 <= SETTLE_QUIET_PERCENT * blockMs && CompileQueue.pending() <= 0;
      quiet = quietBlock ? quiet + 1 : 0;
    }
  }

  /** The JIT compilers' total compilation time so far, or 0 when the JVM does not say. */
  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit == null || !jit.isCompilationTimeMonitoringSupported() ? 0 : jit.getTotalCompilationTime();
  }

  /** Quiet blocks in a row that count as settled (C2 works in bursts: one quiet block is not enough). */
  static final int SETTLE_QUIET_BLOCKS = 4;
  /** The length of one block of calls while settling. */
  static final long SETTLE_BLOCK_MS = 250;
  /** A block is quiet when the JIT compiled for at most this share of its time. */
  static final long SETTLE_QUIET_PERCENT = 2;

  /** The longest a loop's settling may take: 20 s at full scale (so a JIT that never settles costs 20 s). */
  private long settleCapMillis() {
    return (long) (Long.parseLong(p.getOrDefault("settle.max.ms", "20000")) * Math.min(1, scale * 2));
  }

  static double median(long[] values) {
    return percentile(values, 0.5);
  }

  static double percentile(long[] values, double q) {
    long[] v = values.clone();
    Arrays.sort(v);
    if (v.length == 0) {
      return Double.NaN;
    }
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  }

  static void metric(String name, double value) {
    System.out.println("METRIC " + name + " " + value);
  }

  /** A prompt of about {@code chars} characters of ordinary prose. */
  static String prompt(int chars) {
    String sentence =
        "Our quarterly revenue grew in every region while costs stayed flat, and the team shipped"
            + " the new onboarding flow two weeks early. ";
    StringBuilder b = new StringBuilder("Summarise the following notes in one friendly sentence. ");
    while (b.length() < chars) {
      b.append(sentence);
    }
    b.setLength(chars);
    return new String(b.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
