package dev.aiwarden;

import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry point. Start-up must stay close to free: this puts ai-warden's
 * tiny bootstrap classes where every class loader can see them and registers one name-filtering
 * transformer; the hook weaver (ASM) and the OpenTelemetry SDK start only when an HTTP client ai-warden
 * hooks is first loaded. Nothing here may ever stop the application from starting.
 */
public final class AiWardenAgent {
  private static volatile boolean started;

  private AiWardenAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  private static synchronized void start(String args, Instrumentation inst, boolean late) {
    if (started) {
      return;
    }
    started = true;
    try {
      // First, before any class that mentions them is loaded: the bootstrap classes.
      BootstrapClasses.define(inst);
      Startup.run(args, inst, late);
    } catch (Throwable t) {
      System.err.println(
          "[ai-warden] ERROR could not start; the application runs without ai-warden: " + t);
    }
  }
}
