package dev.aiwarden.e2e;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a child JVM whose class path holds none of the SDKs: like a Spring Boot fat jar or an
 * application server, it loads an example (with its SDK and HTTP client) in its own {@code
 * URLClassLoader} and runs its {@code main}. Arguments: the example's main class, the class path
 * to load it from, then {@code child} (one loader below the application loader), {@code siblings}
 * (two loaders side by side under the platform loader, each with its own copy of the SDK) or
 * {@code child+siblings} (one after the other), then the example's scenarios.
 */
public final class ChildLoadersMain {
  public static void main(String[] args) throws Exception {
    String mainClass = args[0];
    URL[] urls = urls(args[1]);
    String layout = args[2];
    String[] scenarios = java.util.Arrays.copyOfRange(args, 3, args.length);
    if (layout.contains("child")) {
      run("child", new URLClassLoader("child", urls, ChildLoadersMain.class.getClassLoader()), mainClass, scenarios);
    }
    if (layout.contains("siblings")) {
      ClassLoader parent = ClassLoader.getPlatformClassLoader();
      URLClassLoader a = new URLClassLoader("sibling-a", urls, parent);
      URLClassLoader b = new URLClassLoader("sibling-b", urls, parent);
      run("sibling-a", a, mainClass, scenarios);
      run("sibling-b", b, mainClass, scenarios);
      System.out.println(
          "LOADERS distinct=" + (a.loadClass("okhttp3.OkHttpClient") != b.loadClass("okhttp3.OkHttpClient")));
    }
  }

  private static void run(String name, ClassLoader loader, String mainClass, String[] scenarios)
      throws Exception {
    Class<?> main = Class.forName(mainClass, true, loader);
    if (main.getClassLoader() != loader) {
      throw new AssertionError(mainClass + " was not loaded by " + name);
    }
    System.out.println("LOADER " + name);
    Thread.currentThread().setContextClassLoader(loader);
    Method m = main.getMethod("main", String[].class);
    m.invoke(null, (Object) scenarios);
  }

  private static URL[] urls(String classpath) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return urls.toArray(new URL[0]);
  }
}
