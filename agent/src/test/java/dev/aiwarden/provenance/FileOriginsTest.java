package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOriginsTest {
  @TempDir Path dir;

  @Test
  void earliestOpenedFileHoldingTheKeyAsAWholeToken() throws Exception {
    String key = TestKeys.openAi();
    Path longer = dir.resolve("longer.txt");
    Files.writeString(longer, "x=" + key + "more\n"); // part of a longer token: not it
    Path props = dir.resolve("ai.properties");
    Files.writeString(props, "openai.key=" + key + "\n");
    Path env = dir.resolve(".env");
    Files.writeString(env, "OPENAI_API_KEY=\"" + key + "\"\n");
    Map<String, Long> opened = new LinkedHashMap<>();
    opened.put(env.toString(), 300L);
    opened.put(longer.toString(), 100L);
    opened.put(props.toString(), 200L);
    opened.put(dir.resolve("gone.properties").toString(), 50L);

    KeyOrigins.Origin o = FileOrigins.search(opened, key, Long.MAX_VALUE);
    assertThat(o.source).isEqualTo("file:" + props.toAbsolutePath());
    assertThat(o.nanoTime).isEqualTo(200L);
    // only files opened before an already known origin count
    assertThat(FileOrigins.search(opened, key, 150L)).isNull();
    assertThat(FileOrigins.search(opened, TestKeys.openAi(), Long.MAX_VALUE)).isNull();
  }

  @Test
  void tokenBoundaries() {
    byte[] key = "abc".getBytes(StandardCharsets.UTF_8);
    assertThat(FileOrigins.containsToken("abc".getBytes(StandardCharsets.UTF_8), key)).isTrue();
    assertThat(FileOrigins.containsToken("k=\"abc\"".getBytes(StandardCharsets.UTF_8), key)).isTrue();
    assertThat(FileOrigins.containsToken("k=abcd".getBytes(StandardCharsets.UTF_8), key)).isFalse();
    assertThat(FileOrigins.containsToken("k=_abc".getBytes(StandardCharsets.UTF_8), key)).isFalse();
    assertThat(FileOrigins.containsToken("k=xabc abc".getBytes(StandardCharsets.UTF_8), key)).isTrue();
  }
}
