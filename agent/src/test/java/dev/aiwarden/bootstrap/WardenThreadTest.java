package dev.aiwarden.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.hook.jdkhttp.JdkHttpClientAdapter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's per-thread state, held in one {@link WardenThread} per thread: Warden's guards keep
 * their meaning, each thread sees only its own state, and a thread that only asks gets no holder.
 * Every case runs on a fresh thread, so the holder's life is that of the case.
 */
class WardenThreadTest {

  private static <T> T onNewThread(Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      return pool.submit(task).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void handledIsReentrantAndNeverGoesBelowZero() throws Exception {
    boolean[] seen =
        onNewThread(
            () -> {
              boolean before = Warden.handledOutside();
              Warden.enterHandled();
              Warden.enterHandled();
              Warden.exitHandled();
              boolean afterOneExit = Warden.handledOutside();
              Warden.exitHandled();
              boolean afterBoth = Warden.handledOutside();
              Warden.exitHandled(); // one exit too many: stays at zero
              Warden.enterHandled();
              boolean enteredAgain = Warden.handledOutside();
              Warden.exitHandled();
              return new boolean[] {
                before, afterOneExit, afterBoth, enteredAgain, Warden.handledOutside()
              };
            });
    assertThat(seen).containsExactly(false, true, false, true, false);
  }

  @Test
  void suppressionIsSetAndGivenBack() throws Exception {
    boolean[] seen =
        onNewThread(
            () -> {
              boolean before = Warden.suppressed();
              boolean previous = Warden.setSuppressed(true);
              boolean during = Warden.suppressed();
              boolean either = Warden.suppressedOrHandledOutside();
              boolean nestedPrevious = Warden.setSuppressed(true);
              Warden.setSuppressed(nestedPrevious);
              boolean afterNested = Warden.suppressed();
              boolean restored = Warden.setSuppressed(previous);
              return new boolean[] {
                before, previous, during, either, nestedPrevious, afterNested, restored,
                Warden.suppressed(), Warden.suppressedOrHandledOutside()
              };
            });
    assertThat(seen).containsExactly(false, false, true, true, true, true, true, false, false);
  }

  @Test
  void handledAloneCountsForTheCombinedCheck() throws Exception {
    boolean[] seen =
        onNewThread(
            () -> {
              Warden.enterHandled();
              boolean during = Warden.suppressedOrHandledOutside();
              boolean suppressed = Warden.suppressed();
              Warden.exitHandled();
              return new boolean[] {during, suppressed, Warden.suppressedOrHandledOutside()};
            });
    assertThat(seen).containsExactly(true, false, false);
  }

  @Test
  void anOfferedBodyIsTakenOnceAndOnlyForItsUrl() throws Exception {
    byte[] body = {1, 2, 3};
    Object[] seen =
        onNewThread(
            () -> {
              Warden.offerRequestBody("http://h/a", body);
              byte[] first = Warden.takeRequestBody("http://h/a");
              byte[] second = Warden.takeRequestBody("http://h/a");
              Warden.offerRequestBody("http://h/a", body);
              byte[] other = Warden.takeRequestBody("http://h/b");
              byte[] afterOther = Warden.takeRequestBody("http://h/a"); // taking cleared it
              Warden.offerRequestBody("http://h/a", body);
              Warden.offerRequestBody(null, null); // withdrawn
              byte[] withdrawn = Warden.takeRequestBody("http://h/a");
              return new Object[] {first, second, other, afterOther, withdrawn};
            });
    assertThat(seen).containsExactly(body, null, null, null, null);
  }

  @Test
  void keptCallersNestAndAreRestored() throws Exception {
    Object outer = new Object();
    Object inner = new Object();
    String url = "https://api.openai.com/v1/chat/completions";
    int start = url.indexOf("/v1");
    Object[] seen =
        onNewThread(
            () -> {
              Object none = Warden.keptCaller("api.openai.com", 443, url, start, url.length());
              Object outerToken = Warden.keepCaller("api.openai.com", 443, "/v1/chat/completions", outer);
              Object first = Warden.keptCaller("api.openai.com", 443, url, start, url.length());
              Object otherPort = Warden.keptCaller("api.openai.com", 8443, url, start, url.length());
              Object otherHost = Warden.keptCaller("example.com", 443, url, start, url.length());
              Object otherPath = Warden.keptCaller("api.openai.com", 443, url, start, url.length() - 1);
              Object innerToken = Warden.keepCaller("api.openai.com", 443, "/v1/chat/completions", inner);
              Object nested = Warden.keptCaller("api.openai.com", 443, url, start, url.length());
              Warden.restoreCaller(innerToken);
              Object restored = Warden.keptCaller("api.openai.com", 443, url, start, url.length());
              Warden.restoreCaller(outerToken);
              Object ended = Warden.keptCaller("api.openai.com", 443, url, start, url.length());
              return new Object[] {none, first, otherPort, otherHost, otherPath, nested, restored, ended};
            });
    assertThat(seen).containsExactly(null, outer, null, null, null, inner, outer, null);
  }

  @Test
  void eachThreadSeesOnlyItsOwnState() throws Exception {
    String url = "https://api.openai.com/v1/chat/completions";
    int start = url.indexOf("/v1");
    ExecutorService a = Executors.newSingleThreadExecutor();
    try {
      Object caller = new Object();
      WardenThread holderOfA =
          a.submit(
                  () -> {
                    Warden.enterHandled();
                    Warden.setSuppressed(true);
                    Warden.offerRequestBody(url, new byte[] {7});
                    Warden.keepCaller("api.openai.com", 443, "/v1/chat/completions", caller);
                    return WardenThread.current();
                  })
              .get(30, TimeUnit.SECONDS);
      Object[] onB =
          onNewThread(
              () ->
                  new Object[] {
                    Warden.handledOutside(),
                    Warden.suppressed(),
                    Warden.takeRequestBody(url),
                    Warden.keptCaller("api.openai.com", 443, url, start, url.length()),
                    WardenThread.current() == holderOfA
                  });
      assertThat(onB).containsExactly(false, false, null, null, false);
      // A's state is untouched by B.
      Object[] onA =
          a.submit(
                  () ->
                      new Object[] {
                        Warden.handledOutside(),
                        Warden.suppressed(),
                        Warden.takeRequestBody(url) != null,
                        Warden.keptCaller("api.openai.com", 443, url, start, url.length()),
                        WardenThread.current() == holderOfA
                      })
              .get(30, TimeUnit.SECONDS);
      assertThat(onA).containsExactly(true, true, true, caller, true);
    } finally {
      a.shutdownNow();
    }
  }

  @Test
  void aThreadThatOnlyAsksGetsNoHolder() throws Exception {
    WardenThread holder =
        onNewThread(
            () -> {
              Warden.suppressed();
              Warden.handledOutside();
              Warden.suppressedOrHandledOutside();
              Warden.exitHandled();
              Warden.setSuppressed(false);
              Warden.takeRequestBody("http://h/a");
              Warden.offerRequestBody(null, null);
              Warden.keptCaller("h", 80, "http://h/a", 8, 10);
              Warden.restoreCaller(new Object());
              // A hooked client's non-AI request.
              JdkHttpClientAdapter.onRequest(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/ping")).build());
              return WardenThread.peek();
            });
    assertThat(holder).isNull();
  }

  @Test
  void theHolderIsMadeOnceAndThenReachedWithoutAllocating() throws Exception {
    long allocated =
        onNewThread(
            () -> {
              com.sun.management.ThreadMXBean mx =
                  (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
              long id = Thread.currentThread().getId();
              String url = "https://api.openai.com/v1/chat/completions";
              Object caller = new Object();
              long least = Long.MAX_VALUE;
              for (int round = 0; round < 20; round++) {
                long before = mx.getThreadAllocatedBytes(id);
                for (int i = 0; i < 1000; i++) {
                  Warden.enterHandled();
                  Object token = Warden.keepCaller("api.openai.com", 443, "/v1/chat/completions", caller);
                  Warden.keptCaller("api.openai.com", 443, url, 22, url.length());
                  Warden.suppressedOrHandledOutside();
                  Warden.restoreCaller(token);
                  Warden.exitHandled();
                }
                least = Math.min(least, mx.getThreadAllocatedBytes(id) - before);
              }
              return least;
            });
    // 1000 calls: the same holder every time, nothing made per call (a little slack for the
    // allocation counter's own reads).
    assertThat(allocated).isLessThan(1000);
  }
}
