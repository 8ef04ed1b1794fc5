package dev.aiwarden.hook;

import static dev.aiwarden.hook.InlineAdvice.ENTER;
import static dev.aiwarden.hook.InlineAdvice.RETURN;
import static dev.aiwarden.hook.InlineAdvice.THIS;
import static dev.aiwarden.hook.InlineAdvice.THROWN;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link WovenSample} woven with advice whose calls throw (at entry, at each return, on the
 * throw path), run on this JVM: one line per case, {@code kind method(arg) -> outcome}. Used by
 * {@link InlineWeaverTest} in its own JVM and, as a main, in a Java 25 one (arguments: the class
 * file major version to weave, e.g. 69, or nothing to keep the compiled one).
 */
public final class FailOpenCases {
  private static final String TARGET = WovenSample.class.getName();
  private static final String ADVICE = SampleAdvice.class.getName();
  /** An adapter class that does not exist: every call of it fails to link. */
  static final String MISSING = "dev.aiwarden.hook.NoSuchAdapter";

  private static final String OO_O = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
  private static final String OT_T = "(Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Throwable;";

  private FailOpenCases() {}

  public static void main(String[] args) throws Exception {
    for (String line : run(args.length == 0 ? 0 : Integer.parseInt(args[0]))) {
      System.out.println(line);
    }
  }

  /** The failures an adapter call can raise, by the name the lines use. */
  static List<Throwable> failures() {
    List<Throwable> all = new ArrayList<>();
    all.add(new NoClassDefFoundError("dev/aiwarden/hook/Missing"));
    all.add(new LinkageError("loader constraint violated"));
    all.add(new IllegalStateException("adapter bug"));
    return all;
  }

  /** Every case's line; {@code major}: the class file version woven (0: as compiled). */
  static List<String> run(int major) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Throwable failure : failures()) {
      SampleAdvice.failure = failure;
      String kind = failure.getClass().getSimpleName();
      Object s = woven(major, failingAdvice(ADVICE));
      lines.add(kind + " " + outcome(s, "loop", "ab"));
      lines.add(kind + " " + outcome(s, "caught", "x"));
      lines.add(kind + " " + outcome(s, "wide", 5L, 1.5, 2));
      lines.add(kind + " " + outcome(s, "addName", new ArrayList<String>()));
      lines.add(kind + " " + outcome(s, "fails", ""));
      lines.add(kind + " " + outcome(s, "fails", "bad"));
    }
    // Calls of a class that is not there: the JVM's own NoClassDefFoundError at each call site.
    Object s = woven(major, failingAdvice(MISSING));
    lines.add("missing " + outcome(s, "loop", "ab"));
    lines.add("missing " + outcome(s, "caught", "x"));
    lines.add("missing " + outcome(s, "wide", 5L, 1.5, 2));
    lines.add("missing " + outcome(s, "addName", new ArrayList<String>()));
    lines.add("missing " + outcome(s, "fails", ""));
    lines.add("missing " + outcome(s, "fails", "bad"));
    return lines;
  }

  /** enter, exit and thrown calls of {@code owner} that all throw. */
  static InlineAdvice[] failingAdvice(String owner) {
    return new InlineAdvice[] {
      InlineAdvice.on("loop", 1)
          .enter(owner, "enterFailing", OO_O, THIS, 0)
          .exit(owner, "exitFailing", OO_O, ENTER, RETURN)
          .thrown(owner, "thrownFailing", OT_T, ENTER, THROWN),
      InlineAdvice.on("caught", 1).exit(owner, "exitFailing", OO_O, 0, RETURN),
      InlineAdvice.on("wide", 3)
          .enter(owner, "enterFailing", OO_O, THIS, THIS)
          .exit(owner, "exitFailingWide", "(Ljava/lang/Object;J)J", ENTER, RETURN),
      InlineAdvice.on("addName", 1).exit(owner, "exitFailingVoid", "(Ljava/lang/Object;)V", 0),
      InlineAdvice.on("fails", 1)
          .enter(owner, "enterFailing", OO_O, THIS, 0)
          .exit(owner, "exitFailing", OO_O, ENTER, RETURN)
          .thrown(owner, "thrownFailing", OT_T, ENTER, THROWN)
    };
  }

  /** A fresh WovenSample("sample") of its own class, woven with {@code advice}. */
  static Object woven(int major, InlineAdvice... advice) throws Exception {
    byte[] bytes;
    try (InputStream in =
        FailOpenCases.class.getResourceAsStream("/" + TARGET.replace('.', '/') + ".class")) {
      bytes = in.readAllBytes();
    }
    if (major > 0) {
      bytes[6] = (byte) (major >> 8);
      bytes[7] = (byte) major;
    }
    InlineWeaver.Builder builder = new InlineWeaver.Builder();
    builder.named(TARGET).advice(advice);
    byte[] woven =
        builder.build().transform(
            FailOpenCases.class.getClassLoader(), TARGET.replace('.', '/'), null, null, bytes);
    if (woven == null) {
      throw new IllegalStateException("not woven");
    }
    return VerifyingLoader.define(TARGET, woven).getConstructor(String.class).newInstance("sample");
  }

  /** {@code method(args) -> what it returned}, or {@code -> threw Class: message}. */
  static String outcome(Object target, String name, Object... args) throws Exception {
    String call = name + "(" + (args.length == 1 ? args[0] : args.length) + ") -> ";
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        try {
          Object result = m.invoke(target, args);
          return call + (result == null ? args[0] : result);
        } catch (InvocationTargetException e) {
          Throwable t = e.getCause();
          return call + "threw " + t.getClass().getName() + ": " + t.getMessage();
        }
      }
    }
    throw new NoSuchMethodException(name);
  }
}
