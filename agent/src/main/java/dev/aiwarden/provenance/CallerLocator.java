package dev.aiwarden.provenance;

import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
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
 * <p>Cost per call (the walk runs for every AI call). A {@link StackWalker} fills its frames in
 * batches, and every frame of a batch costs a frame object and the VM's resolving of its method,
 * whether or not it is looked at; by default the batches hold 6, 12, 24, then 32 frames on Java
 * 17 (7, 15, then 31 on Java 25), so a caller 19 frames down costs 42 filled frames. So:
 *
 * <ul>
 *   <li>Each thread remembers how deep its last two walks went ({@link Depths}); when they agree,
 *       the walk's first batch is sized to reach exactly that deep: a thread that keeps making the
 *       same kind of call fills only the frames down to its caller, in one batch. When they
 *       disagree (a thread alternating call paths) the JDK's default batches are used, as before.
 *       The sizes only change the cost: the frames walked and the answer are the same.
 *   <li>A hook's walk through {@code Warden.captureCaller} runs from that frame, not from here
 *       ({@link #bridgeWalker()}, {@link #BRIDGE_SEARCH}), once the thread's last two walks agreed
 *       and found a caller: the frames of this class's {@link #find()} and the core's {@code
 *       captureCaller} are not filled (2 of the 9 frames an openai-java call walks). Depths are
 *       still counted as {@link #find()} counts them, so both kinds of walk size each other's.
 *   <li>Reflection frames are not filtered out by the JDK ({@link
 *       StackWalker.Option#SHOW_REFLECT_FRAMES}): its per-frame check costs a class-name read
 *       per frame, and their classes (JDK reflection and method-handle classes) are skipped here
 *       anyway.
 *   <li>A thread whose walks found no application frame (an event loop) first looks for one with a
 *       class-only walk ({@code DROP_METHOD_INFO}, Java 22+: no method resolved per frame), and
 *       only walks again with method information when there is one.
 *   <li>Whether a class is application code is decided once per class ({@link ClassValue}: no name
 *       comparisons per frame); and the {@link Caller} of a call site (class, method, line) is
 *       made once and reused with its text, so a repeated call site costs one {@link
 *       StackTraceElement} and no string. At most {@value #SITES_PER_CLASS} call sites are kept
 *       per class, with the class itself (nothing pins a class loader); beyond, a {@link Caller}
 *       is made per call.
 * </ul>
 */
public final class CallerLocator {
  /** Call sites cached per application class; more are answered without the cache. */
  static final int SITES_PER_CLASS = 32;

  /**
   * Largest first batch asked of a walker (the JDK's own cap, {@code
   * StackStreamFactory.LARGE_BATCH_SIZE}); deeper walks go on in further batches.
   */
  static final int MAX_FIRST_BATCH = 256;

  /**
   * Slots of a first batch the JDK keeps for itself before Java 21 (StackStreamFactory's {@code
   * START_POS} 2: a walker asked for a first batch of {@code n} fills {@code n - 2} frames); from
   * Java 21 on it fills as many frames as asked for.
   */
  private static final int RESERVED_SLOTS = Runtime.version().feature() >= 21 ? 0 : 2;

  /** Java 22+: {@code StackWalker.Option.DROP_METHOD_INFO} (walks of classes only), else null. */
  private static final StackWalker.Option DROP_METHOD_INFO = dropMethodInfo();

  /** Walkers by first-batch size (index; 0: the JDK's default), made when first needed. */
  private static final StackWalker[] WALKERS = new StackWalker[MAX_FIRST_BATCH + 1];

  /** The same, of classes only (no method resolved per frame); null before Java 22. */
  private static final StackWalker[] CLASS_WALKERS =
      DROP_METHOD_INFO == null ? null : new StackWalker[MAX_FIRST_BATCH + 1];

  /** Made once: a method reference written at the call site would be a new object per walk. */
  private static final Function<Stream<StackWalker.StackFrame>, Caller> FIND = CallerLocator::walked;

  private static final Function<Stream<StackWalker.StackFrame>, Integer> DEPTH =
      CallerLocator::applicationDepth;

  /**
   * Frames a walk from {@code Warden.captureCaller} does not go through, against one from {@link
   * #find()} called by the core's {@code captureCaller}: {@link #find()} and that method.
   */
  static final int BRIDGE_FRAMES = 2;

  /**
   * The search of {@code Warden.captureCaller}'s own walk ({@link #bridgeWalker()}): the same as
   * {@link #find()}'s, its depth learnt as {@link #find()} would have counted it. Never throws.
   */
  public static final Function<Stream<StackWalker.StackFrame>, Object> BRIDGE_SEARCH =
      CallerLocator::bridged;

  /**
   * Frames a walk from a hook's entry method (the method that would call {@code
   * Warden.captureCaller}, {@code Warden.hookCallerWalker}) does not go through, against one from
   * {@link #find()}: {@link #find()}, the core's and {@code Warden}'s {@code captureCaller}.
   */
  static final int HOOK_FRAMES = BRIDGE_FRAMES + 1;

  /**
   * The search of a walk from a hook's entry method ({@link #hookWalker()}): the same as {@link
   * #find()}'s, its depth learnt as {@link #find()} would have counted it. Never throws.
   */
  public static final Function<Stream<StackWalker.StackFrame>, Object> HOOK_SEARCH =
      CallerLocator::fromHook;

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

  /** The application frame calling this method, or null when there is none. Never throws. */
  public static Caller find() {
    try {
      int last = Depths.last();
      int frames = 0;
      if (Depths.repeated(last)) {
        frames = Depths.frames(last);
        if (Depths.none(last)) {
          // The whole stack, and one frame more: a first batch the stack fills exactly leaves the
          // JDK fetching (and allocating) one more batch to learn that the stack has ended.
          frames++;
          if (CLASS_WALKERS != null) {
            // No application frame the last two times: look for one by class alone first.
            int depth = sized(CLASS_WALKERS, frames, true).walk(DEPTH);
            if (depth <= 0) {
              return null; // the full walk's answer, for a fraction of its cost
            }
            frames = depth; // there is one after all: walk down to it in one batch
          }
        }
      }
      return walker(frames).walk(FIND);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The walker for a search from {@code Warden.captureCaller}'s frame ({@link #BRIDGE_SEARCH}), or
   * null when the thread's last two walks disagree or found no application frame: then the core's
   * {@code captureCaller} calls {@link #find()}, which handles those cases. Such a walk fills
   * {@link #BRIDGE_FRAMES} frames fewer than {@link #find()}'s, and finds the same frame (the two
   * frames it leaves out are the agent's own, skipped anyway).
   */
  public static StackWalker bridgeWalker() {
    return walkerSaving(BRIDGE_FRAMES);
  }

  /**
   * The walker for a search from a hook's entry method itself ({@link #HOOK_SEARCH}), one frame
   * nearer the caller than {@code Warden.captureCaller}'s: {@link #HOOK_FRAMES} frames fewer than
   * {@link #find()}'s; null when {@link #bridgeWalker()} is null (the hook then calls {@code
   * Warden.captureCaller}). The frame left out is the agent's own {@code Warden.captureCaller}.
   */
  public static StackWalker hookWalker() {
    return walkerSaving(HOOK_FRAMES);
  }

  private static StackWalker walkerSaving(int saved) {
    int last = Depths.last();
    if (!Depths.repeated(last) || Depths.none(last)) {
      return null;
    }
    int frames = Depths.frames(last) - saved;
    return frames > 0 ? walker(frames) : null;
  }

  /**
   * Frames the current thread's last walk went through, down to its caller (or the whole stack
   * when it found none): what the walk cost is proportional to. For tests that keep the path from
   * a hook to the walk from growing.
   */
  public static int lastWalkFrames() {
    return Depths.frames(Depths.last());
  }

  /** The walker whose first batch holds {@code frames} frames (0: the JDK's default batches). */
  static StackWalker walker(int frames) {
    return sized(WALKERS, frames, false);
  }

  private static StackWalker sized(StackWalker[] walkers, int frames, boolean classesOnly) {
    int size = frames <= 0 ? 0 : Math.min(frames + RESERVED_SLOTS, MAX_FIRST_BATCH);
    StackWalker w = walkers[size];
    if (w == null) {
      w = newWalker(size, true, classesOnly);
      walkers[size] = w; // racy: at worst two equal walkers are made
    }
    return w;
  }

  /**
   * A walker with a first batch of {@code size} (0: the JDK's default), with class references
   * when asked and allowed (a security manager may refuse them: frames are then classified by
   * class name), of classes only when asked (Java 22+).
   */
  static StackWalker newWalker(int size, boolean classReferences, boolean classesOnly) {
    Set<StackWalker.Option> options = EnumSet.of(StackWalker.Option.SHOW_REFLECT_FRAMES);
    if (classesOnly) {
      options.add(DROP_METHOD_INFO);
    }
    if (classReferences) {
      options.add(StackWalker.Option.RETAIN_CLASS_REFERENCE);
      try {
        return newWalker(options, size);
      } catch (SecurityException refused) {
        options.remove(StackWalker.Option.RETAIN_CLASS_REFERENCE);
      }
    }
    return newWalker(options, size);
  }

  /** Java 22+: a class-only walker with the JDK's default batches (for tests), else null. */
  static StackWalker classOnlyWalker(boolean classReferences) {
    return DROP_METHOD_INFO == null ? null : newWalker(0, classReferences, true);
  }

  /** {@link #applicationDepth(Stream)} of a walk by {@code walker} from the caller's frame. */
  static int applicationDepth(StackWalker walker) {
    return walker.walk(DEPTH);
  }

  private static StackWalker newWalker(Set<StackWalker.Option> options, int size) {
    return size == 0 ? StackWalker.getInstance(options) : StackWalker.getInstance(options, size);
  }

  private static StackWalker.Option dropMethodInfo() {
    try {
      return StackWalker.Option.valueOf("DROP_METHOD_INFO");
    } catch (IllegalArgumentException beforeJava22) {
      return null;
    }
  }

  /**
   * Frames from the walk's start through the first application frame (the caller's own frames
   * included), or 0 when there is none.
   */
  private static Integer applicationDepth(Stream<StackWalker.StackFrame> frames) {
    Iterator<StackWalker.StackFrame> it = frames.iterator();
    int n = 0;
    while (it.hasNext()) {
      n++;
      if (kindOf(it.next()) != SKIP) {
        return n;
      }
    }
    return 0;
  }

  /** The walk of {@link #find()}: its answer, and how deep it went for the next walk. */
  private static Caller walked(Stream<StackWalker.StackFrame> frames) {
    return first(frames, true, 0);
  }

  private static Object bridged(Stream<StackWalker.StackFrame> frames) {
    return learnt(frames, BRIDGE_FRAMES);
  }

  private static Object fromHook(Stream<StackWalker.StackFrame> frames) {
    return learnt(frames, HOOK_FRAMES);
  }

  private static Object learnt(Stream<StackWalker.StackFrame> frames, int skipped) {
    try {
      return first(frames, true, skipped);
    } catch (RuntimeException e) {
      return null; // as find()
    }
  }

  /** The first application frame of {@code frames}, or null. */
  static Caller find(Stream<StackWalker.StackFrame> frames) {
    return first(frames, false, 0);
  }

  /**
   * The first application frame; when {@code learn}, the walk's depth is kept for the next walk,
   * with {@code skipped} frames added (those a walk from {@link #find()} would have gone through
   * before this walk's first frame).
   */
  private static Caller first(Stream<StackWalker.StackFrame> frames, boolean learn, int skipped) {
    // A plain loop: no pipeline stages, lambdas or Optional per call; stops at the first match.
    Iterator<StackWalker.StackFrame> it = frames.iterator();
    int n = 0;
    while (it.hasNext()) {
      StackWalker.StackFrame f = it.next();
      n++;
      Object kind = kindOf(f);
      if (kind != SKIP) {
        if (learn) {
          Depths.walked(n + skipped, false);
        }
        return caller(f, (Sites) kind);
      }
    }
    if (learn) {
      Depths.walked(n + skipped, true);
    }
    return null;
  }

  /**
   * How deep each thread's last two walks went, in one {@code int} per thread slot: the last walk
   * in the low half, the one before in the high half; each a frame count, with {@link #NONE} set
   * when that walk found no application frame. Slots are picked by thread id (no {@link
   * ThreadLocal}: nothing allocated per thread, virtual threads included); threads sharing a slot
   * only make each other's sizes a guess, never an answer. A slot is written only when it changes,
   * so threads repeating their calls do not write at all.
   */
  static final class Depths {
    static final int SLOTS = 256;
    /** In a half: that walk found no application frame (its count is then the whole stack). */
    static final int NONE = 0x8000;
    private static final int COUNT = 0x7fff;
    private static final int[] BY_THREAD = new int[SLOTS];

    private Depths() {}

    @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
    private static int slot() {
      return (int) Thread.currentThread().getId() & (SLOTS - 1);
    }

    static int last() {
      return BY_THREAD[slot()];
    }

    /** True when the last two walks went equally deep with the same outcome. */
    static boolean repeated(int last) {
      return last != 0 && (last >>> 16) == (last & 0xffff);
    }

    static boolean none(int last) {
      return (last & NONE) != 0;
    }

    /** Frames the last walk went through (through its application frame, or the whole stack). */
    static int frames(int last) {
      return last & COUNT;
    }

    static void walked(int frames, boolean none) {
      int half = Math.min(frames, COUNT) | (none ? NONE : 0);
      int slot = slot();
      int before = BY_THREAD[slot];
      int now = ((before & 0xffff) << 16) | half;
      if (now != before) {
        BY_THREAD[slot] = now;
      }
    }
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
