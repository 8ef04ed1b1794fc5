package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.examples.callers.CallSites;
import java.lang.invoke.MethodType;
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
