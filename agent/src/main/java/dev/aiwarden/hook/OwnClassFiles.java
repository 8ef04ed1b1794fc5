package dev.aiwarden.hook;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Class files of the agent's own classes, read straight from the agent jar. {@code
 * ClassLoader.getResourceAsStream} would ask the parent loaders first (the boot loader's search for
 * a name outside every module indexes the resources of all of the JDK's modules: milliseconds,
 * cold) and then every jar of the application's class path before the agent jar, which the JVM
 * appends last; it also builds a {@code jar:} URL and connection per resource. Opening the agent
 * jar again is cheap: the JDK shares one open zip file between the class loader and this reader.
 * JDK types only (the bootstrap classes are defined with it, before anything else of the agent).
 */
public final class OwnClassFiles {
  private OwnClassFiles() {}

  /**
   * The jar {@code anchor} was loaded from, or null (loaded from a directory, as in the agent's
   * own unit tests, or the location is not known).
   */
  public static File agentJar(Class<?> anchor) {
    try {
      java.security.CodeSource source = anchor.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null
          || !"file".equals(source.getLocation().getProtocol())) {
        return null;
      }
      File file = new File(source.getLocation().toURI());
      return file.isFile() ? file : null;
    } catch (Exception | LinkageError e) {
      return null;
    }
  }

  /**
   * The entries {@code resources} (such as {@code dev/aiwarden/bootstrap/Warden.class}) of the jar
   * {@code anchor} came from, in order; an element is null where that entry could not be read there
   * (no jar, no such entry, an I/O error): the caller then reads it through its class loader.
   */
  public static byte[][] read(Class<?> anchor, String... resources) {
    byte[][] files = new byte[resources.length][];
    File jar = agentJar(anchor);
    if (jar == null) {
      return files;
    }
    try (JarFile in = new JarFile(jar, false)) {
      for (int i = 0; i < resources.length; i++) {
        JarEntry entry = in.getJarEntry(resources[i]);
        if (entry != null) {
          try (InputStream stream = in.getInputStream(entry)) {
            files[i] = stream.readAllBytes();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // what was read stays; the rest is left to the class loader
    }
    return files;
  }

  /** Reads one resource through {@code anchor}'s class loader (the system one for the boot loader). */
  public static byte[] viaClassLoader(Class<?> anchor, String resource) throws IOException {
    ClassLoader own = anchor.getClassLoader();
    try (InputStream in =
        own == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : own.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing from the agent jar: " + resource);
      }
      return in.readAllBytes();
    }
  }
}
