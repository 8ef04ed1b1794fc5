package dev.aiwarden.cli;

import dev.aiwarden.provenance.Fingerprints;
import dev.aiwarden.telemetry.audit.AuditVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar ai-warden-agent.jar <command>}: the tools security engineers run next to the
 * agent. Never prints a key.
 */
public final class Cli {
  private Cli() {}

  public static void main(String[] args) throws IOException {
    System.exit(run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.out, System.err));
  }

  /** Runs a command; returns the exit code. */
  public static int run(String[] args, BufferedReader in, PrintStream out, PrintStream err)
      throws IOException {
    String command = args.length == 0 ? "help" : args[0];
    switch (command) {
      case "fingerprint":
        return fingerprint(in, out, err);
      case "verify-audit":
        return verifyAudit(args, out, err);
      case "help":
      case "--help":
      case "-h":
        usage(out);
        return 0;
      default:
        err.println("ai-warden: unknown command '" + command + "'");
        usage(err);
        return 64;
    }
  }

  /** Reads one key from stdin (surrounding white space ignored), prints its fingerprint. */
  private static int fingerprint(BufferedReader in, PrintStream out, PrintStream err)
      throws IOException {
    String line = in.readLine();
    String key = line == null ? "" : line.trim();
    if (key.isEmpty()) {
      err.println("ai-warden: fingerprint reads a key on standard input; got nothing");
      return 2;
    }
    out.println(Fingerprints.fingerprint(key));
    return 0;
  }

  /** Checks an audit log's hash chain: 0 intact, 1 broken (the first bad line is printed). */
  private static int verifyAudit(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("usage: verify-audit FILE");
      return 64;
    }
    java.nio.file.Path file = java.nio.file.Paths.get(args[1]);
    try {
      AuditVerifier.Result r = AuditVerifier.verify(file);
      if (r.intact) {
        out.println(
            file + ": intact, " + r.lines + " records"
                + (r.headSha256 == null ? "" : ", head seq=" + r.headSeq + " sha256=" + r.headSha256));
        return 0;
      }
      out.println(file + ":" + r.badLine + ": " + r.problem);
      return 1;
    } catch (IOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return 1;
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: java -jar ai-warden-agent.jar <command>");
    out.println("  fingerprint    read a key on stdin, print its fingerprint (sha256:...)");
    out.println("  verify-audit FILE   check an audit log's hash chain (0 intact, 1 broken)");
    out.println("  help           this text");
    out.println("attach as an agent: java -javaagent:ai-warden-agent.jar[=k=v,...] -jar app.jar");
  }
}
