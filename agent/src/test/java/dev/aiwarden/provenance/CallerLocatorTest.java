package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.examples.callers.CallSites;
import dev.aiwarden.examples.callers.Shapes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CallerLocatorTest {

  /** A synthetic stack frame. */
  private static final class Frame implements StackWalker.StackFrame {
    private final String className;
    private final String method;
    private final String file;
    private final int line;

    Frame(String className, String method, String file, int line) {
      this.className = className;
      this.method = method;
      this.file = file;
      this.line = line;
    }

    @Override
    public String getClassName() {
      return className;
    }

    @Override
    public String getMethodName() {
      return method;
    }

    @Override
    public Class<?> getDeclaringClass() {
      throw new UnsupportedOperationException("no class reference");
    }

    @Override
    public MethodType getMethodType() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getDescriptor() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int getByteCodeIndex() {
      return 0;
    }

    @Override
    public String getFileName() {
      return file;
    }

    @Override
    public int getLineNumber() {
      return line;
    }

    @Override
    public boolean isNativeMethod() {
      return false;
    }

    @Override
    public StackTraceElement toStackTraceElement() {
      return new StackTraceElement(className, method, file, line);
    }
  }

  private static Caller find(Frame... frames) {
    return CallerLocator.find(Stream.of(frames));
  }

  @Test
  void skipsLibrariesAndAgent() {
    Caller c =
        find(
            new Frame("dev.aiwarden.core.WardenCore", "requestStarting", "WardenCore.java", 60),
            new Frame("dev.aiwarden.shaded.net.bytebuddy.X", "y", null, -1),
            new Frame("okhttp3.RealCall", "execute", "RealCall.kt", 154),
            new Frame("com.openai.core.http.HttpClient", "execute", "HttpClient.kt", 10),
            new Frame("com.openai.services.ChatServiceImpl", "create", "ChatServiceImpl.kt", 40),
            new Frame("com.acme.billing.Summariser$$Lambda$42/0x0000000800c0b000", "apply", null, -1),
            new Frame("com.acme.billing.Summariser", "summarise", "Summariser.java", 87),
            new Frame("com.acme.Main", "main", "Main.java", 12));
    assertThat(c.function()).isEqualTo("com.acme.billing.Summariser.summarise");
    assertThat(c.file()).isEqualTo("Summariser.java");
    assertThat(c.line()).isEqualTo(87);
  }

  @Test
  void examplesAreApplicationCode() {
    Caller c =
        find(
            new Frame("dev.aiwarden.hook.OkHttp4Hook", "x", "OkHttp4Hook.java", 1),
            new Frame("dev.aiwarden.examples.ChatExample", "run", "ChatExample.java", 33));
    assertThat(c.function()).isEqualTo("dev.aiwarden.examples.ChatExample.run");
  }

  @Test
  void frameworksAreSkipped() {
    String[] skipped = {
      "java.lang.Thread", "javax.net.ssl.X", "jdk.internal.net.http.HttpClientImpl",
      "sun.nio.ch.X", "com.sun.proxy.$Proxy12", "kotlin.coroutines.X", "kotlinx.coroutines.X",
      "okio.Buffer", "com.azure.core.http.HttpPipeline", "reactor.core.publisher.Mono",
      "io.netty.channel.X", "io.projectreactor.X", "net.bytebuddy.X", "com.fasterxml.jackson.X",
      "org.slf4j.Logger", "io.opentelemetry.X", "dev.langchain4j.model.openai.OpenAiChatModel",
      "org.springframework.ai.openai.OpenAiChatModel", "org.apache.http.impl.X",
      "org.apache.hc.client5.X", "org.reactivestreams.X", "dev.aiwarden.AiWardenAgent",
      "io.micrometer.observation.Observation",
    };
    for (String name : skipped) {
      assertThat(CallerLocator.isApplicationClass(name)).as(name).isFalse();
    }
    assertThat(CallerLocator.isApplicationClass("com.acme.Service")).isTrue();
    assertThat(CallerLocator.isApplicationClass("javaxyz.Foo")).isTrue();
    assertThat(CallerLocator.isApplicationClass("org.apache.kafka.X")).isTrue();
  }

  @Test
  void noApplicationFrame() {
    assertThat(find(new Frame("java.lang.Thread", "run", "Thread.java", 833))).isNull();
    assertThat(find()).isNull();
  }

  @Test
  void negativeLineIsMinusOne() {
    Caller c = find(new Frame("com.acme.Native", "call", null, -2));
    assertThat(c.line()).isEqualTo(-1);
    assertThat(c.file()).isNull();
  }

  @Test
  void realStackFindsThisTest() {
    Caller c = CallerLocator.find();
    // Test classes are dev.aiwarden.* (agent code), so the first application frame is JUnit's
    // caller chain or this test's launcher; what matters is that a real walk works and skips us.
    if (c != null) {
      assertThat(c.function()).doesNotStartWith("dev.aiwarden.provenance.");
      assertThat(c.function()).contains(".");
    }
    assertThat(Helper.callFromApplicationPackage()).isNull();
  }

  @Test
  void aRepeatedCallSiteReusesItsCallerAndText() {
    Caller first = CallSites.one();
    Caller again = CallSites.one();
    assertThat(first.function()).isEqualTo(CallSites.class.getName() + ".one");
    assertThat(first.file()).isEqualTo("CallSites.java");
    assertThat(again).isSameAs(first);
    assertThat(again.toString()).isSameAs(first.toString());
    assertThat(first.toString()).isEqualTo(CallSites.class.getName() + ".one(CallSites.java:" + first.line() + ")");
    assertThat(CallerLocator.cachedSites(CallSites.class)).isPositive();
    assertThat(CallerLocator.cachedSites(CallerLocatorTest.class)).isEqualTo(-1); // agent code: skipped
  }

  @Test
  void callSitesOnOtherLinesOrInOverloadsAreTold() {
    Caller[] two = CallSites.twoLines();
    assertThat(two[0].function()).isEqualTo(two[1].function());
    assertThat(two[1].line()).isEqualTo(two[0].line() + 1);
    Caller byInt = CallSites.overload(1);
    Caller byString = CallSites.overload("x");
    assertThat(byInt.function()).isEqualTo(byString.function());
    assertThat(byInt.line()).isNotEqualTo(byString.line());
    assertThat(CallSites.overload(2)).isSameAs(byInt);
  }

  @Test
  void callerTextIsFunctionFileAndLine() {
    assertThat(new Caller("com.acme.App.main", "App.java", 42).toString())
        .isEqualTo("com.acme.App.main(App.java:42)");
    assertThat(new Caller("com.acme.App.main", "App.java", -1).toString())
        .isEqualTo("com.acme.App.main(App.java)");
    assertThat(new Caller("com.acme.App.main", null, 42).toString()).isEqualTo("com.acme.App.main");
  }

  // ---- The search on real stacks, against a plain walk of the whole stack as the reference ----

  /**
   * The reference answer: the JDK's default walker (no options: reflection frames filtered by the
   * JDK, hidden frames left out), every frame classified by its class name, a new {@link Caller}.
   */
  static Caller reference() {
    return StackWalker.getInstance()
        .walk(
            s ->
                s.filter(f -> CallerLocator.isApplicationClass(f.getClassName()))
                    .findFirst()
                    .map(f -> CallerLocator.caller(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber()))
                    .orElse(null));
  }

  /** The search and the reference, from the same frame. */
  static Caller[] both() {
    return new Caller[] {CallerLocator.find(), reference()};
  }

  /**
   * "Library" frames between the application and the search (this class is agent code to the
   * search, so they are skipped like a client library's): {@code frames} of them, in one of
   * several shapes.
   */
  static final class Library {
    static Caller[] down(int frames) {
      return down(frames, CallerLocatorTest::both);
    }

    static <T> T down(int frames, Supplier<T> search) {
      return frames <= 0 ? search.get() : down(frames - 1, search);
    }

    /** Half the frames, a reflective call ({@code Method.invoke}), the other half. */
    static Caller[] reflective(int frames) {
      return reflective(frames, CallerLocatorTest::both);
    }

    @SuppressWarnings("unchecked")
    static <T> T reflective(int frames, Supplier<T> search) {
      try {
        Method m = Library.class.getDeclaredMethod("down", int.class, Supplier.class);
        return (T) m.invoke(null, frames / 2, search);
      } catch (IllegalAccessException | NoSuchMethodException e) {
        throw new AssertionError(e);
      } catch (InvocationTargetException e) {
        throw new AssertionError(e.getCause());
      }
    }

    /** A method-handle call (hidden lambda-form frames) in the middle. */
    static Caller[] viaMethodHandle(int frames) {
      try {
        MethodHandle h =
            MethodHandles.lookup()
                .findStatic(Library.class, "down", MethodType.methodType(Caller[].class, int.class));
        return (Caller[]) h.invokeExact(frames / 2);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
    }

    /** JDK frames ({@code Optional.map}, a method reference's hidden frame) in the middle. */
    static Caller[] viaJdk(int frames) {
      return Optional.of(frames / 2).map(Library::down).get();
    }
  }

  private static final List<IntFunction<Caller[]>> LIBRARIES =
      List.of(Library::down, Library::reflective, Library::viaMethodHandle, Library::viaJdk);

  static void assertSame(Caller[] found, String shape) {
    Caller c = found[0];
    Caller ref = found[1];
    if (ref == null) {
      assertThat(c).as(shape).isNull();
      return;
    }
    assertThat(c).as(shape).isNotNull();
    assertThat(c.function()).as(shape).isEqualTo(ref.function());
    assertThat(c.file()).as(shape).isEqualTo(ref.file());
    assertThat(c.line()).as(shape).isEqualTo(ref.line());
    assertThat(c.toString()).as(shape).isEqualTo(ref.toString());
  }

  @Test
  void sameAnswerAsAPlainWalkOnEveryShapeAndDepth() {
    int[] depths = {0, 1, 3, 4, 5, 6, 7, 12, 15, 16, 17, 18, 19, 20, 24, 30, 31, 33, 45, 60, 120, 253, 254, 300};
    for (int depth : depths) {
      for (int l = 0; l < LIBRARIES.size(); l++) {
        IntFunction<Caller[]> library = LIBRARIES.get(l);
        // Three times each: after another shape, again (two depths disagree), and once more (a
        // repeated depth: the first batch is sized from it).
        for (int round = 0; round < 3; round++) {
          String shape = "library " + l + ", " + depth + " frames, round " + round;
          assertSame(Shapes.direct(library, depth), "direct, " + shape);
          Caller[] lambda = Shapes.fromLambda(library, depth);
          assertThat(lambda[0].function()).contains(Shapes.class.getName() + ".lambda$");
          assertSame(lambda, "lambda, " + shape);
          assertSame(Shapes.fromNested(library, depth), "nested, " + shape);
        }
      }
    }
  }

  @Test
  void sameAnswerWhenOneThreadAlternatesDepths() {
    int[][] sequences = {{5, 50}, {17, 18}, {18, 17, 17, 18}, {0, 120, 120, 0}, {30, 30, 31, 31, 29}};
    for (int[] sequence : sequences) {
      for (int round = 0; round < 4; round++) {
        for (int depth : sequence) {
          assertSame(Shapes.direct(Library::down, depth), depth + " frames in " + java.util.Arrays.toString(sequence));
        }
      }
    }
  }

  /** Runs {@code body} on a new thread whose stack holds no application frame; rethrows failures. */
  private static void onThreadWithoutApplicationFrames(Runnable body) throws InterruptedException {
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    t.start();
    t.join();
    if (failed.get() != null) {
      throw new AssertionError(failed.get());
    }
  }

  @Test
  void noApplicationFrameOnAThreadOfLibraryCode() throws InterruptedException {
    onThreadWithoutApplicationFrames(
        () -> {
          for (int depth : new int[] {0, 3, 40, 40, 40, 300, 300, 300}) {
            Caller[] found = Library.down(depth);
            assertThat(found[1]).isNull(); // the reference agrees there is none
            assertThat(found[0]).as(depth + " frames").isNull();
          }
        });
  }

  @Test
  void anApplicationFrameAfterWalksThatFoundNone() throws InterruptedException {
    // A thread whose last walks found nothing (on Java 22+ it then looks by class first) and then
    // calls from application code, at the same and at other depths.
    onThreadWithoutApplicationFrames(
        () -> {
          for (int depth : new int[] {10, 10, 10, 7, 7, 40, 40, 300, 300}) {
            assertThat(Library.down(depth)[0]).isNull();
            assertThat(Library.down(depth)[0]).isNull();
            assertSame(Shapes.direct(Library::down, depth), depth + " frames after none");
            assertThat(Library.down(depth)[0]).isNull();
            assertThat(Library.down(depth)[0]).isNull();
            assertSame(Shapes.fromLambda(Library::reflective, depth), depth + " frames after none, reflective");
          }
        });
  }

  @Test
  void sameAnswerWithoutClassReferences() {
    // What a security manager refusing StackFramePermission("retainClassReference") leaves: a
    // walker without class references, every frame classified by its class name.
    for (int size : new int[] {0, 8, 30}) {
      StackWalker nameOnly = CallerLocator.newWalker(size, false, false);
      Throwable refused = null;
      try {
        nameOnly.walk(s -> s.findFirst().get().getDeclaringClass());
      } catch (UnsupportedOperationException e) {
        refused = e;
      }
      assertThat(refused).as("a walker without class references").isNotNull();
      for (int depth : new int[] {0, 5, 20, 45}) {
        Supplier<Caller[]> search = () -> new Caller[] {nameOnly.walk(CallerLocator::find), reference()};
        assertSame(Shapes.direct(n -> Library.down(n, search), depth), "by name, " + depth + " frames");
        assertSame(Shapes.fromLambda(n -> Library.down(n, search), depth), "by name, lambda, " + depth + " frames");
      }
    }
  }

  @Test
  void theClassOnlyDepthIsTheFullWalksDepth() throws InterruptedException {
    // Java 22+: the class-only walk (with class references, and by name without) finds the
    // application frame as deep as a walk with method information and the same options (so the
    // first batch sized from it reaches the frame), or none when there is none.
    boolean[] classReferences = {true, false};
    for (boolean refs : classReferences) {
      StackWalker classes = CallerLocator.classOnlyWalker(refs);
      if (classes == null) {
        assertThat(Runtime.version().feature()).as("no class-only walks before Java 22").isLessThan(22);
        continue;
      }
      StackWalker full = CallerLocator.newWalker(0, refs, false);
      for (int depth : new int[] {0, 5, 20, 45, 300}) {
        Supplier<int[]> both =
            () -> new int[] {CallerLocator.applicationDepth(classes), CallerLocator.applicationDepth(full)};
        int[] direct = Shapes.fromLambda(n -> Library.down(n, both), depth);
        assertThat(direct[0]).as(depth + " frames, class references " + refs).isEqualTo(direct[1]);
        int[] reflective = Shapes.fromLambda(n -> Library.reflective(n, both), depth);
        assertThat(reflective[0]).as(depth + " frames, reflective, class references " + refs).isEqualTo(reflective[1]);
      }
      onThreadWithoutApplicationFrames(
          () -> assertThat(Library.down(20, () -> CallerLocator.applicationDepth(classes))).isZero());
    }
  }

  /** Frames from the walk's start through the first application frame, by a plain walk. */
  static int framesToApplication() {
    return StackWalker.getInstance()
        .walk(
            s -> {
              int n = 0;
              for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) s::iterator) {
                n++;
                if (CallerLocator.isApplicationClass(f.getClassName())) {
                  return n;
                }
              }
              return -1;
            });
  }

  /**
   * A thread repeating one call path makes the JDK fill only the frames down to the caller: after
   * warm-up (so that compiled code has dropped what escape analysis can drop), the bytes per
   * search grow with the frames walked, and not with the JDK's default batch sizes beyond them.
   */
  @Test
  void aRepeatedSearchAllocatesAboutTheFramesItWalks() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int depth : new int[] {20, 45}) {
      // The walk starts in the search's frame, one below the reference's: same count.
      int frames = Shapes.direct(n -> Library.down(n, CallerLocatorTest::framesToApplication), depth);
      IntFunction<Caller> search = n -> Library.down(n, CallerLocator::find);
      for (int i = 0; i < 30_000; i++) {
        Shapes.direct(search, depth);
      }
      int calls = 1_000;
      long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < calls; i++) {
        Shapes.direct(search, depth);
      }
      long perCall = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / calls;
      // A frame costs the JDK ~84 B (Java 17: frame object and MemberName) or ~52 B (Java 25), and
      // the walk ~250-350 B besides; the JDK's default batches cost ~42 frames' worth for 25
      // frames, ~74 for 50 (Java 17: 3840 B, 6552 B here before the first batch was sized).
      assertThat(perCall)
          .as("bytes per search through %d frames (%d library frames)", frames, depth)
          .isLessThanOrEqualTo(90L * frames + 500);
    }
  }

  /** Simulates an application class calling into the agent: only JDK and JUnit frames remain. */
  private static final class Helper {
    static Caller callFromApplicationPackage() {
      // Everything on this stack is dev.aiwarden (skipped), JUnit (org.junit: application by
      // our rules) or JDK. Walk only our own frames to keep the result deterministic.
      return StackWalker.getInstance()
          .walk(s -> CallerLocator.find(s.limit(1)));
    }
  }
}
