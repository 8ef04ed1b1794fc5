package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The settling's reading of HotSpot's {@code Compiler.queue}: tasks counted as listed. */
class CompileQueueTest {
  @Test
  void countsTheCurrentAndQueuedCompilesOfBothCompilers() {
    // As Java 17's Compiler.queue prints it (taken from a benchmark worker with 64 threads).
    String busy =
        "Current compiles: \n"
            + "C2 CompilerThread0  5439   !   4       com.openai.core.PrepareRequest::modelNameOrNull (169 bytes)\n"
            + "\n"
            + "C1 compile queue:\n"
            + "Empty\n"
            + "\n"
            + "C2 compile queue:\n"
            + "4701       4       com.fasterxml.jackson.databind.node.TreeTraversingParser::getLongValue (24 bytes)\n"
            + "4737       4       okhttp3.HttpUrl$Companion::percentDecode$okhttp$default (41 bytes)\n"
            + "----------------------------------------------------------------------\n";

    assertThat(CompileQueue.count(busy)).isEqualTo(3);
  }

  @Test
  void anIdleJitHasNothing() {
    String idle = "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n\n";

    assertThat(CompileQueue.count(idle)).isZero();
  }

  @Test
  void thisJvmAnswers() {
    // HotSpot (the JDKs the suite runs on) has the diagnostic command: never "does not say".
    assertThat(CompileQueue.pending()).isGreaterThanOrEqualTo(0);
  }
}
