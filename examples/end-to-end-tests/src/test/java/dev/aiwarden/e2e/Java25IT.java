package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same agent jar (Java 11 bytecode) on the newest JDK here: both SDKs, sync and streamed. */
class Java25IT {
  private static String java25;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    java25 = Jdks.java25();
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void openAiJavaOnJava25() throws Exception {
    assertOpenAiJavaRun(OpenAiJavaIT.childFor(server).java(java25).args("chat", "stream", "azure-chat").run());
  }

  /** The same on openai-java-example's own class path: OkHttp 4.12.0, not the shared path's 5.3.2. */
  @Test
  void openAiJavaOnItsOwnOkHttp4OnJava25() throws Exception {
    String libraries = ExampleClasspath.of("openai-java-example");
    assertThat(libraries).contains("okhttp-4.12.0.jar").doesNotContain("okhttp-jvm-5");
    ChildJvm.Result run =
        OpenAiJavaIT.childFor(server).java(java25).classpath(libraries).args("chat", "stream", "azure-chat").run();
    assertOpenAiJavaRun(run);
    assertThat(ChildJvmClasspath.of(run)).contains("okhttp-4.12.0.jar").doesNotContain("okhttp-jvm-5");
  }

  /** openai-java's chat, stream and azure-chat on Java 25: three spans with key, caller, tokens. */
  private static void assertOpenAiJavaRun(ChildJvm.Result run) throws Exception {
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans).hasSize(3);
    assertThat(run.spans)
        .allSatisfy(s -> assertThat(s.attr("aiwarden.key.fingerprint")).isNotNull());
    assertThat(run.spans.get(0).attr("code.function.name"))
        .isEqualTo("dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    assertThat(run.spans.get(1).attr("gen_ai.usage.output_tokens")).isNotNull();
    // Nothing but our own log lines on stderr: no JVM warnings caused by the agent.
    assertThat(run.stderr.lines().filter(l -> !l.startsWith("[ai-warden]")))
        .as(run.stderr)
        .isEmpty();
    Leaks.assertNoSecret(run, server.openAiKey, server.azureKey);
  }

  @Test
  void azureAiOpenAiOnJava25() throws Exception {
    ChildJvm.Result run =
        AzureAiOpenAiIT.childFor(server).java(java25).args("chat", "chat-async", "stream").run();
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.spans).hasSize(3);
    assertThat(run.spans)
        .allSatisfy(s -> assertThat(s.attr("gen_ai.provider.name")).isEqualTo("azure.ai.openai"));
    Leaks.assertNoSecret(run, server.azureKey);
  }
}
