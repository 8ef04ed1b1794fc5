package dev.aiwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.provenance.TestKeys;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyScannerTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int scan(String... paths) throws IOException {
    String[] args = new String[paths.length + 1];
    args[0] = "scan";
    System.arraycopy(paths, 0, args, 1, paths.length);
    return Cli.run(args, new BufferedReader(new StringReader("")),
        new PrintStream(out, true, "UTF-8"), new PrintStream(err, true, "UTF-8"));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  static byte[] classWithConstant(String name, String field, String value) {
    return new ByteBuddy().subclass(Object.class).name(name)
        .defineField(field, String.class, Visibility.PUBLIC, Ownership.STATIC, FieldManifestation.FINAL)
        .value(value)
        .method(ElementMatchers.named("toString")).intercept(FixedValue.value("x"))
        .make().getBytes();
  }

  static byte[] jar(String[] names, byte[][] contents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes)) {
      for (int i = 0; i < names.length; i++) {
        jar.putNextEntry(new JarEntry(names[i]));
        jar.write(contents[i]);
        jar.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void findsKeysInTextFilesWithLineKindFingerprintAndHintButNeverTheKey() throws Exception {
    String openAi = TestKeys.openAi();
    String azure = TestKeys.azure32();
    String azure84 = TestKeys.azure84();
    Path props = dir.resolve("app.properties");
    Files.writeString(props, "# settings\nopenai.api.key=" + openAi + "\nazure.openai.key = " + azure + "\n");
    Path env = dir.resolve(".env");
    Files.writeString(env, "FOO=bar\nAZURE_AI_KEY=\"" + azure84 + "\"\n");

    assertThat(scan(dir.toString())).isEqualTo(1);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(props + ":2  openai_api_key  " + Fingerprints.fingerprint(openAi)
        + "  ..." + openAi.substring(openAi.length() - 4));
    assertThat(text).contains(props + ":3  azure_api_key  " + Fingerprints.fingerprint(azure));
    assertThat(text).contains(env + ":2  azure_api_key  " + Fingerprints.fingerprint(azure84));
    assertThat(text.lines().count()).isEqualTo(3);
    assertThat(output()).doesNotContain(openAi).doesNotContain(azure).doesNotContain(azure84);
  }

  @Test
  void findsAConstantInAClassInAJarNestedInAFatJar() throws Exception {
    String key = TestKeys.openAi();
    String hex = TestKeys.azure32();
    byte[] inner = jar(
        new String[] {"com/acme/ai/Keys.class", "com/acme/ai/AzureSettings.class"},
        new byte[][] {
          classWithConstant("com.acme.ai.Keys", "KEY", key),
          classWithConstant("com.acme.ai.AzureSettings", "AZURE_OPENAI_API_KEY", hex)
        });
    byte[] fat = jar(
        new String[] {"BOOT-INF/classes/application.yml", "BOOT-INF/lib/acme-ai-1.0.jar"},
        new byte[][] {"server:\n  port: 8080\n".getBytes(StandardCharsets.UTF_8), inner});
    Path fatJar = dir.resolve("app.jar");
    Files.write(fatJar, fat);

    assertThat(scan(fatJar.toString())).isEqualTo(1);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(fatJar + "!BOOT-INF/lib/acme-ai-1.0.jar!com/acme/ai/Keys.class"
        + " (class com.acme.ai.Keys)  openai_api_key  " + Fingerprints.fingerprint(key));
    assertThat(text).contains("(class com.acme.ai.AzureSettings)  azure_api_key  "
        + Fingerprints.fingerprint(hex));
    assertThat(output()).doesNotContain(key).doesNotContain(hex);
  }

  @Test
  void nearMissesAreNotReported() throws Exception {
    StringBuilder text = new StringBuilder();
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    for (int i = 0; i < 50; i++) {
      byte[] data = ("file " + i).getBytes(StandardCharsets.UTF_8);
      text.append("md5=").append(hex(md5.digest(data))).append('\n');
      text.append(hex(md5.digest(data))).append("  build/lib/file").append(i).append(".jar\n");
      text.append("sha1: ").append(hex(sha1.digest(data))).append('\n');
      text.append("id=").append(UUID.randomUUID()).append('\n');
      text.append("request.id=").append(UUID.randomUUID().toString().replace("-", "")).append('\n');
      byte[] random = TestKeys.random("abcdefghijklmnopqrstuvwxyz", 96).getBytes(StandardCharsets.UTF_8);
      text.append("blob: ").append(Base64.getEncoder().encodeToString(random)).append('\n');
      text.append("token: ").append(Base64.getUrlEncoder().encodeToString(random)).append('\n');
    }
    text.append("OPENAI_API_KEY=sk-your-key-here-replace-me-before-running\n");
    text.append("OPENAI_API_KEY=sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n");
    text.append("ANTHROPIC_API_KEY=sk-ant-api03-").append(TestKeys.random("ABCDEFabcdef0123456789", 90)).append('\n');
    text.append("commit ").append(hex(sha1.digest(new byte[1]))).append('\n');
    text.append("etag: \"").append(hex(md5.digest(new byte[2]))).append("\"\n");
    Files.writeString(dir.resolve("near-misses.txt"), text);
    // package-lock.json style integrity hashes and a class with an MD5 constant
    Files.writeString(dir.resolve("lock.json"), "{\"integrity\": \"sha512-"
        + Base64.getEncoder().encodeToString(new byte[64]) + "\"}\n");
    Files.write(dir.resolve("Checksums.class"), classWithConstant("com.acme.Checksums", "EMPTY_MD5",
        hex(md5.digest(new byte[0]))));
    Files.write(dir.resolve("Ids.class"), classWithConstant("com.acme.Ids", "DEFAULT_ID",
        UUID.randomUUID().toString().replace("-", "")));
    Files.write(dir.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});

    assertThat(scan(dir.toString())).as(output()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("0 keys found in 5 files");
  }

  @Test
  void missingPathIsAnErrorAndNoPathIsUsage() throws Exception {
    assertThat(scan(dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(scan()).isEqualTo(2);
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
