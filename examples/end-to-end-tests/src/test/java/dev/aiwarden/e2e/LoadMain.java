package dev.aiwarden.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load test's application (test-only main for {@link LoadIT}): {@code THREADS} threads make
 * chat calls through one shared JDK {@code HttpClient} for {@code SECONDS}, alternating between
 * the key every thread shares ({@code SHARED_KEY}) and a key of the thread's own (line i of the
 * file {@code THREAD_KEYS_FILE}). Every prompt is unique. Prints {@code LOAD name=value} lines:
 * the counts by outcome (the 40 warm-up calls included), heap after GC and RSS before and after
 * the bounded run.
 *
 * <p>Arguments: {@code SECONDS THREADS OPENAI_EVERY}: every {@code OPENAI_EVERY}-th thread calls
 * through openai-java (OkHttp; one client, a derived client per key) instead of the JDK client.
 * Settings: {@code LOAD_URL} (the chat completions URL), {@code OPENAI_BASE_URL}, {@code
 * LOAD_LIMIT} (the policy's {@code requests_per_minute}, to print how many own-key calls it must deny).
 */
public final class LoadMain {
  private static final AtomicLong SHARED_OK = new AtomicLong();
  private static final AtomicLong SHARED_DENIED = new AtomicLong();
  private static final AtomicLong OWN_OK = new AtomicLong();
  private static final AtomicLong OWN_DENIED = new AtomicLong();
  private static final AtomicLong OTHER = new AtomicLong();
  private static final AtomicLong OPENAI_JAVA_CALLS = new AtomicLong();
  private static final String DENIED = "ai-warden: blocked by limit.requests: ";
  private static volatile long maxRssKb;

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    int openAiEvery = Integer.parseInt(args[2]);
    String marker = System.getenv("LOAD_MARKER");
    URI uri = URI.create(System.getenv("LOAD_URL"));
    String shared = System.getenv("SHARED_KEY");
    List<String> own = Files.readAllLines(Paths.get(System.getenv("THREAD_KEYS_FILE")));
    int limit = Integer.parseInt(System.getenv("LOAD_LIMIT"));
    long[] ownCalls = new long[threads]; // each thread's own key: only that thread (and warm-up) uses it
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    OpenAIClient openAi =
        OpenAIOkHttpClient.builder()
            .baseUrl(System.getenv("OPENAI_BASE_URL"))
            .apiKey(shared)
            .maxRetries(0)
            .build();

    // Warm up both clients (classes loaded, hooks installed, pools filled) with the own keys of
    // the first threads, then measure.
    for (int i = 0; i < 20; i++) {
      call(client, uri, own.get(i), marker + " warm-" + i, false);
      String key = own.get(i);
      call(openAi.withOptions(o -> o.apiKey(key)), marker + " warm-openai-" + i, false);
      ownCalls[i] += 2;
    }
    long heapStart = heapAfterGc();
    histogram("histogram-start.txt");
    long rssStart = rssKb();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        maxRssKb = Math.max(maxRssKb, rssKb());
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();

    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String ownKey = own.get(t);
      int id = t;
      boolean viaOpenAi = openAiEvery > 0 && t % openAiEvery == 0;
      OpenAIClient ownClient = openAi.withOptions(o -> o.apiKey(ownKey));
      Thread w = new Thread(() -> {
        for (long c = 0; System.nanoTime() < deadline; c++) {
          boolean useShared = c % 2 == 0;
          String prompt = marker + " " + id + "-" + c;
          if (!useShared) {
            ownCalls[id]++;
          }
          if (viaOpenAi) {
            call(useShared ? openAi : ownClient, prompt, useShared);
          } else {
            call(client, uri, useShared ? shared : ownKey, prompt, useShared);
          }
        }
      }, "load-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 60_000));
      if (w.isAlive()) {
        System.out.println("LOAD stuck=" + w.getName());
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
          System.out.println("\"" + e.getKey().getName() + "\" " + e.getKey().getState());
          for (StackTraceElement f : e.getValue()) {
            System.out.println("    at " + f);
          }
        }
        System.exit(3);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    sampler.interrupt();
    long heapEnd = heapAfterGc();
    histogram("histogram-end.txt");
    long calls = SHARED_OK.get() + SHARED_DENIED.get() + OWN_OK.get() + OWN_DENIED.get() + OTHER.get();
    System.out.println("LOAD calls=" + calls);
    System.out.println("LOAD millis=" + millis);
    System.out.println("LOAD shared_ok=" + SHARED_OK.get());
    System.out.println("LOAD shared_denied=" + SHARED_DENIED.get());
    System.out.println("LOAD own_ok=" + OWN_OK.get());
    System.out.println("LOAD own_denied=" + OWN_DENIED.get());
    long expected = 0;
    for (long n : ownCalls) {
      expected += Math.max(0, n - limit);
    }
    // Sequential calls per own key within one minute: all beyond the limit are denied.
    System.out.println("LOAD own_expected_denied=" + expected);
    System.out.println("LOAD other=" + OTHER.get());
    System.out.println("LOAD openai_java_calls=" + OPENAI_JAVA_CALLS.get());
    System.out.println("LOAD heap_start_kb=" + heapStart / 1024);
    System.out.println("LOAD heap_end_kb=" + heapEnd / 1024);
    System.out.println("LOAD rss_start_kb=" + rssStart);
    System.out.println("LOAD rss_end_kb=" + rssKb());
    System.out.println("LOAD rss_max_kb=" + maxRssKb);
  }

  private static void call(HttpClient client, URI uri, String key, String prompt, boolean shared) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}"))
            .build();
    try {
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        (shared ? SHARED_OK : OWN_OK).incrementAndGet();
      } else {
        OTHER.incrementAndGet();
      }
    } catch (IOException e) {
      failed(e, shared);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The same call through openai-java. */
  private static void call(OpenAIClient client, String prompt, boolean shared) {
    OPENAI_JAVA_CALLS.incrementAndGet();
    try {
      client.chat().completions().create(
          ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(prompt).build());
      (shared ? SHARED_OK : OWN_OK).incrementAndGet();
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      failed(t, shared);
    }
  }

  private static void failed(Throwable e, boolean shared) {
    if (String.valueOf(e.getMessage()).startsWith(DENIED)) {
      (shared ? SHARED_DENIED : OWN_DENIED).incrementAndGet();
    } else {
      OTHER.incrementAndGet();
      System.out.println("LOAD error " + e);
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The live heap's class histogram ({@code jcmd PID GC.class_histogram}) into the run directory. */
  private static void histogram(String file) {
    try {
      Process p = new ProcessBuilder(
              Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
              Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectOutput(Paths.get(file).toFile()).redirectErrorStream(true).start();
      p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      System.out.println("LOAD no histogram: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** VmRSS from /proc/self/status, in kB (0 where there is no /proc). */
  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
