package dev.aiwarden.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReadsTest {
  @TempDir Path dir;

  @Test
  void keepsReadsOnlyWithTheirFirstOpeningTime() throws Exception {
    FileReads.enable();
    Path a = dir.resolve("a.properties");
    FileReads.opened(a.toFile());
    long first = FileReads.opened().get(a.toString());
    FileReads.opened(a, Set.of(StandardOpenOption.READ));
    assertThat(FileReads.opened().get(a.toString())).isEqualTo(first);

    Path written = dir.resolve("out.log");
    FileReads.opened(written, EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
    FileReads.opened(written, EnumSet.of(StandardOpenOption.APPEND));
    FileReads.opened(dir.resolve("Foo.class").toFile());
    FileReads.opened(dir.resolve("lib.jar"), null);
    FileReads.opened((File) null);
    FileReads.opened((Path) null, null);
    assertThat(FileReads.opened()).containsKey(a.toString());
    assertThat(FileReads.opened().keySet())
        .noneMatch(p -> p.endsWith("out.log") || p.endsWith(".class") || p.endsWith(".jar"));
  }

  /** The cost the hook adds to each file opening; printed for docs/provenance.md. */
  @Test
  void costPerOpeningIsSmallAgainstTheOpeningItself() throws Exception {
    FileReads.enable();
    int files = 200;
    Path[] paths = new Path[files];
    for (int i = 0; i < files; i++) {
      paths[i] = Files.writeString(dir.resolve("f" + i + ".properties"), "k" + i + "=v\n");
    }
    int rounds = 50;
    long sink = 0;
    for (int warm = 0; warm < 2; warm++) {
      for (int r = 0; r < rounds; r++) {
        for (Path p : paths) {
          FileReads.opened(p, null);
          FileReads.opened(p.toFile());
          sink += Files.readString(p).length();
        }
      }
    }
    long hookStart = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (Path p : paths) {
        FileReads.opened(p, null);
      }
    }
    long hookNanos = (System.nanoTime() - hookStart) / (rounds * files);
    long readStart = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (Path p : paths) {
        sink += Files.readString(p).length();
      }
    }
    long readNanos = (System.nanoTime() - readStart) / (rounds * files);
    System.out.printf(
        "file hook: %d ns per opening of a known file; Files.readString of a small file %d ns (%.1f%%)%n",
        hookNanos, readNanos, 100.0 * hookNanos / readNanos);
    assertThat(sink).isPositive();
    assertThat(hookNanos).isLessThan(readNanos / 4);
  }
}
