package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class AgentLogTest {

  /**
   * Runs {@code action} with System.err captured; returns what was written (including the call
   * lines the log writer thread had not written yet when the action returned).
   */
  static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      LogWriter.shared().flush();
      System.setErr(original);
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void linesStartWithThePrefixAndLevelOnStderr() {
    String out = captureStderr(() -> AgentLog.get(AgentLogTest.class).info("hello {}", "world"));
    assertThat(out).isEqualTo("[ai-warden] INFO hello world" + System.lineSeparator());
    out = captureStderr(() -> AgentLog.get("x").warn("careful"));
    assertThat(out).isEqualTo("[ai-warden] WARN careful" + System.lineSeparator());
  }

  @Test
  void errorOnceLogsTheFirstOfAKeyAndCountsAll() {
    long before = AgentLog.internalErrorCount();
    String key = "test.errorOnce." + System.nanoTime();
    String out =
        captureStderr(
            () -> {
              AgentLog.errorOnce(key, "ai-warden test failure", new IllegalStateException("detail-x"));
              AgentLog.errorOnce(key, "ai-warden test failure", new IllegalStateException("detail-y"));
              AgentLog.errorOnce(key, "ai-warden test failure", null);
            });
    assertThat(AgentLog.internalErrorCount()).isEqualTo(before + 3);
    assertThat(out.split(System.lineSeparator())).hasSize(1);
    assertThat(out)
        .startsWith("[ai-warden] ERROR ai-warden test failure: java.lang.IllegalStateException")
        .doesNotContain("detail-x") // an exception's message may carry request data
        .doesNotContain("\tat "); // stack trace at debug only
  }

  @Test
  void errorOnceNeverThrows() {
    AgentLog.errorOnce(null, null, null);
    AgentLog.errorOnce("k", "m", new Throwable() {
      @Override
      public String toString() {
        throw new IllegalStateException("hostile toString");
      }
    });
  }

  @Test
  void levelNames() {
    assertThat(AgentLog.normalizeLevel(null)).isEqualTo("info");
    assertThat(AgentLog.normalizeLevel(" DEBUG ")).isEqualTo("debug");
    assertThat(AgentLog.normalizeLevel("warning")).isEqualTo("warn");
    assertThat(AgentLog.normalizeLevel("error")).isEqualTo("error");
    assertThat(AgentLog.normalizeLevel("off")).isEqualTo("off");
    assertThat(AgentLog.normalizeLevel("loud")).isEqualTo("info");
  }

  @Test
  void isolatedFromTheApplicationsSimpleLoggerSettings() throws Exception {
    Fork fork =
        Fork.run(Collections.emptyList(), ForkedMains.LogBesideAnApplicationsSimpleLogger.class);
    assertThat(fork.exitCode).as(fork.output).isZero();
    assertThat(Arrays.asList(fork.output.split("\\R")))
        .as(fork.output)
        .contains(
            "[ai-warden] INFO hello from the agent",
            "count=2",
            // the application's settings are as it left them
            "app showLogName=true",
            "app logFile=System.out",
            "app defaultLogLevel=null")
        .anyMatch(l -> l.startsWith("[ai-warden] ERROR ai-warden demo failure: java.lang.IllegalStateException"))
        .noneMatch(l -> l.contains("debug line"))
        .noneMatch(l -> l.contains("SLF4J")); // no complaint about the app's slf4j.provider
  }

  @Test
  void debugLevelFromTheAgentSettings() throws Exception {
    Fork fork =
        Fork.run(
            Collections.singletonList("-Daiwarden.log.level=debug"),
            ForkedMains.LogBesideAnApplicationsSimpleLogger.class);
    assertThat(fork.exitCode).as(fork.output).isZero();
    assertThat(fork.output)
        .contains("[ai-warden] DEBUG debug line")
        .contains("[ai-warden] DEBUG stack trace of the error above [demo]")
        .contains("java.lang.IllegalStateException: secret-ish detail")
        .contains("\tat ");
  }
}
