package dev.aiwarden.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a fresh JVM (tests of once-per-JVM behaviour). */
final class Fork {
  final int exitCode;
  final String output;
  final long millis;

  private Fork(int exitCode, String output, long millis) {
    this.exitCode = exitCode;
    this.output = output;
    this.millis = millis;
  }

  static Fork run(List<String> jvmArgs, Class<?> main, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("AIWARDEN_"));
    long started = System.nanoTime();
    Process process = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                in.transferTo(out);
              } catch (IOException ignored) {
                // process gone
              }
            });
    pump.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("forked JVM did not finish in 60 s: " + command);
    }
    pump.join(5_000);
    return new Fork(
        process.exitValue(),
        new String(out.toByteArray(), StandardCharsets.UTF_8),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
