package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LazyTransformerTest {
  private static final byte[] CHANGED = {1, 2, 3};

  /** Counts builds; the built transformer marks every class it is given. */
  private static final class Builder implements Supplier<ClassFileTransformer> {
    final AtomicInteger builds = new AtomicInteger();
    final CountDownLatch built = new CountDownLatch(1);

    @Override
    public ClassFileTransformer get() {
      builds.incrementAndGet();
      built.countDown();
      return new ClassFileTransformer() {
        @Override
        public byte[] transform(
            ClassLoader l, String n, Class<?> c, ProtectionDomain d, byte[] b) {
          return CHANGED;
        }
      };
    }
  }

  /** Counts its runs and remembers the thread of the last. */
  private static final class FirstHook implements Runnable {
    final AtomicInteger runs = new AtomicInteger();
    final CountDownLatch ran = new CountDownLatch(1);
    volatile Thread thread;

    @Override
    public void run() {
      thread = Thread.currentThread();
      runs.incrementAndGet();
      ran.countDown();
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
      return ran.await(timeout, unit);
    }
  }

  private static byte[] load(LazyTransformer t, String name) {
    return t.transform(LazyTransformerTest.class.getClassLoader(), name, null, null, new byte[0]);
  }

  @Test
  void nothingIsBuiltForClassesOutsideTheHookedLibraries() {
    Builder builder = new Builder();
    AtomicInteger firstHook = new AtomicInteger();
    LazyTransformer t = new LazyTransformer(builder, firstHook::incrementAndGet);
    assertThat(load(t, "com/acme/Main")).isNull();
    assertThat(load(t, "java/util/ArrayList")).isNull();
    assertThat(builder.builds).hasValue(0);
    assertThat(firstHook).hasValue(0);
  }

  @Test
  void aLibraryClassStartsTheBuildAheadOfTheFirstHookedClass() throws Exception {
    Builder builder = new Builder();
    FirstHook firstHook = new FirstHook();
    LazyTransformer t = new LazyTransformer(builder, firstHook);
    assertThat(load(t, "okhttp3/OkHttpClient")).as("not a hooked class").isNull();
    assertThat(builder.built.await(30, TimeUnit.SECONDS)).as("built in the background").isTrue();
    assertThat(firstHook.runs).as("telemetry waits for a hooked class").hasValue(0);
    assertThat(load(t, "okhttp3/internal/connection/RealCall")).isEqualTo(CHANGED);
    assertThat(load(t, "okhttp3/RealCall")).isEqualTo(CHANGED);
    assertThat(builder.builds).hasValue(1);
    assertThat(firstHook.await(30, TimeUnit.SECONDS)).as("telemetry started, off the loading thread").isTrue();
    assertThat(firstHook.runs).hasValue(1);
    assertThat(firstHook.thread).isNotSameAs(Thread.currentThread());
  }

  @Test
  void aHookedClassWithoutHeadStartBuildsOnItsOwnThread() {
    Builder builder = new Builder();
    LazyTransformer t = new LazyTransformer(builder, () -> {});
    // jdk/internal/net/http/ is a hooked library: the daemon thread may or may not win the race;
    // either way the class gets the one transformer.
    assertThat(load(t, "jdk/internal/net/http/HttpClientImpl")).isEqualTo(CHANGED);
    assertThat(load(t, "sun/net/www/protocol/http/HttpURLConnection")).isEqualTo(CHANGED);
    assertThat(builder.builds).hasValue(1);
  }

  @Test
  void aFailedBuildLeavesClassesUnchanged() {
    LazyTransformer t =
        new LazyTransformer(
            () -> {
              throw new IllegalStateException("cannot build");
            },
            () -> {});
    assertThat(load(t, "okhttp3/internal/connection/RealCall")).isNull();
    assertThat(load(t, "okhttp3/internal/connection/RealCall")).isNull();
  }
}
