package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.hook.jdkhttp.JdkHttpClientHook;
import dev.aiwarden.hook.jdkurl.HttpUrlConnectionHook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapters of the JDK's own clients live in the platform or bootstrap loader, next to the JDK:
 * they may use JDK types, the {@code bootstrap} package and their own package, nothing else (no
 * Byte Buddy, no agent core). And every class they need is in the hook's list of classes to inject.
 */
class JdkAdaptersTest {

  @Test
  void jdkHttpClientAdapters() throws IOException {
    check("dev/aiwarden/hook/jdkhttp/", new JdkHttpClientHook());
  }

  @Test
  void httpUrlConnectionAdapters() throws IOException {
    check("dev/aiwarden/hook/jdkurl/", new HttpUrlConnectionHook());
  }

  private static void check(String pkg, Hook hook) throws IOException {
    List<String> listed = hook.adapterClasses();
    List<String> compiled;
    try (Stream<Path> files = Files.list(Paths.get("target/classes/" + pkg))) {
      compiled =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".class") && !n.contains("Hook"))
              .map(n -> (pkg + n.substring(0, n.length() - 6)).replace('/', '.'))
              .sorted()
              .collect(Collectors.toList());
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(compiled);
    for (String name : listed) {
      byte[] bytes = Files.readAllBytes(Paths.get("target/classes/" + name.replace('.', '/') + ".class"));
      String constants =
          new String(bytes, StandardCharsets.ISO_8859_1)
              .replace("dev/aiwarden/bootstrap/", "")
              .replace(pkg, "");
      assertThat(constants).as(name).doesNotContain("dev/aiwarden/").doesNotContain("net/bytebuddy");
    }
  }
}
