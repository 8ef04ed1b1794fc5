package dev.aiwarden.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The application of {@link OkHttpDenialsIT} (test-only main): {@code SYNC} chat calls with
 * {@code execute()}, then {@code ASYNC} with {@code enqueue}, all denied by the policy, through
 * one OkHttp client with a 10-minute call timeout (as openai-java sets) and an event listener.
 * Compiled against OkHttp 4 and run on 4.x or 3.x (only API both have). Prints {@code DENIALS
 * name=value} lines: the outcomes, the listener's {@code callStart}/{@code callFailed} counts,
 * the dispatcher's running and queued calls once the calls are over, and the live {@code
 * RealCall}s in the heap after GC ({@code jcmd GC.class_histogram}, also kept in the run
 * directory).
 *
 * <p>Arguments: {@code SYNC ASYNC}. Settings: {@code DENIALS_URL}, {@code OPENAI_API_KEY}.
 */
public final class OkHttpDenialsMain {
  private static final String DENIED = "ai-warden: blocked by ";
  private static final AtomicLong STARTED = new AtomicLong();
  private static final AtomicLong FAILED_EVENTS = new AtomicLong();
  private static final AtomicLong DENIED_SYNC = new AtomicLong();
  private static final AtomicLong DENIED_ASYNC = new AtomicLong();
  private static final AtomicLong OTHER = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int sync = Integer.parseInt(args[0]);
    int async = Integer.parseInt(args[1]);
    OkHttpClient client =
        new OkHttpClient.Builder()
            .callTimeout(Duration.ofMinutes(10))
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    STARTED.incrementAndGet();
                  }

                  @Override
                  public void callFailed(Call call, IOException e) {
                    FAILED_EVENTS.incrementAndGet();
                  }
                })
            .build();
    String url = System.getenv("DENIALS_URL");
    String key = System.getenv("OPENAI_API_KEY");

    for (int i = 0; i < sync; i++) {
      try (Response r = client.newCall(request(url, key, "sync " + i)).execute()) {
        OTHER.incrementAndGet();
        System.out.println("DENIALS unexpected response " + r.code());
      } catch (IOException e) {
        count(e, DENIED_SYNC);
      }
    }

    CountDownLatch done = new CountDownLatch(async);
    for (int i = 0; i < async; i++) {
      client.newCall(request(url, key, "async " + i))
          .enqueue(
              new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                  count(e, DENIED_ASYNC);
                  done.countDown();
                }

                @Override
                public void onResponse(Call call, Response response) {
                  response.close();
                  OTHER.incrementAndGet();
                  done.countDown();
                }
              });
    }
    boolean allAnswered = done.await(120, TimeUnit.SECONDS);
    // The dispatcher releases an async call just after its callback returns.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.dispatcher().runningCallsCount() + client.dispatcher().queuedCallsCount() > 0
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }

    System.out.println("DENIALS all_answered=" + allAnswered);
    System.out.println("DENIALS denied_sync=" + DENIED_SYNC.get());
    System.out.println("DENIALS denied_async=" + DENIED_ASYNC.get());
    System.out.println("DENIALS other=" + OTHER.get());
    System.out.println("DENIALS call_start=" + STARTED.get());
    System.out.println("DENIALS call_failed=" + FAILED_EVENTS.get());
    System.out.println("DENIALS running=" + client.dispatcher().runningCallsCount());
    System.out.println("DENIALS queued=" + client.dispatcher().queuedCallsCount());
    System.out.println("DENIALS live_real_calls=" + liveRealCalls());
    // Its threads would keep the JVM for their 60 s keep-alive.
    client.dispatcher().executorService().shutdown();
  }

  private static Request request(String url, String key, String prompt) {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + key)
        .post(RequestBody.create(MediaType.parse("application/json"), body))
        .build();
  }

  private static void count(IOException e, AtomicLong denied) {
    if (String.valueOf(e.getMessage()).startsWith(DENIED)) {
      denied.incrementAndGet();
    } else {
      OTHER.incrementAndGet();
      System.out.println("DENIALS error " + e);
    }
  }

  /**
   * Instances of OkHttp's {@code RealCall} (3.x {@code okhttp3.RealCall}, 4.x {@code
   * okhttp3.internal.connection.RealCall}) alive after a full GC, from the class histogram.
   */
  private static long liveRealCalls() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    String histogram = new String(out, java.nio.charset.StandardCharsets.UTF_8);
    Files.writeString(Paths.get("histogram.txt"), histogram);
    long live = 0;
    boolean listed = false;
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        listed = true;
        if (f[3].equals("okhttp3.RealCall") || f[3].equals("okhttp3.internal.connection.RealCall")) {
          live += Long.parseLong(f[1]);
        }
      }
    }
    return listed ? live : -1;
  }
}
