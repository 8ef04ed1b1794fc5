package dev.aiwarden.examples.benchmarks;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Generates (once, then reused) an application of {@code N} small classes, each with a few string
 * literals (a handful of them shaped like API keys, as a forgotten hard-coded key would be), whose
 * main loads and initialises every one of them and then does what {@link SdkStartupApp} does: the
 * start-up of a large service, where an agent that looks at every loaded class pays per class.
 */
final class ManyClasses {
  static final String MAIN = "bench.gen.ManyClassesMain";

  private ManyClasses() {}

  /** The class folder of the generated application (compiled on first use). */
  static Path ensure(Path dir, int classes, String classpath) throws IOException {
    Path out = dir.resolve("many-classes-" + classes);
    Path done = out.resolve("COMPLETE");
    if (Files.exists(done)) {
      return out.resolve("classes");
    }
    Path src = out.resolve("src/bench/gen");
    Files.createDirectories(src);
    Files.createDirectories(out.resolve("classes"));
    List<String> files = new ArrayList<>();
    StringBuilder main = new StringBuilder();
    main.append("package bench.gen;\n\npublic final class ManyClassesMain {\n")
        .append("  public static void main(String[] args) throws Exception {\n    long sum = 0;\n");
    for (int i = 0; i < classes; i++) {
      String name = String.format("C%05d", i);
      Path file = src.resolve(name + ".java");
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write("package bench.gen;\n\n/** Generated. */\npublic final class " + name + " {\n");
        w.write("  static final String NAME = \"component-" + i + "\";\n");
        w.write("  private static final String ENDPOINT = \"https://svc-" + i + ".internal.example/api/v" + (i % 3) + "\";\n");
        if (i % 500 == 7) {
          // Shaped like a key, as a forgotten literal would be (not a real key).
          w.write("  private static final String TOKEN = \"sk-proj-benchmark" + String.format("%040d", i) + "\";\n");
        } else {
          w.write("  private static final String TOKEN = \"token-" + i + "\";\n");
        }
        w.write("  private static final String[] WORDS = {\"alpha-" + i + "\", \"beta-" + i + "\", \"gamma\", \"delta\"};\n");
        w.write("  private int counter;\n\n");
        w.write("  public static long value() {\n    long h = NAME.hashCode() + ENDPOINT.length() + TOKEN.length();\n");
        w.write("    for (String word : WORDS) {\n      h = 31 * h + word.hashCode();\n    }\n    return h;\n  }\n\n");
        w.write("  public int next() {\n    return ++counter;\n  }\n}\n");
      }
      files.add(file.toString());
      main.append("    sum += ").append(name).append(".value();\n");
    }
    main.append("    System.out.println(\"classes loaded: ").append(classes).append(" \" + (sum != 42));\n")
        .append("    dev.aiwarden.examples.benchmarks.SdkStartupApp.main(args);\n  }\n}\n");
    Path mainFile = src.resolve("ManyClassesMain.java");
    Files.write(mainFile, main.toString().getBytes(StandardCharsets.UTF_8));
    files.add(mainFile.toString());

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this JVM (a JDK is needed, not a JRE)");
    }
    List<String> args = new ArrayList<>(List.of(
        "-d", out.resolve("classes").toString(), "-cp", classpath, "-proc:none", "-nowarn", "--release", "17"));
    args.addAll(files);
    System.out.printf("generating an application of %d classes (once) ...%n", classes);
    int rc = javac.run(null, null, null, args.toArray(new String[0]));
    if (rc != 0) {
      throw new IllegalStateException("javac failed (" + rc + ") on " + src);
    }
    Files.createFile(done);
    return out.resolve("classes");
  }
}
