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
 *
 * <p>Cost per call (the walk runs for every AI call): a {@link StackWalker} that keeps class
 * references walks lazily and stops at the first match; whether a class is application code is
 * decided once per class ({@link ClassValue}: no name comparisons per frame); and the {@link
 * Caller} of a call site (class, method, line) is made once and reused with its text, so a
 * repeated call site costs one {@link StackTraceElement} and no string. At most {@value
 * #SITES_PER_CLASS} call sites are kept per class, with the class itself (nothing pins a class
 * loader); beyond, a {@link Caller} is made per call.
 */
public final class CallerLocator {
  /** Call sites cached per application class; more are answered without the cache. */
  static final int SITES_PER_CLASS = 32;

  private static final StackWalker WALKER = walker();
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

  /** The value of {@link #CLASSES} for a class whose frames are skipped. */
  private static final Object SKIP = new Object();

  /** Per class: {@link #SKIP}, or the application class's cached call sites ({@link Sites}). */
  private static final ClassValue<Object> CLASSES =
      new ClassValue<Object>() {
        @Override
        protected Object computeValue(Class<?> type) {
          return isApplicationClass(type.getName()) ? new Sites() : SKIP;
        }
      };

  private CallerLocator() {}

  /**
   * With class references when allowed (a security manager may refuse them): then frames are
   * classified by class, else by class name.
   */
  private static StackWalker walker() {
    try {
      return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    } catch (SecurityException e) {
      return StackWalker.getInstance();
    }
  }

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
      Object kind = kindOf(f);
      if (kind != SKIP) {
        return caller(f, (Sites) kind);
      }
    }
    return null;
  }

  /**
   * {@link #SKIP}, an application class's {@link Sites}, or null for an application frame whose
   * class is not at hand (a walker without class references).
   */
  private static Object kindOf(StackWalker.StackFrame f) {
    Class<?> type;
    try {
      type = f.getDeclaringClass();
    } catch (UnsupportedOperationException noClassReference) {
      return isApplicationClass(f.getClassName()) ? null : SKIP;
    }
    return CLASSES.get(type);
  }

  /**
   * The caller of an application frame: its class's cached one when known. The cache is keyed by
   * method name and line, which (with the class) determine a {@link Caller} completely.
   */
  private static Caller caller(StackWalker.StackFrame f, Sites sites) {
    if (sites == null) {
      return caller(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber());
    }
    StackTraceElement e = f.toStackTraceElement();
    String method = e.getMethodName();
    int line = e.getLineNumber() < 0 ? -1 : e.getLineNumber();
    Caller known = sites.get(method, line);
    if (known != null) {
      return known;
    }
    Caller made = caller(e.getClassName(), method, e.getFileName(), line);
    sites.add(method, line, made);
    return made;
  }

  static Caller caller(String className, String method, String file, int line) {
    return new Caller(className + "." + method, file, line < 0 ? -1 : line);
  }

  /**
   * The call sites seen in one application class: (method name, line) to its {@link
   * Caller}. Read without a lock (an immutable array replaced whole); at most {@value
   * #SITES_PER_CLASS}.
   */
  static final class Sites {
    private static final Site[] NONE = new Site[0];
    private volatile Site[] sites = NONE;

    Caller get(String method, int line) {
      Site[] all = sites;
      for (int i = 0; i < all.length; i++) {
        Site s = all[i];
        if (s.line == line && s.method.equals(method)) {
          return s.caller;
        }
      }
      return null;
    }

    synchronized void add(String method, int line, Caller caller) {
      Site[] all = sites;
      if (all.length >= SITES_PER_CLASS || get(method, line) != null) {
        return;
      }
      Site[] more = java.util.Arrays.copyOf(all, all.length + 1);
      more[all.length] = new Site(method, line, caller);
      sites = more;
    }

    int size() {
      return sites.length;
    }
  }

  private static final class Site {
    final String method;
    final int line;
    final Caller caller;

    Site(String method, int line, Caller caller) {
      this.method = method;
      this.line = line;
      this.caller = caller;
    }
  }

  /** The cached call sites of {@code type} (for tests): -1 when its frames are skipped. */
  static int cachedSites(Class<?> type) {
    Object kind = CLASSES.get(type);
    return kind instanceof Sites ? ((Sites) kind).size() : -1;
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
