package dev.aiwarden.provenance;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the application frame that made an AI call: the innermost stack frame whose class belongs
 * to neither the JDK, nor an HTTP / AI client library or framework, nor the agent.
 *
 * <p>Skipped packages: {@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.},
 * {@code kotlin.}, {@code kotlinx.}, {@code scala.}, {@code okhttp3.}, {@code okio.}, {@code
 * retrofit2.}, {@code com.openai.}, {@code com.azure.}, {@code com.theokanning.openai.}, {@code
 * io.github.sashirestela.openai.}, {@code dev.langchain4j.}, {@code org.springframework.}, {@code
 * reactor.}, {@code io.projectreactor.}, {@code io.reactivex.}, {@code org.reactivestreams.},
 * {@code io.netty.}, {@code net.bytebuddy.}, {@code com.fasterxml.jackson.}, {@code org.slf4j.},
 * {@code io.opentelemetry.}, {@code org.apache.http.}, {@code org.apache.hc.}, and the agent's
 * own {@code dev.aiwarden.} (its shaded libraries included) except {@code dev.aiwarden.examples.},
 * which is application code. Frames of lambda classes ({@code $$Lambda} in the name) are skipped
 * too.
 *
 * <p>Uses a {@link StackWalker} without options: it walks lazily and stops at the first match.
 */
public final class CallerLocator {
  private static final StackWalker WALKER = StackWalker.getInstance();
  /** Made once: a method reference written at the call site would be a new object per walk. */
  private static final Function<Stream<StackWalker.StackFrame>, Caller> FIND = CallerLocator::find;

  private static final String[] SKIPPED = {
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "okhttp3.",
    "okio.",
    "retrofit2.",
    "com.openai.",
    "com.azure.",
    "com.theokanning.openai.",
    "io.github.sashirestela.openai.",
    "dev.langchain4j.",
    "org.springframework.",
    "io.micrometer.",
    "reactor.",
    "io.projectreactor.",
    "io.reactivex.",
    "org.reactivestreams.",
    "io.netty.",
    "net.bytebuddy.",
    "com.fasterxml.jackson.",
    "org.slf4j.",
    "io.opentelemetry.",
    "org.apache.http.",
    "org.apache.hc.",
  };
  private static final String AGENT = "dev.aiwarden.";
  private static final String EXAMPLES = "dev.aiwarden.examples.";

  private CallerLocator() {}

  /** The application frame calling this method, or null when there is none. Never throws. */
  public static Caller find() {
    try {
      return WALKER.walk(FIND);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The first application frame of {@code frames}, or null. */
  static Caller find(Stream<StackWalker.StackFrame> frames) {
    // A plain loop: no pipeline stages, lambdas or Optional per call; stops at the first match.
    Iterator<StackWalker.StackFrame> it = frames.iterator();
    while (it.hasNext()) {
      StackWalker.StackFrame f = it.next();
      String className = f.getClassName();
      if (isApplicationClass(className)) {
        return caller(className, f.getMethodName(), f.getFileName(), f.getLineNumber());
      }
    }
    return null;
  }

  static Caller caller(String className, String method, String file, int line) {
    return new Caller(className + "." + method, file, line < 0 ? -1 : line);
  }

  /** True when a frame of this class is application code. */
  static boolean isApplicationClass(String className) {
    if (className == null || className.contains("$$Lambda")) {
      return false;
    }
    if (className.startsWith(AGENT)) {
      return className.startsWith(EXAMPLES);
    }
    for (String prefix : SKIPPED) {
      if (className.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }
}
