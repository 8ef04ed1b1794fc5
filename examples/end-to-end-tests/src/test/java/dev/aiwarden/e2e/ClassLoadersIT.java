package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK loaded by a class loader of the application's own (Spring Boot fat jars, application
 * servers): the hooks' adapters are injected into each loader that loads a hooked client, so
 * openai-java (OkHttp) in a child loader and in two sibling loaders is recorded like on the class
 * path, and LangChain4j (the JDK client, one for all loaders) as well.
 */
class ClassLoadersIT {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ChildJvm.Result run(String main, String module, String layout, String... scenarios)
      throws Exception {
    String[] args = new String[3 + scenarios.length];
    args[0] = main;
    args[1] = ExampleClasspath.of(module);
    args[2] = layout;
    System.arraycopy(scenarios, 0, args, 3, scenarios.length);
    ChildJvm.Result r =
        ChildJvm.of("dev.aiwarden.e2e.ChildLoadersMain")
            .classpath(ExampleClasspath.testClasses())
            .against(server)
            .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
            .env("OPENAI_API_KEY", server.openAiKey)
            .args(args)
            .run();
    assertThat(r.exitCode).as(r.toString()).isZero();
    return r;
  }

  @Test
  void openAiJavaInAChildLoaderAndInTwoSiblingLoaders() throws Exception {
    ChildJvm.Result r =
        run("dev.aiwarden.examples.openai.OpenAiJavaExample", "openai-java-example", "child+siblings", "chat", "stream");
    assertThat(r.stdout).contains("LOADER child", "LOADER sibling-a", "LOADER sibling-b", "LOADERS distinct=true");
    assertThat(r.results()).hasSize(6);
    assertThat(r.spans).as(r.toString()).hasSize(6);
    assertThat(r.spans).allSatisfy(s -> {
      assertThat(s.attr("aiwarden.client")).isEqualTo("okhttp");
      assertThat(s.attr("gen_ai.request.model")).isEqualTo("gpt-4o");
      assertThat(s.attr("aiwarden.key.fingerprint")).isEqualTo(Keys.fingerprint(server.openAiKey));
      assertThat(s.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.openai.OpenAiJavaExample.run");
    });
    assertThat(r.spans).allSatisfy(s -> assertThat(s.attr("gen_ai.usage.output_tokens")).isNotNull());
    assertThat(r.stderr).doesNotContain("could not");
    Leaks.assertNoSecret(r, server.openAiKey);
  }

  @Test
  void langChain4jInAChildLoader() throws Exception {
    ChildJvm.Result r =
        run("dev.aiwarden.examples.langchain4j.LangChain4jExample", "langchain4j-example", "child", "chat", "stream");
    assertThat(r.spans).as(r.toString()).hasSize(2);
    assertThat(r.spans).allSatisfy(s -> {
      assertThat(s.attr("aiwarden.client")).isEqualTo("jdk-httpclient");
      assertThat(s.attr("code.function.name")).isEqualTo("dev.aiwarden.examples.langchain4j.LangChain4jExample.main");
    });
  }
}
