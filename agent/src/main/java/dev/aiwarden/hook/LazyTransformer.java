package dev.aiwarden.hook;

import dev.aiwarden.provenance.LiteralKeys;
import dev.aiwarden.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The only transformer installed at start-up: a name test ({@link HookTargets}) in front of the
 * {@link InlineWeaver} (the hooks' advice), which is built when first needed. An application that never loads an
 * AI-capable HTTP client pays for this name test and nothing else.
 *
 * <p>Building and warming up the weaver costs tens of milliseconds of class loading. It starts on a
 * daemon thread as soon as any class of a hooked library loads ({@link
 * HookTargets#inHookedLibrary}: {@code okhttp3/...} long before {@code RealCall}), so that on a
 * machine with a spare core it is ready, or nearly, when the first hooked class needs it; that
 * class's loading thread then waits for the build, or does it itself if the thread has not started.
 */
public final class LazyTransformer implements ClassFileTransformer {
  /** How long a loading class waits for a build running on another thread before going unhooked. */
  static final long BUILD_WAIT_SECONDS = 30;

  private final FutureTask<ClassFileTransformer> build;
  private final Runnable onFirstHook;
  private volatile boolean prepared;
  private volatile boolean hooked;
  private volatile ClassFileTransformer delegate;

  /**
   * @param weaver builds the real transformer (called once, on first need)
   * @param onFirstHook run once, on a daemon thread, when the first hooked class loads (starts the
   *     telemetry SDK)
   */
  public LazyTransformer(Supplier<ClassFileTransformer> weaver, Runnable onFirstHook) {
    this.build = new FutureTask<>(new Build(weaver));
    this.onFirstHook = onFirstHook;
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (classBeingRedefined == null) {
      // literal:CLASS provenance: key-shaped constants of each class as it first loads.
      LiteralKeys.onClassLoad(loader, className, classfileBuffer);
    }
    if (className == null) {
      return null;
    }
    if (!prepared && HookTargets.inHookedLibrary(className)) {
      prepare();
    }
    if (!HookTargets.wanted(className)) {
      return null;
    }
    try {
      ClassFileTransformer d = delegate();
      return d == null
          ? null
          : d.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      AgentLog.errorOnce("transform:" + className, "ai-warden could not hook " + className, t);
      return null;
    }
  }

  /** Starts building the weaver on a daemon thread, once. */
  void prepare() {
    synchronized (build) {
      if (prepared) {
        return;
      }
      prepared = true;
    }
    try {
      Thread thread = new Thread(build, "ai-warden-hooks-init");
      thread.setDaemon(true);
      thread.start();
    } catch (Throwable cannotStart) {
      // delegate() builds it on the loading thread
    }
  }

  private ClassFileTransformer delegate() throws Exception {
    ClassFileTransformer d = delegate;
    if (d != null) {
      return d;
    }
    if (!hooked) {
      boolean first = false;
      synchronized (this) {
        if (!hooked) {
          hooked = true;
          first = true;
        }
      }
      if (first) {
        startFirstHook();
      }
    }
    build.run(); // builds here unless the daemon thread has started (then: no-op)
    try {
      d = build.get(BUILD_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
    delegate = d;
    return d;
  }

  /**
   * Runs {@code onFirstHook} on a daemon thread of its own: the telemetry start (logging set-up,
   * the OpenTelemetry API's no-op or the SDK build's thread) is not the loading class's work, and
   * the first AI call waits for it anyway ({@code Telemetry.get}). Where no thread can start, it
   * runs here.
   */
  private void startFirstHook() {
    FirstHook task = new FirstHook(onFirstHook);
    try {
      Thread thread = new Thread(task, "ai-warden-telemetry-start");
      thread.setDaemon(true);
      thread.start();
    } catch (Throwable cannotStart) {
      task.run();
    }
  }

  private static final class FirstHook implements Runnable {
    private final Runnable onFirstHook;

    FirstHook(Runnable onFirstHook) {
      this.onFirstHook = onFirstHook;
    }

    @Override
    public void run() {
      try {
        onFirstHook.run();
      } catch (Throwable t) {
        AgentLog.errorOnce("first-hook", "ai-warden could not start telemetry", t);
      }
    }
  }

  /** The build, as a named class (a lambda would cost the first lambda bootstrap of some JVMs). */
  private static final class Build implements Callable<ClassFileTransformer> {
    private final Supplier<ClassFileTransformer> weaver;

    Build(Supplier<ClassFileTransformer> weaver) {
      this.weaver = weaver;
    }

    @Override
    public ClassFileTransformer call() {
      return weaver.get();
    }
  }
}
