package dev.aiwarden.telemetry;

import dev.aiwarden.config.AgentConfig;
import dev.aiwarden.core.AiCall;
import java.io.File;
import java.io.FileOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Programs run in forked JVMs by the tests. */
final class ForkedMains {
  private ForkedMains() {}

  /**
   * Records one call with the real, lazily built SDK and a traces file (args[0]), then leaves by
   * {@code System.exit} (args[1] = exit) or by returning from main (args[1] = return).
   */
  static final class RecordOneCallThenLeave {
    public static void main(String[] args) {
      Map<String, String> agentArgs = new HashMap<>();
      agentArgs.put(AgentConfig.TRACES_FILE, args[0]);
      Telemetry.configure(new AgentConfig(agentArgs, Collections.emptyMap(), System.getenv()));
      Telemetry.warmUp();
      CallTelemetry calls = Telemetry.calls();
      AiCall call = Calls.chat();
      calls.onStart(call);
      calls.onEnd(Calls.answered(call, 200, Calls.chatResponse()));
      if ("exit".equals(args[1])) {
        System.exit(0);
      }
    }
  }

  /**
   * Sets up an application that configures slf4j-simple its own way (system properties and a
   * {@code simplelogger.properties} on the context class loader), then logs through AgentLog.
   */
  static final class LogBesideAnApplicationsSimpleLogger {
    public static void main(String[] args) throws Exception {
      Path dir = Files.createTempDirectory("app-logging");
      try (FileOutputStream out = new FileOutputStream(new File(dir.toFile(), "simplelogger.properties"))) {
        out.write(
            ("org.slf4j.simpleLogger.defaultLogLevel=error\n"
                    + "org.slf4j.simpleLogger.levelInBrackets=true\n"
                    + "org.slf4j.simpleLogger.showThreadName=true\n"
                    + "org.slf4j.simpleLogger.showDateTime=false\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      Thread.currentThread()
          .setContextClassLoader(
              new URLClassLoader(new URL[] {dir.toUri().toURL()}, ForkedMains.class.getClassLoader()));
      System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
      System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
      System.setProperty("slf4j.provider", "com.example.NoSuchProvider");

      AgentLog.get(ForkedMains.class).info("hello from the agent");
      AgentLog.get(ForkedMains.class).debug("debug line");
      AgentLog.errorOnce("demo", "ai-warden demo failure", new IllegalStateException("secret-ish detail"));
      AgentLog.errorOnce("demo", "ai-warden demo failure", new IllegalStateException("again"));
      System.out.println("count=" + AgentLog.internalErrorCount());
      System.out.println("app showLogName=" + System.getProperty("org.slf4j.simpleLogger.showLogName"));
      System.out.println("app logFile=" + System.getProperty("org.slf4j.simpleLogger.logFile"));
      System.out.println(
          "app defaultLogLevel=" + System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
    }
  }
}
