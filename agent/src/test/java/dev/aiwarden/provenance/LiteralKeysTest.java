package dev.aiwarden.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiteralKeysTest {

  @AfterEach
  void clear() {
    KeyOrigins.clear();
  }

  /** A class with a constant field holding {@code value}, as javac would compile it. */
  static byte[] classWithConstant(String name, String value) {
    return new ByteBuddy()
        .subclass(Object.class)
        .name(name)
        .defineField("KEY", String.class, Visibility.PUBLIC, Ownership.STATIC,
            net.bytebuddy.description.modifier.FieldManifestation.FINAL)
        .value(value)
        .make()
        .getBytes();
  }

  @Test
  void recordsTheFingerprintOfAKeyConstantWithItsClass() {
    String key = TestKeys.openAi();
    String hex = TestKeys.azure32();
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "com/acme/Keys",
        classWithConstant("com.acme.Keys", key));
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "com/acme/Other",
        classWithConstant("com.acme.Other", "api-key=" + hex));
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(key))).isEqualTo("literal:com.acme.Keys");
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(hex))).isEqualTo("literal:com.acme.Other");
  }

  @Test
  void firstClassWinsAndJdkAndBootClassesAreSkipped() {
    String key = TestKeys.openAi();
    long before = KeyOrigins.version();
    LiteralKeys.onClassLoad(null, "com/acme/Boot", classWithConstant("com.acme.Boot", key));
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "java/lang/Fake",
        classWithConstant("java.lang.Fake", key));
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(key))).isNull();
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "com/acme/First",
        classWithConstant("com.acme.First", key));
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "com/acme/Second",
        classWithConstant("com.acme.Second", key));
    assertThat(KeyOrigins.of(Fingerprints.fingerprint(key))).isEqualTo("literal:com.acme.First");
    assertThat(KeyOrigins.version()).isGreaterThan(before);
  }

  @Test
  void garbageAndTruncatedClassFilesAreIgnored() {
    byte[] good = classWithConstant("com.acme.Cut", TestKeys.openAi());
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "x/Y", new byte[] {1, 2, 3});
    LiteralKeys.onClassLoad(getClass().getClassLoader(), "x/Y", java.util.Arrays.copyOf(good, 20));
    assertThat(ClassConstants.className(good)).isEqualTo("com/acme/Cut");
  }

  /**
   * Start-up cost: the scan over 5,000 generated classes (each with string constants, methods and
   * fields like ordinary application classes) against the time to define and initialise the same
   * classes. Prints the numbers for docs/provenance.md; asserts a generous bound.
   */
  @Test
  void scanCostIsSmallAgainstClassLoading() throws Exception {
    int n = 5000;
    List<byte[]> classes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "bench.gen.Service" + i;
      names.add(name);
      classes.add(new ByteBuddy()
          .subclass(Object.class)
          .name(name)
          .defineField("NAME", String.class, Visibility.PUBLIC, Ownership.STATIC,
              net.bytebuddy.description.modifier.FieldManifestation.FINAL)
          .value("com.example.service.configuration.property.number." + i)
          .defineField("URL", String.class, Visibility.PUBLIC, Ownership.STATIC,
              net.bytebuddy.description.modifier.FieldManifestation.FINAL)
          .value("https://internal.example.com/api/v2/resources/" + i + "?expand=details")
          .defineMethod("describe", String.class, Visibility.PUBLIC)
          .intercept(FixedValue.value("Service number " + i + " handles the requests of its kind"))
          .defineMethod("size", int.class, Visibility.PUBLIC, Ownership.STATIC)
          .intercept(FixedValue.value(i))
          .method(ElementMatchers.named("toString"))
          .intercept(FixedValue.value("Service" + i))
          .make()
          .getBytes());
    }
    long total = 0;
    for (byte[] c : classes) {
      total += c.length;
    }
    // the first (cold, interpreted) pass is what a JVM's start-up pays; then warm up and measure
    long coldStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      LiteralKeys.onClassLoad(getClass().getClassLoader(), names.get(i).replace('.', '/'), classes.get(i));
    }
    long coldNanos = System.nanoTime() - coldStart;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < n; i++) {
        LiteralKeys.onClassLoad(getClass().getClassLoader(), names.get(i).replace('.', '/'), classes.get(i));
      }
    }
    long scanStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      LiteralKeys.onClassLoad(getClass().getClassLoader(), names.get(i).replace('.', '/'), classes.get(i));
    }
    long scanNanos = System.nanoTime() - scanStart;

    long loadStart = System.nanoTime();
    Loader loader = new Loader(names, classes);
    for (String name : names) {
      Class<?> c = Class.forName(name, true, loader);
      assertThat(Modifier.isPublic(c.getModifiers())).isTrue();
    }
    long loadNanos = System.nanoTime() - loadStart;
    System.out.printf(
        "literal scan: %d classes, %d KiB: scan cold %.1f ms, warm %.1f ms;"
            + " define+initialise %.1f ms (cold scan %.1f%% of it)%n",
        n, total / 1024, coldNanos / 1e6, scanNanos / 1e6, loadNanos / 1e6,
        100.0 * coldNanos / loadNanos);
    assertThat(scanNanos).isLessThan(loadNanos / 5);
  }

  private static final class Loader extends ClassLoader {
    private final java.util.Map<String, byte[]> bytes = new java.util.HashMap<>();

    Loader(List<String> names, List<byte[]> classes) {
      super(LiteralKeysTest.class.getClassLoader());
      for (int i = 0; i < names.size(); i++) {
        bytes.put(names.get(i), classes.get(i));
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] b = bytes.get(name);
      if (b == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, b, 0, b.length);
    }
  }
}
