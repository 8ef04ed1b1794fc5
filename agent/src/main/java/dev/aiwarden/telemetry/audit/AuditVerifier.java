package dev.aiwarden.telemetry.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an audit file's hash chain: {@code verify-audit FILE}. */
public final class AuditVerifier {

  /** The outcome: intact, or the first bad line (1-based) and what is wrong with it. */
  public static final class Result {
    public final boolean intact;
    public final long lines;
    public final long badLine;
    public final String problem;
    /** The last record's {@code seq} and SHA-256: compare with the head the agent logged at exit. */
    public final long headSeq;
    public final String headSha256;

    Result(boolean intact, long lines, long badLine, String problem, long headSeq, String headSha256) {
      this.intact = intact;
      this.lines = lines;
      this.badLine = badLine;
      this.problem = problem;
      this.headSeq = headSeq;
      this.headSha256 = headSha256;
    }
  }

  private static Result bad(long line, String problem) {
    return new Result(false, line, line, problem, -1, null);
  }

  private AuditVerifier() {}

  public static Result verify(Path file) throws IOException {
    String expectedPrev = AuditChain.GENESIS;
    long expectedSeq = -1;
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        n++;
        String claimed = AuditChain.claimedPrev(line);
        if (claimed == null) {
          return bad(n, "not an audit record (no \"prev\" hash at its end)");
        }
        if (!claimed.equals(expectedPrev)) {
          return bad(
              n,
              n == 1
                  ? "the first record does not start the chain: a record before it was deleted"
                  : "does not follow the previous line: a line was changed, deleted, inserted or moved");
        }
        long seq = AuditChain.seq(line);
        if (expectedSeq >= 0 && seq != expectedSeq) {
          return bad(n, "sequence number " + seq + " where " + expectedSeq + " was due");
        }
        expectedSeq = seq + 1;
        expectedPrev = AuditChain.hash(line);
      }
    }
    return new Result(true, n, 0, null, expectedSeq - 1, n == 0 ? null : expectedPrev);
  }
}
