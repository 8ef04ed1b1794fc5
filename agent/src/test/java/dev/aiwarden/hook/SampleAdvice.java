package dev.aiwarden.hook;

import dev.aiwarden.bootstrap.PolicyDeniedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The adapter side of {@link InlineWeaverTest}: records what the woven code passes. */
public final class SampleAdvice {
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  private SampleAdvice() {}

  public static Object enter(Object self, Object arg) throws PolicyDeniedException {
    EVENTS.add("enter " + arg);
    if ("deny".equals(arg)) {
      throw new PolicyDeniedException("test.rule", "denied in enter");
    }
    if ("boom".equals(arg)) {
      throw new IllegalStateException("enter failed");
    }
    if ("refuse".equals(arg)) {
      return new PolicyDeniedException("test.rule", "denied as the handle");
    }
    return "handle:" + arg;
  }

  public static Object replace(Object handle, Object arg) {
    EVENTS.add("replace " + arg);
    return "wrapped-" + arg;
  }

  public static Object skip(Object denial) {
    EVENTS.add("skip " + ((Exception) denial).getMessage());
    return "skipped";
  }

  public static Object exit(Object handle, Object returned) {
    EVENTS.add("exit " + handle + " " + returned);
    return returned instanceof String ? returned + "!" : returned;
  }

  public static Throwable thrown(Object handle, Throwable thrown) {
    EVENTS.add("thrown " + handle + " " + thrown.getMessage());
    return thrown;
  }

  public static Object enterWide(Object self, long a, double b) {
    EVENTS.add("enterWide " + a + " " + b);
    return "wide";
  }

  public static long exitWide(Object handle, long returned) {
    EVENTS.add("exitWide " + handle + " " + returned);
    return returned + 1000;
  }

  public static int exitCount(Object handle, int returned) {
    return returned * 10;
  }

  public static void enterVoid(Object self, Object list) {
    EVENTS.add("enterVoid " + list);
  }

  public static boolean retry(Object throwable, boolean retry) {
    return retry && !(throwable instanceof Throwable
        && PolicyDeniedException.isDenial((Throwable) throwable));
  }

  public static Object tap(Object handle, Object returned) {
    return handle == null ? returned : "tapped-" + returned;
  }

  public static Object pick(Object field, Object returned, Object tapped) {
    return tapped != returned ? tapped : field;
  }

  public static void enterCalls(Object self, int calls) {
    EVENTS.add("enterCalls " + calls);
  }

  public static void exitVoid(Object handle, Object returned) {
    EVENTS.add("exitVoid " + handle + " " + returned);
  }

  public static void thrownVoid(Object handle, Throwable thrown) {
    EVENTS.add("thrownVoid " + handle + " " + thrown.getMessage());
  }

  public static long exitWideFirst(long returned, Object handle) {
    EVENTS.add("exitWideFirst " + returned + " " + handle);
    return returned + 1;
  }

  /**
   * What the failing advice below throws: an error of the kinds a broken adapter or a class
   * loader that does not see it would give.
   */
  public static volatile Throwable failure = new NoClassDefFoundError("dev/aiwarden/hook/Missing");

  private static RuntimeException fail(String event) {
    EVENTS.add(event);
    Throwable t = failure;
    if (t instanceof Error) {
      throw (Error) t;
    }
    throw (RuntimeException) t;
  }

  public static Object enterFailing(Object self, Object arg) {
    throw fail("enterFailing " + arg);
  }

  public static Object exitFailing(Object handle, Object returned) {
    throw fail("exitFailing " + handle + " " + returned);
  }

  public static void exitFailingVoid(Object handle) {
    throw fail("exitFailingVoid " + handle);
  }

  public static long exitFailingWide(Object handle, long returned) {
    throw fail("exitFailingWide " + returned);
  }

  public static Throwable thrownFailing(Object handle, Throwable thrown) {
    throw fail("thrownFailing " + handle + " " + thrown.getMessage());
  }
}
