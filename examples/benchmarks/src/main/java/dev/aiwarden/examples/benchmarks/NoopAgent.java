package dev.aiwarden.examples.benchmarks;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;

/**
 * A Java agent that does nothing but what every agent that changes classes must: it registers a
 * retransform-capable transformer that changes nothing. The suite starts the start-up apps with it
 * to measure the floor: what {@code -javaagent} itself costs on this JVM before any agent code runs
 * (java.instrument turns off CDS's archived module graph, and the JVM hands every loading class's
 * bytes to the registered transformer).
 *
 * <p>The agent jar holds a copy of this class renamed to {@link #LAST} ({@link #renamedCopy}), a
 * name the apps' class path does not have: the JVM then finds the agent's class as it finds a real
 * agent's, in the agent jar it appends after every jar of the class path (opening each of them
 * first), so the floor includes that search, as ai-warden's start-up does.
 */
public final class NoopAgent implements ClassFileTransformer {
  /** The copy's name: as long as this class's, so that only the name's bytes change. */
  static final String LAST = "dev.aiwarden.examples.benchmarks.LastAgent";

  private NoopAgent() {}

  public static void premain(String args, Instrumentation inst) {
    inst.addTransformer(new NoopAgent(), true);
  }

  /**
   * This class's class file with its name changed to {@link #LAST}. The class refers to no other
   * class of its own (no nested class, no lambda), and the two names are the same length, so
   * replacing the name's UTF-8 bytes in the constant pool leaves a valid class file.
   */
  static byte[] renamedCopy() throws java.io.IOException {
    byte[] bytes;
    try (java.io.InputStream in = NoopAgent.class.getResourceAsStream("NoopAgent.class")) {
      bytes = in.readAllBytes();
    }
    byte[] from = NoopAgent.class.getName().replace('.', '/').getBytes(StandardCharsets.UTF_8);
    byte[] to = LAST.replace('.', '/').getBytes(StandardCharsets.UTF_8);
    if (from.length != to.length) {
      throw new IllegalStateException("the names must be as long as each other");
    }
    int replaced = 0;
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, bytes, i, to.length);
        replaced++;
      }
    }
    if (replaced == 0) {
      throw new IllegalStateException("no class name found to rename");
    }
    return bytes;
  }
}
