package dev.aiwarden.hook;

import dev.aiwarden.telemetry.AgentLog;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Defines a hook's adapter classes in the class loader of the library it adapts, so that the
 * adapter can use the library's types directly whatever class loader layout the application has
 * (Spring Boot jars, application servers). Uses {@link Instrumentation#redefineModule} to open
 * {@code java.lang} to the agent, then {@code ClassLoader.defineClass}: no {@code Unsafe}, no
 * warnings on new JDKs.
 */
public final class AdapterInjector {
  private final Instrumentation inst;
  private final Method defineClass;
  private final Method findLoadedClass;
  private final Map<ClassLoader, Set<String>> injected = new WeakHashMap<>();
  private final Map<String, byte[]> bytesCache = new HashMap<>();
  private final Set<String> injectedIntoBootstrap = new HashSet<>();
  private Object unsafe;
  private Method unsafeDefineClass;

  public AdapterInjector(Instrumentation inst) throws ReflectiveOperationException {
    this.inst = inst;
    Module javaBase = ClassLoader.class.getModule();
    Module agent = AdapterInjector.class.getModule();
    if (inst != null && !javaBase.isOpen("java.lang", agent)) {
      inst.redefineModule(
          javaBase,
          Collections.emptySet(),
          Collections.emptyMap(),
          Collections.singletonMap("java.lang", Collections.singleton(agent)),
          Collections.emptySet(),
          Collections.emptyMap());
    }
    defineClass =
        ClassLoader.class.getDeclaredMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ProtectionDomain.class);
    defineClass.setAccessible(true);
    findLoadedClass = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
    findLoadedClass.setAccessible(true);
  }

  /**
   * Makes the adapter classes available in {@code loader}. Returns false (and logs once) when it
   * could not: the hook then must leave the library alone.
   */
  public synchronized boolean inject(
      ClassLoader loader, ProtectionDomain libraryDomain, List<String> classNames) {
    Set<String> done =
        loader == null ? injectedIntoBootstrap : injected.computeIfAbsent(loader, l -> new HashSet<>());
    if (done.containsAll(classNames)) {
      return true;
    }
    try {
      prefetch(classNames, done);
      for (String name : classNames) {
        if (done.contains(name)
            || (loader != null && findLoadedClass.invoke(loader, name) != null)) {
          done.add(name);
          continue;
        }
        byte[] bytes = classBytes(name);
        if (loader == null) {
          defineInBootstrap(name, bytes);
          done.add(name);
          continue;
        }
        // The agent's own protection domain: the library's may carry signers (Azure's jars are
        // signed), and a package may not mix signers.
        defineClass.invoke(
            loader, name, bytes, 0, bytes.length, AdapterInjector.class.getProtectionDomain());
        done.add(name);
      }
      return true;
    } catch (Throwable t) {
      AgentLog.errorOnce("inject:" + classNames.get(0), "ai-warden could not inject its adapter", t);
      return false;
    }
  }

  /**
   * The second, separate path for hooks of the JDK's own HTTP classes in {@code java.base}: their
   * adapters (JDK types only, like the {@code bootstrap} package) are defined in the bootstrap
   * loader when the hooked JDK class first loads, through the same {@code Unsafe.defineClass}
   * that {@code BootstrapClasses} made reachable at start-up.
   */
  private void defineInBootstrap(String name, byte[] bytes) throws ReflectiveOperationException {
    if (unsafeDefineClass == null) {
      Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
      unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
      unsafeDefineClass =
          unsafeClass.getMethod(
              "defineClass",
              String.class,
              byte[].class,
              int.class,
              int.class,
              ClassLoader.class,
              ProtectionDomain.class);
    }
    unsafeDefineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
  }

  /**
   * Lets a named JDK module (whose classes a hook changes) read the adapters injected for it and
   * the {@code bootstrap} classes (named modules read no unnamed module unless told), and exports
   * the given internal packages of it to the adapters.
   */
  public synchronized boolean readAdapters(
      String jdkModule, ClassLoader loader, String... exportedPackages) {
    try {
      Module from = ModuleLayer.boot().findModule(jdkModule).orElse(null);
      if (from == null) {
        return false;
      }
      Module bootstrap = dev.aiwarden.bootstrap.Warden.class.getModule();
      Module adapters = loader == null ? bootstrap : loader.getUnnamedModule();
      Set<Module> reads = new HashSet<>();
      reads.add(bootstrap);
      reads.add(adapters);
      reads.removeIf(from::canRead);
      Map<String, Set<Module>> exports = new HashMap<>();
      for (String pkg : exportedPackages) {
        if (!from.isExported(pkg, adapters)) {
          exports.put(pkg, Collections.singleton(adapters));
        }
      }
      if (!reads.isEmpty() || !exports.isEmpty()) {
        inst.redefineModule(
            from,
            reads,
            exports,
            Collections.emptyMap(),
            Collections.emptySet(),
            Collections.emptyMap());
      }
      return true;
    } catch (Throwable t) {
      AgentLog.errorOnce(
          "reads:" + jdkModule, "ai-warden could not reach its adapter from " + jdkModule, t);
      return false;
    }
  }

  /** Reads the class files of a hook's adapters not yet read, from one opening of the agent jar. */
  private void prefetch(List<String> classNames, Set<String> done) {
    List<String> missing = new ArrayList<>(classNames.size());
    for (String name : classNames) {
      if (!done.contains(name) && !bytesCache.containsKey(name)) {
        missing.add(name);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String[] resources = new String[missing.size()];
    for (int i = 0; i < resources.length; i++) {
      resources[i] = missing.get(i).replace('.', '/').concat(".class");
    }
    byte[][] files = OwnClassFiles.read(AdapterInjector.class, resources);
    for (int i = 0; i < files.length; i++) {
      if (files[i] != null) {
        bytesCache.put(missing.get(i), files[i]);
      }
    }
  }

  private byte[] classBytes(String name) throws IOException {
    byte[] cached = bytesCache.get(name);
    if (cached != null) {
      return cached;
    }
    byte[] bytes =
        OwnClassFiles.viaClassLoader(AdapterInjector.class, name.replace('.', '/').concat(".class"));
    bytesCache.put(name, bytes);
    return bytes;
  }
}
