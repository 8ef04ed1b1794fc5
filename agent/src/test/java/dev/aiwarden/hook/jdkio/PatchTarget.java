package dev.aiwarden.hook.jdkio;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@link MethodEntryPatchTest} patches and then runs in a verifying class loader: methods with
 * switches (whose padding depends on code offsets), exception handlers, long locals, a {@code new}
 * left uninitialized across a branch (a stack map type holding a code offset), a loop and line
 * numbers.
 */
public class PatchTarget {
  public final String name;

  public PatchTarget(File file) {
    this(file == null ? "none" : file.getName(), 0L);
  }

  PatchTarget(String name, long unused) {
    this.name = name;
  }

  public static String work(String text, Set<?> options) {
    long total = 0L;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case 'a':
          total += 1L;
          break;
        case 'b':
          total += 2L;
          break;
        case 'c':
          total += 3L;
          break;
        default:
          total += 10L;
      }
      switch (c) {
        case 'a':
          parts.add("A");
          break;
        case 'z':
          parts.add("Z");
          break;
        case 1000:
          parts.add("big");
          break;
        default:
          break;
      }
    }
    StringBuilder built = new StringBuilder(options == null ? "no-options" : "options");
    try {
      if (text.startsWith("!")) {
        throw new IllegalStateException(text);
      }
      built.append(':').append(total);
    } catch (IllegalStateException e) {
      built.append(":thrown");
    }
    return built.append(parts).toString();
  }
}
