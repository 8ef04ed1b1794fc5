package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Denied OkHttp calls end as OkHttp ends a failed call, on OkHttp 3.14, 4.12 and 5.3, with {@code
 * execute()} and {@code enqueue}: a denial is thrown before OkHttp's own try/finally in {@code
 * getResponseWithInterceptorChain}, so without the adapter's ending the call timeout's watchdog
 * would keep every denied call (its client, request) for the timeout (10 minutes here, as
 * openai-java sets), and event listeners would never hear {@code callFailed}. After many denials
 * in a forked JVM: no {@code RealCall} left in the heap after GC, the dispatcher empty, one
 * {@code callFailed} per denial, every async callback answered with the denial, nothing sent.
 */
class OkHttpDenialsIT {
  private static final int SYNC = 1000;
  private static final int ASYNC = 300;

  @Test
  void deniedCallsOnOkHttp3AreEndedAndLeaveNothingBehind() throws Exception {
    check("okhttp3", ExampleClasspath.of("okhttp3-example"), "okhttp-3.14.9.jar");
  }

  /** openai-java-example's own class path: OkHttp 4.12.0 alone. */
  @Test
  void deniedCallsOnOkHttp4AreEndedAndLeaveNothingBehind() throws Exception {
    String libraries = ExampleClasspath.of("openai-java-example");
    assertThat(libraries).doesNotContain("okhttp-jvm-5");
    check("okhttp4", libraries, "okhttp-4.12.0.jar");
  }

  /**
   * The shared child class path, where OkHttp 5.3.2 ({@code okhttp-jvm}, which OpenTelemetry's
   * OkHttp sender brings) comes before openai-java's 4.12.0, so its {@code RealCall} is 5.3.2's.
   */
  @Test
  void deniedCallsOnOkHttp5AreEndedAndLeaveNothingBehind() throws Exception {
    String libraries = ChildJvm.childClasspath();
    assertThat(libraries.indexOf("okhttp-jvm-5.3.2.jar")).isNotNegative();
    check("okhttp5", libraries, "okhttp-jvm-5.3.2.jar");
  }

  private static void check(String name, String libraries, String okHttpJar) throws Exception {
    try (TestServer server = new TestServer()) {
      Path dir = Files.createDirectories(Path.of("target/okhttp-denials-" + name).toAbsolutePath());
      ChildJvm.Result run =
          ChildJvm.of("dev.aiwarden.e2e.OkHttpDenialsMain")
              .classpath(libraries + File.pathSeparator + ExampleClasspath.testClasses())
              .against(server)
              .agentArgs(TestPolicies.denyingModel(dir, "gpt-4o"))
              .env("DENIALS_URL", server.http("api.openai.com") + "/v1/chat/completions")
              .env("OPENAI_API_KEY", server.openAiKey)
              .args(Integer.toString(SYNC), Integer.toString(ASYNC))
              .run();
      assertThat(run.exitCode).as(run.toString()).isZero();
      String classpath = ChildJvmClasspath.of(run);
      // The jar named comes first of the OkHttp jars: its RealCall is the one loaded.
      assertThat(classpath.indexOf(okHttpJar)).isNotNegative();
      for (String other : new String[] {"/okhttp-3.", "/okhttp-4.", "/okhttp-jvm-5."}) {
        int at = classpath.indexOf(other);
        assertThat(at < 0 || at >= classpath.indexOf("/" + okHttpJar))
            .as(other + " before " + okHttpJar)
            .isTrue();
      }
      Map<String, String> f = figures(run);
      System.out.printf(
          "OkHttpDenialsIT %s: %d sync + %d async denials: live RealCalls %s, running %s, queued %s, "
              + "callFailed %s%n",
          name, SYNC, ASYNC, f.get("live_real_calls"), f.get("running"), f.get("queued"), f.get("call_failed"));

      assertThat(f.get("all_answered")).as(run.toString()).isEqualTo("true");
      assertThat(f.get("denied_sync")).as(run.toString()).isEqualTo(Integer.toString(SYNC));
      assertThat(f.get("denied_async")).as(run.toString()).isEqualTo(Integer.toString(ASYNC));
      assertThat(f.get("other")).as(run.toString()).isEqualTo("0");
      // Ended as OkHttp ends a failed call: listeners told once per call, dispatcher released.
      assertThat(f.get("call_start")).isEqualTo(Integer.toString(SYNC + ASYNC));
      assertThat(f.get("call_failed")).isEqualTo(Integer.toString(SYNC + ASYNC));
      assertThat(f.get("running")).isEqualTo("0");
      assertThat(f.get("queued")).isEqualTo("0");
      // Nothing keeps a denied call: not the call timeout's watchdog queue, not the dispatcher.
      // At most one may stay reachable from okio's watchdog thread: AsyncTimeout.awaitTimeout
      // keeps the node it waits for in a local (up to its 10 minutes, until a new timeout reaches
      // the head of the queue), even after that timeout was exited, for any call. Before the
      // denied calls were ended, every one stayed (1300 on OkHttp 3.14).
      assertThat(Long.parseLong(f.get("live_real_calls"))).as(run.toString()).isBetween(0L, 1L);
      assertThat(server.server.requestCount()).isZero();
      assertThat(run.spans).hasSize(SYNC + ASYNC);
      assertThat(run.spans).allSatisfy(s -> assertThat(s.attr("aiwarden.policy.decision")).isEqualTo("deny"));
      Leaks.assertNoSecret(run, server.openAiKey, "Bearer " + server.openAiKey);
    }
  }

  private static Map<String, String> figures(ChildJvm.Result run) {
    Map<String, String> f = new HashMap<>();
    for (String line : run.stdout.split("\n")) {
      if (line.startsWith("DENIALS ") && line.contains("=")) {
        String[] kv = line.substring(8).trim().split("=", 2);
        f.put(kv[0], kv[1].trim());
      }
    }
    assertThat(f).as(run.toString()).containsKeys("live_real_calls", "running", "call_failed");
    return f;
  }
}
