package dev.aiwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class CliTest {

  @Test
  void fingerprintPrintsTheContractFingerprintAndNeverTheKey() throws Exception {
    String key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            new String[] {"fingerprint"},
            new BufferedReader(new StringReader("  " + key + "  \n")),
            new PrintStream(out, true, "UTF-8"),
            new PrintStream(err, true, "UTF-8"));
    byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    StringBuilder expected = new StringBuilder("sha256:");
    for (int i = 0; i < 8; i++) {
      expected.append(String.format("%02x", d[i]));
    }
    assertThat(code).isZero();
    assertThat(out.toString("UTF-8").trim()).isEqualTo(expected.toString());
    assertThat(out.toString("UTF-8") + err.toString("UTF-8")).doesNotContain(key);
  }

  @Test
  void emptyInputAndUnknownCommandsFail() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, "UTF-8");
    assertThat(Cli.run(new String[] {"fingerprint"}, new BufferedReader(new StringReader("")), ps, ps))
        .isEqualTo(2);
    assertThat(Cli.run(new String[] {"nope"}, new BufferedReader(new StringReader("")), ps, ps))
        .isEqualTo(64);
  }

  @Test
  void verifyAuditSaysIntactOrNamesTheFirstBadLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("a.jsonl");
    dev.aiwarden.telemetry.audit.AuditLog log = dev.aiwarden.telemetry.audit.AuditLog.open(file);
    log.recordPolicyChange("p.yaml", "00", "loaded", null);
    log.recordPolicyChange("p.yaml", "11", "loaded", null);
    log.close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, "UTF-8");
    BufferedReader none = new BufferedReader(new StringReader(""));
    assertThat(Cli.run(new String[] {"verify-audit", file.toString()}, none, ps, ps)).isZero();
    assertThat(out.toString("UTF-8")).contains("intact, 2 records");

    java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
    java.nio.file.Files.write(file, java.util.List.of(lines.get(1), lines.get(0)));
    out.reset();
    assertThat(Cli.run(new String[] {"verify-audit", file.toString()}, none, ps, ps)).isEqualTo(1);
    assertThat(out.toString("UTF-8")).startsWith(file + ":1: ");
  }
}
