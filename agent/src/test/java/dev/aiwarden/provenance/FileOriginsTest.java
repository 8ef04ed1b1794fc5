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

  /** One lookup (once per distinct key) after a service opened 500 config-sized files. */
  @Test
  void lookupCostOverManyOpenedFiles() throws Exception {
    Map<String, Long> opened = new LinkedHashMap<>();
    String filler = "some.setting.name=some value that is not a key\n".repeat(20); // ~1 KB
    for (int i = 0; i < 500; i++) {
      Path p = dir.resolve("conf-" + i + ".properties");
      Files.writeString(p, filler);
      opened.put(p.toString(), (long) i);
    }
    String key = TestKeys.openAi();
    FileOrigins.search(opened, key, Long.MAX_VALUE); // warm the file cache and the code
    long start = System.nanoTime();
    assertThat(FileOrigins.search(opened, key, Long.MAX_VALUE)).isNull();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("file lookup: 500 opened files of ~1 KB searched in %d ms%n", millis);
    assertThat(millis).isLessThan(5_000);
  }
}
