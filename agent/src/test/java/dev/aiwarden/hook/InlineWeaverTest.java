package dev.aiwarden.hook;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THIS;
import static dev.aiwarden.hook.InlineAdvice.THROWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class InlineWeaverTest {
  private static final String TARGET = WovenSample.class.getName();
  private static final String INTERNAL = TARGET.replace('.', '/');
  private static final String ADVICE = SampleAdvice.class.getName();
  private static final String OO_O = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String OT_T = "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;";

  @BeforeEach
  @AfterEach
  void clear() {
    SampleAdvice.EVENTS.clear();
  }

  private static byte[] targetBytes() throws IOException {
    try (InputStream in = InlineWeaverTest.class.getResourceAsStream("/" + INTERNAL + ".class")) {
      return in.readAllBytes();
    }
  }

  /** enter(this, arg0) -> handle; exit(handle, returned); thrown(handle, throwable). */
  private static InlineAdvice around(String method, int args) {
    return InlineAdvice.on(method, args)
        .enter(ADVICE, "enter", OO_O, THIS, 0)
        .exit(ADVICE, "exit", OO_O, ENTER, RETURN)
        .thrown(ADVICE, "thrown", OT_T, ENTER, THROWN);
  }

  private static InlineWeaver weaver(InlineAdvice... advice) {
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    builder.named(TARGET).advice(advice);
    return builder.build();
  }

  private static Object woven(InlineAdvice... advice) throws Exception {
    byte[] bytes =
        weaver(advice).transform(
            InlineWeaverTest.class.getClassLoader(), INTERNAL, null, null, targetBytes());
    assertThat(bytes).isNotNull();
    Class<?> c = VerifyingLoader.define(TARGET, bytes);
    return c.getConstructor(String.class).newInstance("sample");
  }

  private static Object invoke(Object target, String name, Object... args) throws Throwable {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        try {
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new NoSuchMethodException(name);
  }

  @Test
  void aLoopAtTheFirstInstructionRunsOnceThroughTheAdvice() throws Throwable {
    Object sample = woven(around("loop", 1));
    assertThat(invoke(sample, "loop", "ab")).isEqualTo("abxxx!");
    assertThat(SampleAdvice.EVENTS).containsExactly("enter ab", "exit handle:ab abxxx");
  }

  @Test
  void longAndDoubleArgumentsAndLocalsKeepTheirSlots() throws Throwable {
    // A long return value bound second goes through a local; bound first, it stays on the stack.
    assertThat(wide("exitWide", "(Ljava/lang/Object;J)J", ENTER, RETURN)).isEqualTo(1013L);
    assertThat(wide("exitWideFirst", "(JLjava/lang/Object;)J", RETURN, ENTER)).isEqualTo(14L);
    assertThat(SampleAdvice.EVENTS)
        .containsExactly(
            "enterWide 5 1.5", "exitWide wide 13", "enterWide 5 1.5", "exitWideFirst 13 wide");
  }

  /** {@code wide(5, 1.5, 2)} woven with enterWide and the given exit. */
  private static Object wide(String exit, String descriptor, int... bindings) throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("wide", 3)
                .enter(ADVICE, "enterWide", "(Ljava/lang/Object;JD)Ljava/lang/Object;", THIS, 0, 1)
                .exit(ADVICE, exit, descriptor, bindings));
    return invoke(sample, "wide", 5L, 1.5, 2);
  }

  @Test
  void theMethodsOwnTryCatchStillCatchesAndEveryReturnIsSeen() throws Throwable {
    Object sample = woven(around("tryCatch", 1));
    assertThat(invoke(sample, "tryCatch", "abcdef")).isEqualTo("def!");
    assertThat(invoke(sample, "tryCatch", "ab")).isEqualTo("short!");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly("enter abcdef", "exit handle:abcdef def", "enter ab", "exit handle:ab short");
  }

  @Test
  void voidAndPrimitiveReturns() throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("addName", 1).enter(ADVICE, "enterVoid", "(Ljava/lang/Object;Ljava/lang/Object;)V", THIS, 0),
            InlineAdvice.on("count", 1)
                .enter(ADVICE, "enter", OO_O, THIS, 0)
                .exit(ADVICE, "exitCount", "(Ljava/lang/Object;I)I", ENTER, RETURN),
            InlineAdvice.on("shouldRetry", 4)
                .exit(ADVICE, "retry", "(Ljava/lang/Object;Z)Z", 1, RETURN));
    List<String> out = new ArrayList<>();
    invoke(sample, "addName", out);
    assertThat(out).containsExactly("sample");
    assertThat(invoke(sample, "count", "banana")).isEqualTo(30);
    assertThat(invoke(sample, "shouldRetry", null, new RuntimeException("x"), 1, null))
        .isEqualTo(true);
    assertThat(invoke(sample, "shouldRetry", null, new RuntimeException("x"), 5, null))
        .isEqualTo(false);
    // The RetryPolicy case: never retry a denial, even wrapped.
    assertThat(
            invoke(sample, "shouldRetry", null,
                new java.io.UncheckedIOException(new PolicyDeniedException("r", "no")), 1, null))
        .isEqualTo(false);
    assertThat(SampleAdvice.EVENTS).containsExactly("enterVoid []", "enter banana");
  }

  @Test
  void anExceptionOfTheOriginalReachesTheExitAndThenTheCallerUnchanged() throws Throwable {
    Object sample = failsWoven("exit", OO_O, "thrown", OT_T);
    assertThatThrownBy(() -> invoke(sample, "fails", "bad"))
        .isInstanceOf(IOException.class)
        .hasMessage("bad");
    assertThat(invoke(sample, "fails", "")).isEqualTo("empty!");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly(
            "enter bad", "thrown handle:bad bad", "enter ", "exit handle: empty");
  }

  /** {@code fails} woven with enter and the given exit(handle, returned), thrown(handle, t). */
  private static Object failsWoven(String exit, String exitDesc, String thrown, String thrownDesc)
      throws Exception {
    return woven(
        InlineAdvice.on("fails", 1)
            .enter(ADVICE, "enter", OO_O, THIS, 0)
            .exit(ADVICE, exit, exitDesc, ENTER, RETURN)
            .thrown(ADVICE, thrown, thrownDesc, ENTER, THROWN));
  }

  @Test
  void aDenialThrownByEnterReachesTheCallerAndTheOriginalNeverRuns() throws Throwable {
    Object denied = woven(around("loop", 1));
    assertThatThrownBy(() -> invoke(denied, "loop", "deny"))
        .isInstanceOf(PolicyDeniedException.class)
        .hasMessageContaining("test.rule");
    // Neither the loop nor the exit ran: only the entry call.
    assertThat(SampleAdvice.EVENTS).containsExactly("enter deny");
  }

  @Test
  void anArgumentIsReplacedAndADeniedHandleSkipsTheMethodWithAValue() throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("tryCatch", 1)
                .enter(ADVICE, "enter", OO_O, THIS, 0)
                .argument(0, ADVICE, "replace", OO_O, ENTER, 0)
                .skipOnDenial(ADVICE, "skip", "(Ljava/lang/Object;)Ljava/lang/Object;")
                .exit(ADVICE, "exit", OO_O, ENTER, RETURN));
    // The original sees the replaced argument ("wrapped-abcdef".substring(3)).
    assertThat(invoke(sample, "tryCatch", "abcdef")).isEqualTo("pped-abcdef!");
    assertThat(invoke(sample, "tryCatch", "refuse")).isEqualTo("skipped");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly(
            "enter abcdef",
            "replace abcdef",
            "exit handle:abcdef pped-abcdef",
            "enter refuse",
            "replace refuse",
            "skip ai-warden: blocked by test.rule: denied as the handle");
  }

  @Test
  void fieldsOfThisAreReadWhereTheCallIsMade() throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("addName", 1)
                .fields("name")
                .enter(ADVICE, "enterVoid", "(Ljava/lang/Object;Ljava/lang/Object;)V", THIS,
                    InlineAdvice.field(0)));
    invoke(sample, "addName", new ArrayList<String>());
    assertThat(SampleAdvice.EVENTS).containsExactly("enterVoid sample");
    // A field the class does not declare: refused, the class stays unchanged.
    assertThat(
            weaver(InlineAdvice.on("addName", 1)
                    .fields("nope")
                    .enter(ADVICE, "enterVoid", "(Ljava/lang/Object;Ljava/lang/Object;)V", THIS,
                        InlineAdvice.field(0)))
                .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNull();
  }

  @Test
  void aFieldInheritedFromASuperClassIsReadToo() throws Throwable {
    String sub = WovenSubSample.class.getName();
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/" + sub.replace('.', '/') + ".class")) {
      bytes = in.readAllBytes();
    }
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    builder.named(sub)
        .advice(
            InlineAdvice.on("echo", 1)
                .fields("calls")
                .enter(ADVICE, "enterCalls", "(Ljava/lang/Object;I)V", THIS, InlineAdvice.field(0)));
    byte[] woven =
        builder.build().transform(
            getClass().getClassLoader(), sub.replace('.', '/'), null, null, bytes);
    assertThat(woven).isNotNull();
    Object sample =
        VerifyingLoader.define(sub, woven).getConstructor(String.class).newInstance("s");
    assertThat(invoke(sample, "echo", "x")).isEqualTo("x");
    assertThat(SampleAdvice.EVENTS).containsExactly("enterCalls 7");
  }

  @Test
  void theExitCanAlsoSetAFieldOfThis() throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("remember", 1)
                .fields("last")
                .enter(ADVICE, "enter", OO_O, THIS, InlineAdvice.field(0))
                .exit(ADVICE, "tap", OO_O, ENTER, RETURN)
                .exitSets("last", ADVICE, "pick",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;"));
    // First call: the field was null (enter sees it), the tapped value is returned and kept.
    assertThat(invoke(sample, "remember", "one")).isEqualTo("tapped-one");
    // Second call: the original returns the field (the tapped value), tapped again on return;
    // the field keeps the value the exit made of it.
    assertThat(invoke(sample, "remember", "two")).isEqualTo("tapped-tapped-one");
    assertThat(SampleAdvice.EVENTS).containsExactly("enter null", "enter tapped-one");
  }

  @Test
  void accessFlagsNarrowTheMethods() throws Throwable {
    Object sample =
        woven(
            InlineAdvice.on("hidden", 1).access(0x0001).enter(ADVICE, "enter", OO_O, THIS, 0),
            InlineAdvice.on("callHidden", 1).access(0x0002).enter(ADVICE, "enter", OO_O, THIS, 0),
            InlineAdvice.on("loop", 1).access(0x0001).enter(ADVICE, "enter", OO_O, THIS, 0));
    assertThat(invoke(sample, "callHidden", "abcde")).isEqualTo("abcde");
    assertThat(invoke(sample, "loop", "abcde")).isEqualTo("abcde");
    // Only loop is public and named so: hidden is private, callHidden public.
    assertThat(SampleAdvice.EVENTS).containsExactly("enter abcde");
  }

  @Test
  void anEnterThatFailsIsReportedAndTheOriginalRunsUntouched() throws Throwable {
    WardenHooks core = mock(WardenHooks.class);
    Warden.install(core);
    try {
      Object sample = woven(around("loop", 1));
      assertThat(invoke(sample, "loop", "boom")).isEqualTo("boomx!");
      // The handle is null after a failed enter: the exit is told so.
      assertThat(SampleAdvice.EVENTS).containsExactly("enter boom", "exit null boomx");
      ArgumentCaptor<Throwable> error = ArgumentCaptor.forClass(Throwable.class);
      verify(core, times(1)).hookError(eq("hook:" + TARGET + ".loop"), error.capture());
      assertThat(error.getValue()).hasMessage("enter failed");
    } finally {
      Warden.install(null);
    }
  }

  @Test
  void anAdviceThatCannotBindLeavesTheClassUnchanged() throws Exception {
    // RETURN of a void method: refused, the class stays as it was (fail open).
    assertThat(
            weaver(InlineAdvice.on("addName", 1).exit(ADVICE, "exit", OO_O, ENTER, RETURN))
                .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNull();
    assertThat(weaver(around("noSuchMethod", 1))
            .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNull();
    assertThat(weaver(around("loop", 1))
            .transform(getClass().getClassLoader(), INTERNAL, null, null, new byte[] {1, 2, 3}))
        .isNull();
  }

  @Test
  void classesNoRuleClaimsAreLeftAloneUnread() throws Exception {
    InlineWeaver weaver = weaver(around("loop", 1));
    // Not even parsed: bytes that are no class file at all come back unchanged (null).
    assertThat(weaver.transform(getClass().getClassLoader(), "okhttp3/RealCall", null, null,
            new byte[] {1, 2, 3}))
        .isNull();
    assertThat(weaver.transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNotNull();
  }

  @Test
  void theSuperTypeTestReadsClassFilesThroughTheLoader() throws Exception {
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    builder.prefixSuffix("dev/aiwarden/hook/", "Sample")
        .concreteSubtypeOf("java.lang.Comparable")
        .advice(around("loop", 1));
    assertThat(builder.build()
            .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNull();
    InlineWeaver.Builder sub = new InlineWeaver.Builder();
    sub.prefixSuffix("dev/aiwarden/hook/", "Sample")
        .concreteSubtypeOf("java.lang.Object")
        .advice(around("loop", 1));
    // WovenSample extends Object directly.
    assertThat(sub.build()
            .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNotNull();
  }

  @Test
  void anAlreadyLoadedClassIsWovenByRetransformation() throws Throwable {
    Instrumentation inst = ByteBuddyAgent.install();
    Class<?> loaded = VerifyingLoader.define(TARGET, targetBytes());
    Object sample = loaded.getConstructor(String.class).newInstance("sample");
    assertThat(invoke(sample, "loop", "ab")).isEqualTo("abxxx");
    InlineWeaver weaver = weaver(around("loop", 1), around("tryCatch", 1));
    ClassFileTransformer onlyTarget =
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              ClassLoader l, String n, Class<?> c, ProtectionDomain d, byte[] b) {
            return c == loaded ? weaver.transform(l, n, c, d, b) : null;
          }
        };
    inst.addTransformer(onlyTarget, true);
    try {
      inst.retransformClasses(loaded);
    } finally {
      inst.removeTransformer(onlyTarget);
    }
    assertThat(invoke(sample, "loop", "ab")).isEqualTo("abxxx!");
    assertThat(invoke(sample, "tryCatch", "ab")).isEqualTo("short!");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly("enter ab", "exit handle:ab abxxx", "enter ab", "exit handle:ab short");
  }

  @Test
  void theWovenCodeStaysSmall() throws Exception {
    // What a hot hooked method grows by decides whether C2 still inlines it (FreqInlineSize 325).
    byte[] original = targetBytes();
    byte[] around =
        weaver(around("loop", 1))
            .transform(getClass().getClassLoader(), INTERNAL, null, null, original);
    // Entry: aload_0 aload_1 invokestatic goto | invokestatic(enterFailed) | astore_2 (12); the
    // one return: astore_3 aload_2 aload_3 invokestatic checkcast (9), its failure path: pop
    // aload_3 areturn (3); the throw path: astore_3 aload_2 aload_3 invokestatic athrow (7), its
    // failure path: pop aload_3 athrow (3). The shape before this was 42-43 bytes; before the
    // woven calls failed open on their own, 28-29.
    assertThat(CodeSize.of(around, "loop") - CodeSize.of(original, "loop")).isLessThanOrEqualTo(34);
    byte[] voidEnter =
        weaver(InlineAdvice.on("addName", 1)
                .enter(ADVICE, "enterVoid", "(Ljava/lang/Object;Ljava/lang/Object;)V", THIS, 0))
            .transform(getClass().getClassLoader(), INTERNAL, null, null, original);
    // aload_0 aload_1 invokestatic goto | invokestatic pop.
    assertThat(CodeSize.of(voidEnter, "addName") - CodeSize.of(original, "addName"))
        .isLessThanOrEqualTo(12);
  }

  @Test
  void voidExitAndThrownCallsLeaveTheValueAndTheThrowableAlone() throws Throwable {
    Object sample =
        failsWoven(
            "exitVoid", "(Ljava/lang/Object;Ljava/lang/Object;)V",
            "thrownVoid", "(Ljava/lang/Object;Ljava/lang/Throwable;)V");
    assertThat(invoke(sample, "fails", "")).isEqualTo("empty");
    assertThatThrownBy(() -> invoke(sample, "fails", "bad"))
        .isInstanceOf(IOException.class)
        .hasMessage("bad");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly("enter ", "exitVoid handle: empty", "enter bad", "thrownVoid handle:bad bad");
  }

  @Test
  void theWarmUpWeavesWithoutThrowing() {
    InlineWeaver.warmUp();
    assertThat(new InlineWeaver.Builder().build()
            .transform(getClass().getClassLoader(), "com/acme/Main", null, null, new byte[0]))
        .isNull();
  }

  /** What {@link FailOpenCases} must print: the outcomes of the unwoven methods, every time. */
  private static List<String> unchangedOutcomes() {
    List<String> lines = new ArrayList<>();
    for (String kind :
        new String[] {"NoClassDefFoundError", "LinkageError", "IllegalStateException", "missing"}) {
      lines.add(kind + " loop(ab) -> abxxx");
      lines.add(kind + " caught(x) -> x?");
      lines.add(kind + " wide(3) -> 13");
      lines.add(kind + " addName([]) -> [sample]");
      lines.add(kind + " fails() -> empty");
      lines.add(kind + " fails(bad) -> threw java.io.IOException: bad");
    }
    return lines;
  }

  @Test
  void adviceCallsThatThrowLeaveResultsAndExceptionsUnchanged() throws Exception {
    // As compiled (Java 11), and as Java 8 and Java 17 class files.
    for (int major : new int[] {0, 52, 61}) {
      SampleAdvice.EVENTS.clear();
      assertThat(FailOpenCases.run(major)).as("class file " + major).isEqualTo(unchangedOutcomes());
      // The failing calls were made (and failed) at entry, at the returns and on the throw path;
      // a return inside the method's own catch-all try block was not caught there.
      assertThat(SampleAdvice.EVENTS)
          .contains(
              "enterFailing ab", "exitFailing null abxxx", "exitFailing x x?",
              "exitFailingWide 13", "exitFailingVoid [sample]", "thrownFailing null bad")
          .hasSize(3 * 10);
    }
  }

  @Test
  void aFailedExitOrThrowPathCallStaysOutOfTheMethodsOwnHandlers() throws Throwable {
    // enter works, exit and thrown throw: the handle reaches them, the results stay.
    SampleAdvice.failure = new NoClassDefFoundError("x");
    Object sample =
        woven(
            InlineAdvice.on("fails", 1)
                .enter(ADVICE, "enter", OO_O, THIS, 0)
                .exit(ADVICE, "exitFailing", OO_O, ENTER, RETURN)
                .thrown(ADVICE, "thrownFailing", OT_T, ENTER, THROWN),
            InlineAdvice.on("caught", 1)
                .enter(ADVICE, "enter", OO_O, THIS, 0)
                .exit(ADVICE, "exitFailing", OO_O, ENTER, RETURN));
    assertThat(invoke(sample, "fails", "")).isEqualTo("empty");
    assertThatThrownBy(() -> invoke(sample, "fails", "bad")).isInstanceOf(IOException.class).hasMessage("bad");
    assertThat(invoke(sample, "caught", "y")).isEqualTo("y?");
    assertThat(SampleAdvice.EVENTS)
        .containsExactly(
            "enter ", "exitFailing handle: empty", "enter bad", "thrownFailing handle:bad bad",
            "enter y", "exitFailing handle:y y?");
  }

  @Test
  void adviceCallsThatThrowLeaveResultsUnchangedOnJava25Too() throws Exception {
    Optional<String> java25 = java25();
    org.junit.jupiter.api.Assumptions.assumeTrue(java25.isPresent(), "no JDK 25 under /usr/lib/jvm");
    // A Java 25 class file (major 69), woven and run on Java 25.
    Process p =
        new ProcessBuilder(
                java25.get(), "-cp", System.getProperty("java.class.path"),
                FailOpenCases.class.getName(), "69")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> !l.startsWith("OpenJDK") && !l.startsWith("[ai-warden]")))
        .as(out)
        .containsExactlyElementsOf(unchangedOutcomes());
  }

  /** The java launcher of an installed JDK 25 (JAVA25_HOME or /usr/lib/jvm). */
  private static Optional<String> java25() throws IOException {
    List<Path> homes = new ArrayList<>();
    String env = System.getenv("JAVA25_HOME");
    if (env != null) {
      homes.add(Paths.get(env));
    }
    Path jvms = Paths.get("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.sorted().forEach(homes::add);
      }
    }
    for (Path home : homes) {
      Path release = home.resolve("release");
      Path launcher = home.resolve("bin/java");
      if (Files.isRegularFile(release)
          && Files.isExecutable(launcher)
          && Files.readAllLines(release).stream().anyMatch(l -> l.startsWith("JAVA_VERSION=\"25"))) {
        return Optional.of(launcher.toString());
      }
    }
    return Optional.empty();
  }

  @Test
  void aLoaderThatDoesNotSeeTheBootstrapClassesGetsNoHook() throws Exception {
    // Like an OSGi bundle loader without boot delegation for dev.aiwarden.bootstrap.
    ClassLoader isolated =
        new ClassLoader(getClass().getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.aiwarden.bootstrap.")) {
              throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
          }
        };
    assertThat(weaver(around("loop", 1)).transform(isolated, INTERNAL, null, null, targetBytes()))
        .isNull();
    assertThat(InlineWeaver.seesBootstrap(isolated)).isFalse();
    assertThat(InlineWeaver.seesBootstrap(getClass().getClassLoader())).isTrue();
    assertThat(InlineWeaver.seesBootstrap(null)).isTrue();
    // The same class through a loader that sees them is woven.
    assertThat(weaver(around("loop", 1))
            .transform(getClass().getClassLoader(), INTERNAL, null, null, targetBytes()))
        .isNotNull();
  }
}
