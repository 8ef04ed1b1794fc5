package dev.aiwarden.bootstrap;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files the application opened for reading, for {@code file:PATH} provenance. The JDK's file
 * opening methods ({@code FileInputStream(File)}, {@code Files.newByteChannel}, {@code
 * FileChannel.open}) call in here first; only the path and the time of its first opening are kept
 * (never what was read). JDK types only: this class lives in the bootstrap class loader.
 *
 * <p>Cheap: a path already seen costs one hash lookup. Class files and jars (the class loaders'
 * reads) are not kept. At most {@value #MAX_PATHS} distinct paths are kept; later new ones are
 * not. Never throws.
 */
public final class FileReads {
  static final int MAX_PATHS = 4096;

  private static final ConcurrentHashMap<String, Long> OPENED = new ConcurrentHashMap<>();
  private static volatile boolean enabled;

  private FileReads() {}

  /** Starts recording (called by the agent once its hooks are in). */
  public static void enable() {
    enabled = true;
  }

  /** From {@code FileInputStream(File)}, which {@code FileReader} and the String forms use. */
  public static void opened(File file) {
    if (!enabled || file == null) {
      return;
    }
    try {
      record(file.getPath());
    } catch (Throwable ignored) {
      // recording is best effort; the file opens as it would without us
    }
  }

  /** From {@code Files.newByteChannel} and {@code FileChannel.open}: reads only. */
  public static void opened(Path path, Set<?> options) {
    if (!enabled || path == null) {
      return;
    }
    try {
      if (options != null
          && (options.contains(StandardOpenOption.WRITE)
              || options.contains(StandardOpenOption.APPEND))) {
        return;
      }
      if (!"file".equals(path.getFileSystem().provider().getScheme())) {
        return; // a path inside a zip file system or another provider
      }
      record(path.toString());
    } catch (Throwable ignored) {
      // as above
    }
  }

  private static void record(String path) {
    if (path.isEmpty() || OPENED.containsKey(path) || OPENED.size() >= MAX_PATHS) {
      return;
    }
    if (path.endsWith(".class") || path.endsWith(".jar")) {
      return;
    }
    OPENED.putIfAbsent(path, System.nanoTime());
  }

  /** Path as opened (maybe relative) -> {@link System#nanoTime()} of its first opening. */
  public static Map<String, Long> opened() {
    return Collections.unmodifiableMap(OPENED);
  }

  /** Number of paths kept; grows only. */
  public static int count() {
    return OPENED.size();
  }
}
