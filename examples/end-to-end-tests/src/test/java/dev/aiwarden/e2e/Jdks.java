package dev.aiwarden.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Finds another installed JDK for the child JVMs: {@code $JAVA<N>_HOME}, else the system JVM folder. */
final class Jdks {
  private Jdks() {}

  /** The {@code java} launcher of an installed JDK whose feature version is {@code feature}. */
  static Optional<String> java(int feature) {
    String home = System.getenv("JAVA" + feature + "_HOME");
    if (home != null && isVersion(Paths.get(home), feature)) {
      return Optional.of(launcher(Paths.get(home)));
    }
    Path jvms = Paths.get("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
      for (Path dir : dirs) {
        if (isVersion(dir, feature) && Files.isExecutable(Paths.get(launcher(dir)))) {
          return Optional.of(launcher(dir));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The Java 25 launcher; the calling test is skipped (not failed) on a machine without one. */
  static String java25() {
    Optional<String> java = java(25);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.isPresent(), "no JDK 25 found (set JAVA25_HOME or install one under /usr/lib/jvm)");
    return java.get();
  }

  private static boolean isVersion(Path home, int feature) {
    Path release = home.resolve("release");
    try {
      return Files.isRegularFile(release)
          && Files.readAllLines(release).stream()
              .anyMatch(
                  l -> l.startsWith("JAVA_VERSION=\"" + feature + "\"")
                      || l.startsWith("JAVA_VERSION=\"" + feature + "."));
    } catch (IOException e) {
      return false;
    }
  }

  private static String launcher(Path home) {
    return home.resolve("bin").resolve("java").toString();
  }
}
