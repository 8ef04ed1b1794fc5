package dev.aiwarden;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import dev.aiwarden.hook.OwnClassFiles;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Defines the classes of {@code dev.aiwarden.bootstrap} in the bootstrap class loader, so that they
 * are one and the same in every class loader (OpenTelemetry's Java agent does the same). They use
 * JDK types only.
 *
 * <p>They are defined directly through the JDK's internal {@code Unsafe.defineClass}, made reachable
 * with {@link Instrumentation#redefineModule}: appending a jar to the bootstrap class path instead
 * would switch off class data sharing for the application's classes and make the JVM print a
 * warning on the application's stderr. The jar is the fallback.
 */
final class BootstrapClasses {
  /** Every class of the bootstrap package, supertypes first; a unit test keeps it complete. */
  static final String[] CLASSES = {
    "dev/aiwarden/bootstrap/WardenHooks",
    "dev/aiwarden/bootstrap/PolicyDeniedException",
    "dev/aiwarden/bootstrap/WardenThread",
    "dev/aiwarden/bootstrap/Warden",
    "dev/aiwarden/bootstrap/FileReads",
    "dev/aiwarden/bootstrap/SecretReads",
  };

  private BootstrapClasses() {}

  static void define(Instrumentation inst) throws IOException {
    try {
      defineDirectly(inst);
    } catch (ReflectiveOperationException | RuntimeException e) {
      appendJar(inst);
    }
  }

  private static void defineDirectly(Instrumentation inst) throws ReflectiveOperationException,
      IOException {
    Module javaBase = Object.class.getModule();
    Module agent = BootstrapClasses.class.getModule();
    // One module change for everything the agent needs from java.base: jdk.internal.misc for
    // defining these classes, java.lang opened for the adapter injector (ClassLoader.defineClass).
    inst.redefineModule(
        javaBase,
        Collections.emptySet(),
        Collections.singletonMap("jdk.internal.misc", Collections.singleton(agent)),
        Collections.singletonMap("java.lang", Collections.singleton(agent)),
        Collections.emptySet(),
        Collections.emptyMap());
    Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
    Method defineClass =
        unsafeClass.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
    byte[][] classFiles = readAll();
    for (int i = 0; i < CLASSES.length; i++) {
      byte[] bytes = classFiles[i];
      defineClass.invoke(unsafe, CLASSES[i].replace('/', '.'), bytes, 0, bytes.length, null, null);
    }
  }

  private static void appendJar(Instrumentation inst) throws IOException {
    File jar = File.createTempFile("ai-warden-bootstrap", ".jar");
    jar.deleteOnExit();
    try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
      byte[][] classFiles = readAll();
      for (int i = 0; i < CLASSES.length; i++) {
        out.putNextEntry(new JarEntry(CLASSES[i] + ".class"));
        out.write(classFiles[i]);
        out.closeEntry();
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
  }

  /**
   * The class files of {@link #CLASSES}, in order: straight from the agent jar when this class was
   * loaded from one ({@link OwnClassFiles}: no parent loader search, about 5 ms of premain, cold),
   * else through the class loader.
   */
  static byte[][] readAll() throws IOException {
    String[] resources = new String[CLASSES.length];
    for (int i = 0; i < CLASSES.length; i++) {
      resources[i] = CLASSES[i] + ".class";
    }
    byte[][] classFiles = OwnClassFiles.read(BootstrapClasses.class, resources);
    for (int i = 0; i < CLASSES.length; i++) {
      if (classFiles[i] == null) {
        classFiles[i] = OwnClassFiles.viaClassLoader(BootstrapClasses.class, resources[i]);
      }
    }
    return classFiles;
  }

  /** The jar this class was loaded from, or null (a directory, or not known). */
  static File agentJar() {
    return OwnClassFiles.agentJar(BootstrapClasses.class);
  }
}
