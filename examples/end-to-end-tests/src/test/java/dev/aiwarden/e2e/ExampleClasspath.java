package dev.aiwarden.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The class path of one example module on its own: its classes and the {@code classpath.txt} its
 * build wrote. Examples whose libraries would clash on one shared class path (LangChain4j, Spring
 * AI 1.x, ...) run this way, each in its own JVM, as real applications do.
 */
final class ExampleClasspath {
  private ExampleClasspath() {}

  static String of(String module) {
    Path target =
        Paths.get(System.getProperty("aiwarden.test.examplesDir", "..")).resolve(module).resolve("target");
    Path file = target.resolve("classpath.txt");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("build the example first (mvn package): " + file.toAbsolutePath());
    }
    try {
      String deps = Files.readString(file).trim();
      String classes = target.resolve("classes").toAbsolutePath().toString();
      return deps.isEmpty() ? classes : classes + java.io.File.pathSeparator + deps;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This module's own test classes (small test-only mains that run in the child JVM). */
  static String testClasses() {
    return Paths.get("target/test-classes").toAbsolutePath().toString();
  }
}
