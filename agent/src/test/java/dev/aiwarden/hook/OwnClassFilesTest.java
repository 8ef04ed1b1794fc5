package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnClassFilesTest {
  private static final String SELF = "dev/aiwarden/hook/OwnClassFiles.class";
  private static final String ADAPTER = "dev/aiwarden/hook/okhttp/OkHttp4Adapter.class";

  @Test
  void fromADirectoryItReadsNothingAndTheClassLoaderReadsTheFiles() throws IOException {
    assertThat(OwnClassFiles.agentJar(OwnClassFiles.class)).as("target/classes is no jar").isNull();
    byte[][] files = OwnClassFiles.read(OwnClassFiles.class, SELF, ADAPTER);
    assertThat(files.length).isEqualTo(2);
    assertThat(files[0]).isNull();
    assertThat(files[1]).isNull();
    assertThat(OwnClassFiles.viaClassLoader(OwnClassFiles.class, ADAPTER))
        .isEqualTo(Files.readAllBytes(Paths.get("target/classes/" + ADAPTER)));
    assertThatThrownBy(() -> OwnClassFiles.viaClassLoader(OwnClassFiles.class, "no/such/Class.class"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no/such/Class.class");
  }

  /** In a jar: the entries asked for, in order, straight from that jar; null for one it lacks. */
  @Test
  void readsEntriesStraightFromTheJarItsAnchorCameFrom(@TempDir Path dir) throws Exception {
    File jar = dir.resolve("agent.jar").toFile();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()))) {
      for (String name : new String[] {SELF, ADAPTER}) {
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(Paths.get("target/classes/" + name)));
        out.closeEntry();
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> c = Class.forName("dev.aiwarden.hook.OwnClassFiles", false, loader);
      assertThat(c.getClassLoader()).isSameAs(loader);
      File found = (File) c.getMethod("agentJar", Class.class).invoke(null, c);
      assertThat(found.getCanonicalFile()).isEqualTo(jar.getCanonicalFile());
      Method read = c.getMethod("read", Class.class, String[].class);
      byte[][] files =
          (byte[][]) read.invoke(null, c, new String[] {ADAPTER, "dev/aiwarden/Missing.class", SELF});
      assertThat(files[0]).isEqualTo(Files.readAllBytes(Paths.get("target/classes/" + ADAPTER)));
      assertThat(files[1]).isNull();
      assertThat(files[2]).isEqualTo(Files.readAllBytes(Paths.get("target/classes/" + SELF)));
    }
  }
}
