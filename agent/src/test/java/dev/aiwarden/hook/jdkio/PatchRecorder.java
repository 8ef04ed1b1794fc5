package dev.aiwarden.hook.jdkio;

import java.util.ArrayList;
import java.util.List;

/** Receives the calls {@link MethodEntryPatchTest} inserts. */
public final class PatchRecorder {
  static final List<String> CALLS = new ArrayList<>();

  private PatchRecorder() {}

  public static void opened(Object file) {
    CALLS.add("file " + file);
  }

  public static void opened(Object text, Object options) {
    CALLS.add("text " + text + " " + options);
  }
}
