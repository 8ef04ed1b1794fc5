package dev.aiwarden.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.core.TestFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which stage an internal error counts under, and that every error is counted. */
class InternalErrorsTest {
  @AfterEach
  void noFault() {
    TestFaults.configure(null);
  }

  private static Throwable thrownAt(String... classNames) {
    RuntimeException e = new RuntimeException("boom");
    StackTraceElement[] frames = new StackTraceElement[classNames.length];
    for (int i = 0; i < classNames.length; i++) {
      frames[i] = new StackTraceElement(classNames[i], "m", "F.java", 1);
    }
    e.setStackTrace(frames);
    return e;
  }

  @Test
  void keysNameTheirStage() {
    assertThat(InternalErrors.stageOf("telemetry.onEnd", null)).isEqualTo("telemetry");
    assertThat(InternalErrors.stageOf("policy.onCompleted", null)).isEqualTo("policy");
    assertThat(InternalErrors.stageOf("policy.watch", null)).isEqualTo("policy");
    assertThat(InternalErrors.stageOf("audit.record", null)).isEqualTo("audit");
    assertThat(InternalErrors.stageOf("transform:okhttp3/RealCall", null)).isEqualTo("hook");
    assertThat(InternalErrors.stageOf("inject:x", null)).isEqualTo("hook");
    assertThat(InternalErrors.stageOf("literal-scan", null)).isEqualTo("provenance");
    assertThat(InternalErrors.stageOf("log.jul", null)).isEqualTo("telemetry");
    assertThat(InternalErrors.stageOf("something-new", null)).isEqualTo("other");
    assertThat(InternalErrors.stageOf(null, null)).isEqualTo("other");
  }

  @Test
  void anErrorAHookReportsCountsWhereTheAgentsCodeThrew() {
    assertThat(InternalErrors.stageOf("hook:requestStarting", thrownAt(
            "java.lang.String", "dev.aiwarden.classify.RequestBodyParser", "dev.aiwarden.core.WardenCore")))
        .isEqualTo("classify");
    assertThat(InternalErrors.stageOf("hook:requestStarting", thrownAt(
            "dev.aiwarden.shaded.com.fasterxml.jackson.core.JsonParser", "dev.aiwarden.policy.Policy")))
        .isEqualTo("policy");
    assertThat(InternalErrors.stageOf("hook:okhttp.response", thrownAt(
            "okhttp3.Response", "dev.aiwarden.hook.okhttp.OkHttp4Adapter")))
        .isEqualTo("hook");
    assertThat(InternalErrors.stageOf("hook:responseReceived", thrownAt(
            "dev.aiwarden.exchange.HeaderList", "dev.aiwarden.core.WardenCore")))
        .isEqualTo("core");
    assertThat(InternalErrors.stageOf("hook:failed", thrownAt("java.lang.Object")))
        .isEqualTo("hook");
  }

  @Test
  void aTestFaultCountsUnderItsStage() {
    TestFaults.configure("classify");
    try {
      TestFaults.at(TestFaults.POLICY); // not this stage: nothing happens
      TestFaults.at(TestFaults.CLASSIFY);
      throw new AssertionError("no fault thrown");
    } catch (TestFaults.Fault f) {
      assertThat(InternalErrors.stageOf("hook:requestStarting", f)).isEqualTo("classify");
    }
    assertThat(TestFaults.configure("nonsense")).isNull();
    TestFaults.at(TestFaults.CLASSIFY); // unknown value: no fault at all
  }

  @Test
  void everyErrorIsCountedThoughLoggedOnce() {
    long before = InternalErrors.count("provenance");
    for (int i = 0; i < 25; i++) {
      AgentLog.errorOnce("literal-scan", "test error", new IllegalStateException());
    }
    assertThat(InternalErrors.count("provenance") - before).isEqualTo(25);
  }
}
