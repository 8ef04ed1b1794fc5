package dev.aiwarden.telemetry;

import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Whether {@code System.err} writes ASCII text as the same bytes, known exactly: then the log
 * writer encodes its all-ASCII batches itself into a reused buffer and hands {@code PrintStream}
 * the bytes, instead of copying each batch into a {@code String} for {@code print} (a few hundred
 * bytes per AI call). The bytes on stderr are the same.
 *
 * <p>Only a plain {@code PrintStream} qualifies (a subclass may override {@code print}). Its
 * charset is exact on Java 18+ ({@code PrintStream.charset()}). On Java 11-17 there is no such
 * method, so only the stream the JVM set up itself, seen before the application's {@code main}
 * ({@link #atStartup}), qualifies, with the charset the JVM gave it: {@code sun.stderr.encoding}
 * if that names a supported charset, else the default charset. Anything else is printed as text.
 */
public final class ErrEncoding {
  /** Java 18+: {@code PrintStream.charset()} exists (looked up lazily, not in premain). */
  private static final boolean HAS_CHARSET_METHOD = Runtime.version().feature() >= 18;

  private static volatile PrintStream startupErr;
  private static volatile Charset startupCharset;

  private ErrEncoding() {}

  /**
   * Remembers {@code System.err} as the JVM set it up. Called from premain, before the
   * application's {@code main}; not when attached late (the application may have replaced it).
   */
  public static void atStartup() {
    try {
      PrintStream err = System.err;
      if (err == null || err.getClass() != PrintStream.class || HAS_CHARSET_METHOD) {
        return;
      }
      remember(err, jvmStderrCharset(System.getProperty("sun.stderr.encoding")));
    } catch (Throwable ignored) {
      // Not known: lines are printed as text.
    }
  }

  /** The charset Java 11-17 give {@code System.err} at start-up, for that encoding property. */
  static Charset jvmStderrCharset(String encoding) {
    if (encoding != null) {
      try {
        return Charset.forName(encoding);
      } catch (RuntimeException unsupported) {
        // The JVM falls back to the default charset too.
      }
    }
    return Charset.defaultCharset();
  }

  /** For tests: {@code err}'s charset is known to be {@code charset} (null: forget). */
  static void remember(PrintStream err, Charset charset) {
    startupCharset = charset;
    startupErr = err;
  }

  /** True when {@code err} writes each ASCII character as that one byte, known exactly. */
  static boolean writesAsciiAsIs(PrintStream err) {
    if (err.getClass() != PrintStream.class) {
      return false;
    }
    Charset cs = charsetOf(err);
    return cs != null
        && (cs.equals(StandardCharsets.UTF_8)
            || cs.equals(StandardCharsets.ISO_8859_1)
            || cs.equals(StandardCharsets.US_ASCII));
  }

  private static Charset charsetOf(PrintStream err) {
    if (HAS_CHARSET_METHOD) {
      MethodHandle charset = Java18.CHARSET;
      if (charset == null) {
        return null;
      }
      try {
        return (Charset) charset.invokeExact(err);
      } catch (Throwable t) {
        return null;
      }
    }
    return err == startupErr ? startupCharset : null;
  }

  /** Loaded on the first write on Java 18+ only: no method-handle work at start-up. */
  private static final class Java18 {
    static final MethodHandle CHARSET = charsetMethod();
  }

  /** {@code PrintStream.charset()}, Java 18+; else null. */
  private static MethodHandle charsetMethod() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(PrintStream.class, "charset", MethodType.methodType(Charset.class));
    } catch (Throwable absent) {
      return null;
    }
  }
}
