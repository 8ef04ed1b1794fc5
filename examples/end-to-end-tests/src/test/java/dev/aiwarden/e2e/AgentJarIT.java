package dev.aiwarden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The built agent jar: self-contained, everything relocated, a manifest that attaches. */
class AgentJarIT {

  @Test
  void everyClassIsOursOrRelocated() throws Exception {
    List<String> stray = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        String name = e.getName();
        if (!name.endsWith(".class")) {
          continue;
        }
        classes++;
        if (!name.startsWith("dev/aiwarden/")) {
          stray.add(name);
        }
      }
      assertThat(classes).isGreaterThan(1000);
      assertThat(stray).as("classes outside dev/aiwarden").isEmpty();
      // The hook weaver's ASM core, relocated; no Byte Buddy (its 3000 classes served only ASM).
      assertThat(jar.getEntry("dev/aiwarden/shaded/org/objectweb/asm/ClassReader.class")).isNotNull();
      assertThat(jar.getEntry("dev/aiwarden/shaded/net/bytebuddy/ByteBuddy.class")).isNull();
      assertThat(jar.getEntry("dev/aiwarden/shaded/io/opentelemetry/sdk/OpenTelemetrySdk.class"))
          .isNotNull();
      assertThat(jar.getEntry("dev/aiwarden/bootstrap/Warden.class")).isNotNull();
      // OkHttp, Okio and Kotlin (the OTLP/gRPC sender's) only relocated: never the application's
      // (and never matched by the OkHttp hook, which names okhttp3.* exactly).
      assertThat(jar.getEntry("dev/aiwarden/shaded/okhttp3/OkHttpClient.class")).isNotNull();
      assertThat(jar.getEntry("dev/aiwarden/shaded/okio/Buffer.class")).isNotNull();
      assertThat(jar.getEntry("dev/aiwarden/shaded/kotlin/Unit.class")).isNotNull();
    }
  }

  @Test
  void serviceFilesAreRelocatedToo() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        if (e.getName().startsWith("META-INF/services/") && !e.isDirectory()) {
          assertThat(e.getName()).startsWith("META-INF/services/dev.aiwarden.");
        }
      }
    }
  }

  @Test
  void manifestAttachesAsAnAgentAndRunsAsACommand() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class")).isEqualTo("dev.aiwarden.AiWardenAgent");
      assertThat(main.getValue("Agent-Class")).isEqualTo("dev.aiwarden.AiWardenAgent");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(main.getValue("Main-Class")).isEqualTo("dev.aiwarden.cli.Cli");
    }
  }

  @Test
  void agentBytecodeRunsOnJava11() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      byte[] head =
          jar.getInputStream(jar.getEntry("dev/aiwarden/AiWardenAgent.class")).readNBytes(8);
      int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
      assertThat(major).isEqualTo(55); // Java 11
    }
  }
}
