package dev.aiwarden.cli;

import dev.aiwarden.provenance.ClassConstants;
import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.provenance.KeyKind;
import dev.aiwarden.provenance.KeyShapes;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code scan PATH...}: finds hard-coded OpenAI and Azure OpenAI keys in jars (and the jars nested
 * in them, as in Spring Boot fat jars), class folders and text files. Prints one line per key and
 * place: where, kind, fingerprint, hint. Never prints a key.
 *
 * <p>What counts as a key, to keep false positives low (see {@code docs/provenance.md}):
 *
 * <ul>
 *   <li>OpenAI: a token {@code sk-...} of 40 or more {@code [A-Za-z0-9_-]} whose random part (after
 *       {@code sk-}, {@code sk-proj-}, {@code sk-svcacct-}, {@code sk-admin-}) is at least 32
 *       characters mixing upper case, lower case and digits, with at least 16 distinct characters.
 *       Not {@code sk-ant-}.
 *   <li>Azure AI Services (84 characters): {@code [A-Za-z0-9]{84}} with {@code JQQJ9} at 52 and
 *       {@code ACOG} at 76, anywhere.
 *   <li>Azure OpenAI classic (32 hex digits, the shape of an MD5 digest or a dash-less UUID): only
 *       with context. In a text file, the same line names a key ({@code key}, {@code openai},
 *       {@code azure}, {@code cognitive}) and no digest ({@code md5}, {@code sha1}, {@code
 *       sha256}, {@code hash}, {@code checksum}, {@code digest}, {@code etag}, {@code uuid}, {@code
 *       guid}, {@code commit}, {@code integrity}, {@code nonce}, in any case). In a class, the
 *       class's constants name an API key ({@code apikey}, {@code api-key}, {@code api_key}, {@code
 *       openai}, {@code azure}, {@code cognitive}, {@code subscription-key}) and no digest
 *       algorithm ({@code md5}, {@code sha1}, {@code sha256}, {@code MessageDigest}, ...).
 * </ul>
 */
final class KeyScanner {
  /** Non-archive files and entries larger than this are not read (reported on stderr). */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  static final int MAX_NESTING = 8;

  private static final String[] KEY_CONTEXT = {"key", "openai", "azure", "cognitive"};
  private static final String[] CLASS_KEY_CONTEXT = {
    "apikey", "api-key", "api_key", "openai", "azure", "cognitive", "subscription-key"
  };
  private static final String[] DIGEST_CONTEXT = {
    "md5", "sha1", "sha-1", "sha256", "sha-256", "sha512", "hash", "checksum", "digest", "etag",
    "uuid", "guid", "commit", "integrity", "nonce"
  };
  /** In a class: {@code hashCode} is everywhere, so only the names of digest algorithms count. */
  private static final String[] CLASS_DIGEST_CONTEXT = {
    "md5", "sha1", "sha-1", "sha256", "sha-256", "sha512", "messagedigest", "checksum", "etag",
    "uuid"
  };

  private final PrintStream out;
  private final PrintStream err;
  private final Set<String> reported = new LinkedHashSet<>();
  private int files;
  private boolean problems;

  KeyScanner(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Exit code: 1 when a key was found, 0 when none, 2 when a path could not be read. */
  static int run(List<String> paths, PrintStream out, PrintStream err) {
    if (paths.isEmpty()) {
      err.println("ai-warden: scan needs at least one PATH (a jar, a folder or a file)");
      return 2;
    }
    KeyScanner scanner = new KeyScanner(out, err);
    for (String p : paths) {
      scanner.scanPath(Path.of(p));
    }
    int found = scanner.reported.size();
    err.println(
        "ai-warden scan: "
            + found
            + (found == 1 ? " key" : " keys")
            + " found in "
            + scanner.files
            + (scanner.files == 1 ? " file" : " files"));
    if (found > 0) {
      return 1;
    }
    return scanner.problems ? 2 : 0;
  }

  void scanPath(Path path) {
    if (!Files.exists(path)) {
      err.println("ai-warden: scan: no such file or folder: " + path);
      problems = true;
      return;
    }
    if (Files.isDirectory(path)) {
      List<Path> all;
      try (Stream<Path> walk = Files.walk(path)) {
        all = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      } catch (IOException | RuntimeException e) {
        err.println("ai-warden: scan: cannot list " + path + ": " + e.getClass().getSimpleName());
        problems = true;
        return;
      }
      for (Path f : all) {
        scanFile(f);
      }
    } else {
      scanFile(path);
    }
  }

  private void scanFile(Path file) {
    try {
      // Archives are streamed whatever their size; other content is read up to MAX_BYTES.
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 65536)) {
        scanStream(file.toString(), in, 0);
      }
    } catch (IOException | RuntimeException e) {
      err.println("ai-warden: scan: cannot read " + file + ": " + e.getClass().getSimpleName());
      problems = true;
    }
  }

  /** Scans one file or archive entry, whatever it is: an archive, a class file or text. */
  private void scanStream(String location, InputStream in, int depth) throws IOException {
    files++;
    byte[] head = in.readNBytes(4);
    boolean zip = head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    if (zip && depth < MAX_NESTING) {
      scanZip(location, new PrefixedStream(head, in), depth);
      return;
    }
    byte[] bytes = readLimited(head, in);
    if (bytes == null) {
      err.println("ai-warden: scan: skipped (larger than 64 MB): " + location);
      return;
    }
    boolean classFile =
        bytes.length >= 4 && (bytes[0] & 0xFF) == 0xCA && (bytes[1] & 0xFF) == 0xFE
            && (bytes[2] & 0xFF) == 0xBA && (bytes[3] & 0xFF) == 0xBE;
    if (classFile) {
      scanClass(location, bytes);
    } else if (isText(bytes)) {
      scanText(location, bytes);
    }
  }

  private void scanZip(String location, InputStream in, int depth) throws IOException {
    ZipInputStream zip = new ZipInputStream(in);
    ZipEntry entry;
    while ((entry = zip.getNextEntry()) != null) {
      if (entry.isDirectory()) {
        continue;
      }
      scanStream(location + "!" + entry.getName(), new Unclosable(zip), depth + 1);
    }
  }

  private void scanClass(String location, byte[] bytes) {
    List<int[]> candidates = new ArrayList<>();
    List<KeyKind> kinds = new ArrayList<>();
    boolean[] context = new boolean[2]; // [0] names a key, [1] names a digest
    boolean parsed =
        ClassConstants.visit(
            bytes,
            3,
            (b, start, end) -> {
              String lower =
                  new String(b, start, end - start, StandardCharsets.ISO_8859_1)
                      .toLowerCase(Locale.ROOT);
              context[0] |= containsAny(lower, CLASS_KEY_CONTEXT);
              context[1] |= containsAny(lower, CLASS_DIGEST_CONTEXT);
              KeyShapes.find(
                  b,
                  start,
                  end,
                  true,
                  (kind, s, e) -> {
                    candidates.add(new int[] {s, e});
                    kinds.add(kind);
                  });
            });
    if (!parsed && candidates.isEmpty()) {
      scanText(location, bytes); // not a readable class file after all
      return;
    }
    String className = ClassConstants.className(bytes);
    String where = location + (className == null ? "" : " (class " + className.replace('/', '.') + ")");
    for (int i = 0; i < candidates.size(); i++) {
      int[] c = candidates.get(i);
      if (KeyShapes.isHex32(kinds.get(i), c[0], c[1]) && (!context[0] || context[1])) {
        continue;
      }
      report(where, kinds.get(i), new String(bytes, c[0], c[1] - c[0], StandardCharsets.ISO_8859_1));
    }
  }

  private void scanText(String location, byte[] bytes) {
    int lineStart = 0;
    int line = 1;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        scanLine(location, line, bytes, lineStart, i);
        line++;
        lineStart = i + 1;
      }
    }
  }

  private void scanLine(String location, int line, byte[] b, int start, int end) {
    String[] lower = new String[1];
    KeyShapes.find(
        b,
        start,
        end,
        true,
        (kind, s, e) -> {
          if (KeyShapes.isHex32(kind, s, e)) {
            if (lower[0] == null) {
              lower[0] =
                  new String(b, start, end - start, StandardCharsets.ISO_8859_1)
                      .toLowerCase(Locale.ROOT);
            }
            // The context is the line without the candidate itself.
            String around =
                lower[0].substring(0, s - start) + " " + lower[0].substring(e - start);
            if (!containsAny(around, KEY_CONTEXT) || containsAny(around, DIGEST_CONTEXT)) {
              return;
            }
          }
          report(location + ":" + line, kind, new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        });
  }

  private void report(String where, KeyKind kind, String key) {
    String fingerprint = Fingerprints.fingerprint(key);
    if (!reported.add(where + "\u0000" + fingerprint)) {
      return;
    }
    String hint = Fingerprints.hint(key);
    out.println(where + "  " + kind.id() + "  " + fingerprint + (hint == null ? "" : "  " + hint));
  }

  private static boolean containsAny(String s, String[] words) {
    for (String w : words) {
      if (s.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** Text: no NUL byte in the first 8 KiB. */
  private static boolean isText(byte[] bytes) {
    int n = Math.min(bytes.length, 8192);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readLimited(byte[] head, InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.write(head);
    byte[] chunk = new byte[65536];
    int n;
    while ((n = in.read(chunk)) > 0) {
      buf.write(chunk, 0, n);
      if (buf.size() > MAX_BYTES) {
        return null;
      }
    }
    return buf.toByteArray();
  }

  /** The bytes already read, then the rest of the stream. */
  private static final class PrefixedStream extends InputStream {
    private final byte[] prefix;
    private final InputStream rest;
    private int pos;

    PrefixedStream(byte[] prefix, InputStream rest) {
      this.prefix = prefix;
      this.rest = rest;
    }

    @Override
    public int read() throws IOException {
      return pos < prefix.length ? prefix[pos++] & 0xFF : rest.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos < prefix.length) {
        int n = Math.min(len, prefix.length - pos);
        System.arraycopy(prefix, pos, b, off, n);
        pos += n;
        return n;
      }
      return rest.read(b, off, len);
    }
  }

  /** A nested entry's stream: closing it must not close the archive around it. */
  private static final class Unclosable extends FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
