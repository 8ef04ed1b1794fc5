package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Searches everything a child JVM printed or wrote for secrets. */
final class Leaks {
  private Leaks() {}

  static void assertNoSecret(ChildJvm.Result run, String... secrets) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(run.dir)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    }
    assertThat(files).as("the run wrote its output files").isNotEmpty();
    for (Path f : files) {
      String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String secret : secrets) {
        assertThat(content).as("secret found in " + f).doesNotContain(secret);
      }
    }
  }
}
