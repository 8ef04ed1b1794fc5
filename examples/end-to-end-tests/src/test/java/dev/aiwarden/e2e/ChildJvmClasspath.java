package dev.aiwarden.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The class path a child JVM ran with, as written in its run directory. */
final class ChildJvmClasspath {
  private ChildJvmClasspath() {}

  static String of(ChildJvm.Result run) {
    try {
      return Files.readString(run.dir.resolve("classpath.txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
