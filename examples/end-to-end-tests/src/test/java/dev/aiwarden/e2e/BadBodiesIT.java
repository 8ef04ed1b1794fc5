package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never hurts the host: malformed, truncated, compressed, binary, empty and 100 MB
 * request and response bodies, answers that are not JSON, SSE streams cut mid-event and a server
 * that closes the connection mid-body ({@code x-test-fault} of the local server), through the raw
 * JDK client, raw OkHttp and the openai-java SDK. Each case runs with and without the agent in
 * the same test: the application must see exactly the same thing (status, bytes read and their
 * SHA-256, or the same exception class and message after the same number of bytes), every call
 * must still end its span (with {@code error.type} where it failed), no key may leak, and the agent
 * may print no stack trace and at most one warning.
 */
class BadBodiesIT {
  private static final String MAIN = "dev.aiwarden.e2e.BadBodiesMain";
  /** Response cases: the local server's fault modes (sse-close = close-mid-body on a stream). */
  private static final String[] RESPONSE_CASES = {
    "none", "truncate", "close-mid-body", "gzip", "deflate", "not-json", "malformed", "empty", "binary",
    "sse-cut", "sse-close",
  };
  private static final String[] REQUEST_CASES = {
    "req-malformed", "req-truncated", "req-gzip", "req-deflate", "req-binary", "req-empty",
  };
  private static final String[] AZURE_CASES = {
    "none", "truncate", "close-mid-body", "gzip", "not-json", "empty", "binary", "sse-cut", "sse-close",
    "req-malformed", "req-binary",
  };
  /** 100 MiB each way, in a heap far smaller than that: passes without the agent, must with it. */
  private static final String[] HUGE_CASES = {"huge", "req-huge"};
  private static final String AGENT_LOG = "[ai-warden]";
  private static final String SMALL_HEAP = "-Xmx96m";

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ChildJvm child(String... args) throws Exception {
    return ChildJvm.of(MAIN)
        .classpath(ChildJvm.childClasspath() + java.io.File.pathSeparator + ExampleClasspath.testClasses())
        .against(server)
        .env("OPENAI_BASE_URL", server.https("api.openai.com") + "/v1")
        .env("OPENAI_API_KEY", server.openAiKey)
        .args(args);
  }

  private static String[] concat(String first, String[]... rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    for (String[] r : rest) {
      all.addAll(List.of(r));
    }
    return all.toArray(new String[0]);
  }

  @Test
  void jdkHttpClientSeesTheSameBytesAndExceptions() throws Exception {
    compare(concat("jdk", RESPONSE_CASES, REQUEST_CASES));
  }

  @Test
  void okHttpSeesTheSameBytesAndExceptions() throws Exception {
    compare(concat("okhttp", RESPONSE_CASES, REQUEST_CASES));
  }

  /** azure-core's own client (Netty), as azure-ai-openai uses it: the response side. */
  @Test
  void azureCoreHttpClientSeesTheSameBytesAndExceptions() throws Exception {
    compare(concat("azure", AZURE_CASES));
  }

  @Test
  void openAiSdkSeesTheSameResultsAndExceptions() throws Exception {
    compare(concat("sdk", RESPONSE_CASES));
  }

  @Test
  void hundredMegabytesEachWayInASmallHeapThroughTheJdkClient() throws Exception {
    huge("jdk");
  }

  @Test
  void hundredMegabytesEachWayInASmallHeapThroughOkHttp() throws Exception {
    huge("okhttp");
  }

  private static void huge(String client) throws Exception {
    Pair p = compare(concat(client, HUGE_CASES), SMALL_HEAP);
    long read = Long.parseLong(p.with.results().get(0).replaceAll(".* read=(\\d+) .*", "$1"));
    assertThat(read).isGreaterThan(100L << 20);
    assertThat(p.with.results().get(1)).contains("status=413").contains("sent=" + BadBodiesMain.hugeLength() + "/");
    long with = allocated(p.with);
    long without = allocated(p.without);
    // Printed, not asserted (the small heap is the assertion): the agent's share of the allocation.
    System.out.printf(
        "BadBodiesIT %s 100 MiB each way: allocated %d MB without the agent, %d MB with it (%.2fx)%n",
        client, without >> 20, with >> 20, (double) with / without);
  }

  private static long allocated(ChildJvm.Result r) {
    for (String line : r.stdout.split("\n")) {
      if (line.startsWith("ALLOCATED ")) {
        return Long.parseLong(line.substring("ALLOCATED ".length()).trim());
      }
    }
    throw new AssertionError("no ALLOCATED line: " + r);
  }

  private static final class Pair {
    final ChildJvm.Result with;
    final ChildJvm.Result without;

    Pair(ChildJvm.Result with, ChildJvm.Result without) {
      this.with = with;
      this.without = without;
    }
  }

  private static Pair compare(String[] args, String... jvmArgs) throws Exception {
    ChildJvm w = child(args);
    ChildJvm wo = child(args).withoutAgent();
    for (String a : jvmArgs) {
      w.jvmArg(a);
      wo.jvmArg(a);
    }
    ChildJvm.Result without = wo.run();
    ChildJvm.Result with = w.run();
    assertThat(without.exitCode).as(without.toString()).isZero();
    assertThat(with.exitCode).as(with.toString()).isZero();
    List<String> cases = List.of(args).subList(1, args.length);

    // 1. The application saw exactly what it sees without the agent.
    assertThat(with.results()).as(with.toString()).hasSize(cases.size());
    assertThat(with.results()).isEqualTo(without.results());

    // 2. Every call ended its span (an exported span is an ended one), in order, with error.type
    //    where the application saw the call fail.
    List<Spans.Span> spans =
        with.spans.stream()
            .filter(s -> s.attr("gen_ai.operation.name") != null)
            .sorted(Comparator.comparingLong(s -> s.startNanos))
            .collect(Collectors.toList());
    assertThat(spans).as(with.toString()).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      Spans.Span s = spans.get(i);
      String result = with.results().get(i);
      assertThat(s.endNanos).as(cases.get(i)).isGreaterThanOrEqualTo(s.startNanos).isPositive();
      if (cases.get(i).equals("close-mid-body") || cases.get(i).equals("sse-close")) {
        // the transport failed under the application: the span says how
        assertThat(result).contains("threw ");
        assertThat(s.attr("error.type")).as(cases.get(i) + ": " + result + " " + s.attributes).isNotNull();
      }
    }

    // 3. No key anywhere; the agent stays quiet.
    Leaks.assertNoSecret(with, server.openAiKey);
    List<String> added =
        with.stderr.lines().filter(l -> !without.stderr.lines().anyMatch(l::equals)).collect(Collectors.toList());
    assertThat(added).as("what the agent added on stderr").allMatch(l -> l.startsWith(AGENT_LOG));
    long warnings = added.stream().filter(l -> l.startsWith(AGENT_LOG + " WARN") || l.startsWith(AGENT_LOG + " ERROR")).count();
    assertThat(warnings).as(with.stderr).isLessThanOrEqualTo(1);
    return new Pair(with, without);
  }
}
