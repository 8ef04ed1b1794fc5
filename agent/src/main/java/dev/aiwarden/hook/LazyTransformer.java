package dev.aiwarden.hook;

import dev.aiwarden.provenance.LiteralKeys;
import dev.aiwarden.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.function.Supplier;

/**
 * The only transformer installed at start-up: a name test ({@link HookTargets}) in front of the
 * Byte Buddy transformer, which is built the first time a hooked class loads. An application
 * that never loads an AI-capable HTTP client pays for this name test and nothing else.
 */
public final class LazyTransformer implements ClassFileTransformer {
  private final Supplier<ClassFileTransformer> byteBuddy;
  private final Runnable onFirstHook;
  private volatile ClassFileTransformer delegate;

  /**
   * @param byteBuddy builds the real transformer (called once, on first need)
   * @param onFirstHook run once when the first hooked class loads (starts the telemetry SDK)
   */
  public LazyTransformer(Supplier<ClassFileTransformer> byteBuddy, Runnable onFirstHook) {
    this.byteBuddy = byteBuddy;
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
    if (className == null || !HookTargets.wanted(className)) {
      return null;
    }
    try {
      return delegate().transform(
          loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      AgentLog.errorOnce("transform:" + className, "ai-warden could not hook " + className, t);
      return null;
    }
  }

  private ClassFileTransformer delegate() {
    ClassFileTransformer d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          try {
            onFirstHook.run();
          } catch (Throwable t) {
            AgentLog.errorOnce("first-hook", "ai-warden could not start telemetry", t);
          }
          d = byteBuddy.get();
          delegate = d;
        }
      }
    }
    return d;
  }
}
