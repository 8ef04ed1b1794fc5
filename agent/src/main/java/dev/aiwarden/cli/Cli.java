package dev.aiwarden.cli;

import dev.aiwarden.policy.Policy;
import dev.aiwarden.policy.PolicyException;
import dev.aiwarden.policy.PolicyFile;
import dev.aiwarden.provenance.Fingerprints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Locale;

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
      case "validate-policy":
        return validatePolicy(args, out, err);
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

  /** Checks a policy file: exit 0 when valid, 2 with {@code FILE:LINE:COLUMN: ...} when not. */
  private static int validatePolicy(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("ai-warden: usage: validate-policy FILE");
      return 64;
    }
    try {
      Policy policy = PolicyFile.read(Paths.get(args[1]));
      out.println(args[1] + ": valid (mode " + policy.mode().name().toLowerCase(Locale.ROOT) + ")");
      return 0;
    } catch (PolicyException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: java -jar ai-warden-agent.jar <command>");
    out.println("  fingerprint    read a key on stdin, print its fingerprint (sha256:...)");
    out.println("  validate-policy FILE   check a policy file (exit 0 valid, 2 invalid)");
    out.println("  help           this text");
    out.println("attach as an agent: java -javaagent:ai-warden-agent.jar[=k=v,...] -jar app.jar");
  }
}
