package dev.aiwarden.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/** The files in the repository's {@code otel-config/} folder. */
final class OtelConfig {
  private OtelConfig() {}

  static Path dir() {
    return Paths.get(System.getProperty("aiwarden.test.otelConfigDir", "../../otel-config")).toAbsolutePath().normalize();
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  /** A {@code NAME=value} file (comments and blank lines skipped), as a shell's {@code set -a; .} reads it. */
  static Map<String, String> env(String name) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file(name))) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(name + ": not NAME=value: " + line);
      }
      env.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return env;
  }

  /** Applies an env file to a child JVM, then the overrides (endpoints only, in the tests). */
  static ChildJvm apply(ChildJvm child, String envFile, Map<String, String> overrides) throws IOException {
    Map<String, String> env = env(envFile);
    env.putAll(overrides);
    env.forEach(child::env);
    return child;
  }
}
