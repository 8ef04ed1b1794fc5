package dev.aiwarden.examples.benchmarks;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

/**
 * A Java agent that does nothing but what every agent that changes classes must: it registers a
 * retransform-capable transformer that changes nothing. The suite starts the start-up apps with it
 * (a jar holding only a manifest naming this class, which the apps' class path already has) to
 * measure the floor: what {@code -javaagent} itself costs on this JVM before any agent code runs
 * (java.instrument turns off CDS's archived module graph, and the JVM hands every loading class's
 * bytes to the registered transformer).
 */
public final class NoopAgent {
  private NoopAgent() {}

  public static void premain(String args, Instrumentation inst) {
    inst.addTransformer(new ClassFileTransformer() {}, true);
  }
}
