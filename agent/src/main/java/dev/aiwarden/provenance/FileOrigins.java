package dev.aiwarden.provenance;

import dev.aiwarden.bootstrap.FileReads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code file:PATH}: among the files the application opened for reading ({@link FileReads}), the
 * first opened that holds the key as a whole token (not part of a longer run of {@code
 * [A-Za-z0-9_-]}). The files are read again here, at lookup, which happens once per distinct key
 * and only when neither the environment nor a start-up system property holds it.
 *
 * <p>Limits: files larger than {@value #MAX_FILE_BYTES} bytes are skipped; at most {@value
 * #MAX_FILES} files and {@value #MAX_TOTAL_BYTES} bytes are read per lookup; a file changed or
 * removed since the application read it is judged by what it holds now.
 */
final class FileOrigins {
  static final long MAX_FILE_BYTES = 1024 * 1024;
  static final int MAX_FILES = 1024;
  static final long MAX_TOTAL_BYTES = 32L * 1024 * 1024;

  private FileOrigins() {}

  /**
   * The earliest-opened file holding {@code secret}, opened before {@code before} (a nanoTime), or
   * null.
   */
  static KeyOrigins.Origin first(String secret, long before) {
    if (secret == null || secret.isEmpty()) {
      return null;
    }
    return search(FileReads.opened(), secret, before);
  }

  static KeyOrigins.Origin search(Map<String, Long> opened, String secret, long before) {
    List<Map.Entry<String, Long>> files = new ArrayList<>();
    for (Map.Entry<String, Long> e : opened.entrySet()) {
      if (e.getValue() - before < 0) {
        files.add(e);
      }
    }
    files.sort((a, b) -> Long.compare(a.getValue() - b.getValue(), 0));
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    long total = 0;
    int count = 0;
    for (Map.Entry<String, Long> e : files) {
      if (count >= MAX_FILES || total >= MAX_TOTAL_BYTES) {
        break;
      }
      try {
        Path path = Paths.get(e.getKey());
        if (!Files.isRegularFile(path) || Files.size(path) > MAX_FILE_BYTES) {
          continue;
        }
        byte[] content = Files.readAllBytes(path);
        count++;
        total += content.length;
        if (containsToken(content, key)) {
          return new KeyOrigins.Origin(
              "file:" + path.toAbsolutePath().normalize(), e.getValue());
        }
      } catch (IOException | RuntimeException ex) {
        // unreadable now: not evidence of anything
      }
    }
    return null;
  }

  /** True when {@code key} occurs in {@code content} not inside a longer token. */
  static boolean containsToken(byte[] content, byte[] key) {
    int last = content.length - key.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (content[i] != key[0]) {
        continue;
      }
      for (int j = 1; j < key.length; j++) {
        if (content[i + j] != key[j]) {
          continue outer;
        }
      }
      boolean before = i == 0 || !isTokenByte(content[i - 1]);
      boolean after = i + key.length == content.length || !isTokenByte(content[i + key.length]);
      if (before && after) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTokenByte(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_';
  }
}
