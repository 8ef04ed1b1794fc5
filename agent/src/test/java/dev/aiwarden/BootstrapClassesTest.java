package dev.aiwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
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

  @Test
  void readsTheClassFilesFromTheDirectoryItWasLoadedFrom() throws IOException {
    assertThat(BootstrapClasses.agentJar()).as("loaded from target/classes, not a jar").isNull();
    byte[][] read = BootstrapClasses.readAll();
    for (int i = 0; i < BootstrapClasses.CLASSES.length; i++) {
      assertThat(read[i])
          .as(BootstrapClasses.CLASSES[i])
          .isEqualTo(Files.readAllBytes(Paths.get("target/classes/" + BootstrapClasses.CLASSES[i] + ".class")));
    }
  }

  /** In the agent jar, the class files are read from the jar itself (no parent loader search). */
  @Test
  void readsTheClassFilesStraightFromTheAgentJar(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    File jar = dir.resolve("agent.jar").toFile();
    List<String> entries = new java.util.ArrayList<>(Arrays.asList(BootstrapClasses.CLASSES));
    entries.add("dev/aiwarden/BootstrapClasses");
    entries.add("dev/aiwarden/hook/OwnClassFiles");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()))) {
      for (String name : entries) {
        out.putNextEntry(new JarEntry(name + ".class"));
        out.write(Files.readAllBytes(Paths.get("target/classes/" + name + ".class")));
        out.closeEntry();
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> c = Class.forName("dev.aiwarden.BootstrapClasses", false, loader);
      assertThat(c.getClassLoader()).isSameAs(loader);
      Method agentJar = c.getDeclaredMethod("agentJar");
      Method readAll = c.getDeclaredMethod("readAll");
      agentJar.setAccessible(true);
      readAll.setAccessible(true);
      assertThat(((File) agentJar.invoke(null)).getCanonicalFile()).isEqualTo(jar.getCanonicalFile());
      byte[][] read = (byte[][]) readAll.invoke(null);
      for (int i = 0; i < BootstrapClasses.CLASSES.length; i++) {
        assertThat(read[i])
            .as(BootstrapClasses.CLASSES[i])
            .isEqualTo(Files.readAllBytes(Paths.get("target/classes/" + BootstrapClasses.CLASSES[i] + ".class")));
      }
    }
  }
}
