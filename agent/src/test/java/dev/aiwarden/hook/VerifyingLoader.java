package dev.aiwarden.hook;

/**
 * Defines one class from given bytes in a class loader of its own (child of the test's), where
 * the JVM verifies it as it would an application's class: for tests of code that changes classes.
 */
public final class VerifyingLoader {
  private VerifyingLoader() {}

  /** Defines and initialises {@code name} from {@code classfile}. */
  public static Class<?> define(String name, byte[] classfile) throws ClassNotFoundException {
    ClassLoader loader =
        new ClassLoader(VerifyingLoader.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            if (n.equals(name)) {
              synchronized (getClassLoadingLock(n)) {
                Class<?> c = findLoadedClass(n);
                return c != null ? c : defineClass(n, classfile, 0, classfile.length);
              }
            }
            return super.loadClass(n, resolve);
          }
        };
    Class<?> c = Class.forName(name, true, loader);
    if (c.getClassLoader() != loader) {
      throw new IllegalStateException(name + " came from the parent loader");
    }
    return c;
  }
}
