package dev.aiwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapClassesTest {

  @Test
  void listsEveryClassOfTheBootstrapPackage() throws IOException {
    Path dir = Paths.get("target/classes/dev/aiwarden/bootstrap");
    List<String> compiled;
    try (Stream<Path> files = Files.list(dir)) {
      compiled =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".class"))
              .map(n -> "dev/aiwarden/bootstrap/" + n.substring(0, n.length() - 6))
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(Arrays.stream(BootstrapClasses.CLASSES).sorted()).containsExactlyElementsOf(compiled);
  }

  @Test
  void bootstrapClassesUseJdkTypesOnly() throws IOException {
    for (String name : BootstrapClasses.CLASSES) {
      byte[] bytes = Files.readAllBytes(Paths.get("target/classes/" + name + ".class"));
      String constants = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      // Any reference to another ai-warden package would fail in the bootstrap loader.
      assertThat(constants.replace("dev/aiwarden/bootstrap/", ""))
          .as(name)
          .doesNotContain("dev/aiwarden/");
    }
  }
}
