package dev.aiwarden.hook.jdkio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileOpenTransformerTest {

  private static byte[] jdkClass(String internalName) throws Exception {
    try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void addsOneCallToEachTargetOfTheRunningJdk() throws Exception {
    for (String target : new String[] {
      FileOpenTransformer.FILE_INPUT_STREAM, FileOpenTransformer.FILES, FileOpenTransformer.FILE_CHANNEL
    }) {
      byte[] original = jdkClass(target);
      byte[] changed = FileOpenTransformer.rewrite(target, original);
      assertThat(changed).as(target).isNotNull();
      String text = new String(changed, StandardCharsets.ISO_8859_1);
      assertThat(text).contains("dev/aiwarden/bootstrap/FileReads");
      // one call of a few bytes, plus the constant pool entries: the class is otherwise the same
      assertThat(changed.length - original.length).isBetween(1, 200);
    }
  }

  @Test
  void leavesEverythingElseAlone() throws Exception {
    assertThat(FileOpenTransformer.rewrite("java/io/File", jdkClass("java/io/File"))).isNull();
    assertThat(FileOpenTransformer.wanted("java/io/FileOutputStream")).isFalse();
    assertThat(new FileOpenTransformer()
        .transform(getClass().getClassLoader(), "java/io/FileInputStream", null, null, new byte[0]))
        .as("only boot-loader classes").isNull();
  }
}
