package dev.aiwarden.provenance;

import dev.aiwarden.telemetry.AgentLog;
import java.nio.charset.StandardCharsets;

/**
 * {@code literal:CLASS}: finds key-shaped string constants in the bytes of each class as it loads
 * and records their fingerprints in {@link KeyOrigins}. The class is not changed.
 *
 * <p>The pre-filter is a walk over the class's constant pool that looks only at Utf8 entries of 20
 * bytes or more (string literals, but also annotation values such as a {@code @Value} default),
 * scanning them for the {@link KeyShapes} (loose: any candidate is recorded; a
 * constant that is no key simply never matches a key used on a call). A candidate costs one
 * SHA-256. Classes of the boot class loader, of the JDK's packages and the agent's shaded
 * libraries are skipped.
 */
public final class LiteralKeys {
  private LiteralKeys() {}

  /** Scans one class file; never throws. */
  public static void onClassLoad(ClassLoader loader, String className, byte[] classFile) {
    if (loader == null || className == null || classFile == null || skipped(className)) {
      return;
    }
    try {
      ClassConstants.visit(classFile, 20, new Scan(className));
    } catch (Throwable t) {
      // A class file we cannot read holds no literal we can report; the class loads untouched.
      AgentLog.errorOnce("literal-scan", "ai-warden could not scan a class for key literals", t);
    }
  }

  /**
   * Loads and runs every class of the scan once, before the agent's transformer is registered
   * (the transformer must not see its own classes load halfway through a scan).
   */
  public static void warmUp() {
    byte[] text = "sk-warmUpOnlyNotAKey0123456789".getBytes(StandardCharsets.ISO_8859_1);
    Scan scan = new Scan("warm-up");
    scan.counting = true;
    scan.utf8(text, 0, text.length);
    ClassConstants.visit(new byte[0], 20, scan);
    // Loads the classes, but computes no SHA-256: the first MessageDigest sets up the JDK's
    // security providers (~20 ms of start-up), paid only once a class holds a candidate. Those
    // are JDK classes of the boot loader, which the scan skips, so a scan never sees them load.
    KeyOrigins.of(null);
    Fingerprints.fingerprint(null);
  }

  private static boolean skipped(String name) {
    return name.startsWith("java/")
        || name.startsWith("jdk/")
        || name.startsWith("sun/")
        || name.startsWith("com/sun/")
        || name.startsWith("dev/aiwarden/shaded/");
  }

  /** One class's scan (a class, not lambdas: lambdas would spin classes during a transform). */
  private static final class Scan implements ClassConstants.Visitor, KeyShapes.Sink {
    private final String className;
    private byte[] bytes;
    boolean counting;
    int found;

    Scan(String className) {
      this.className = className;
    }

    @Override
    public void utf8(byte[] classFile, int start, int end) {
      bytes = classFile;
      KeyShapes.find(classFile, start, end, false, this);
    }

    @Override
    public void found(KeyKind kind, int start, int end) {
      found++;
      if (counting) {
        return;
      }
      String candidate = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
      KeyOrigins.record(
          Fingerprints.fingerprint(candidate), "literal:" + className.replace('/', '.'));
    }
  }
}
