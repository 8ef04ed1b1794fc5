package dev.aiwarden.telemetry.audit;

import dev.aiwarden.core.AiCall;
import dev.aiwarden.policy.HostName;
import dev.aiwarden.telemetry.AgentLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code audit.file}: an append-only JSON-lines record of every AI call (allowed, denied,
 * would-be denied) and every policy change, each line chained to the previous one by SHA-256
 * ({@link AuditChain}), so that {@code verify-audit} finds any edit, deletion or reordering.
 *
 * <p>Records are handed to one writer thread through a bounded queue: the calling thread never
 * waits for the disk. When the queue is full (the disk stalls) records are dropped and counted,
 * and the next record written says how many were lost (a gap an investigator can see). A file
 * that cannot be written (read-only, disk full) is reported once; the application goes on.
 * Appending to an existing file continues its chain. Records never carry a key, a token or prompt
 * text: only fingerprints, sources, the caller, the endpoint and the decision.
 */
public final class AuditLog {
  private static final int QUEUE = 8192;
  private static final Object STOP = new Object();

  private final Path file;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final String host;
  private final long pid;
  private final Thread writer;
  private String prev;
  private long seq;
  private FileChannel channel;
  private volatile boolean failing;
  /** Outages and recoveries logged so far (each is logged once; at most {@value #MAX_STATE_LOGS}). */
  private int stateLogs;
  private static final int MAX_STATE_LOGS = 10;
  private long lostInOutage;

  private AuditLog(Path file) {
    this.file = file;
    this.host = hostName();
    this.pid = ProcessHandle.current().pid();
    this.writer = new Thread(this::drain, "ai-warden-audit");
    writer.setDaemon(true);
  }

  /** Opens (or continues) the audit log and starts its writer; never throws. */
  public static AuditLog open(Path file) {
    AuditLog log = new AuditLog(file);
    log.writer.start();
    Runtime.getRuntime().addShutdownHook(new Thread(log::close, "ai-warden-audit-close"));
    return log;
  }

  /** Records a finished, denied or would-be-denied AI call. Cheap; never blocks, never throws. */
  public void recordCall(AiCall call) {
    try {
      offer(callRecord(call));
    } catch (Throwable t) {
      AgentLog.errorOnce("audit.record", "ai-warden could not record an AI call in the audit log", t);
    }
  }

  /** Records a policy load or reload: the file, its SHA-256, and whether it was put in force. */
  public void recordPolicyChange(String policyFile, String policySha256, String outcome, String detail) {
    StringBuilder b = begin("policy_change");
    member(b, "policy_file", policyFile);
    member(b, "policy_sha256", policySha256);
    member(b, "outcome", outcome);
    member(b, "detail", detail);
    offer(b);
  }

  /** Records dropped since start (queue full). */
  public long dropped() {
    return dropped.get();
  }

  /** Waits until everything queued so far is on disk (for tests and shutdown). */
  public boolean flush(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    synchronized (this) {
      return queue.isEmpty();
    }
  }

  /** Writes what is queued and stops the writer (bounded to 2 s). */
  public void close() {
    queue.offer(STOP);
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void offer(StringBuilder record) {
    if (!queue.offer(record)) {
      dropped.incrementAndGet();
      AuditLoss.queueFull();
    }
  }

  /**
   * False while the file cannot be written (from the first failed write until a write succeeds
   * again); true before the first write. With {@code audit.required=true} the policy denies AI
   * calls while this is false.
   */
  public boolean writable() {
    return !failing;
  }

  private StringBuilder callRecord(AiCall call) {
    StringBuilder b = begin("ai_call");
    member(b, "service_host", host);
    member(b, "endpoint", call.endpoint.host() + (call.endpoint.port() > 0 ? ":" + call.endpoint.port() : ""));
    member(b, "endpoint_kind", call.endpoint.kind().id());
    member(b, "provider", call.endpoint.provider().id());
    member(b, "operation", call.endpoint.operation().id());
    member(b, "model", call.requestModel());
    member(b, "key_kind", call.key.kind().id());
    member(b, "key_fingerprint", call.key.fingerprint());
    member(b, "key_source", call.keySource);
    member(b, "caller", call.caller == null ? null : call.caller.toString());
    member(b, "client", call.client);
    member(b, "decision", call.decision.outcome().id());
    member(b, "rule", call.decision.rule());
    member(b, "reason", call.decision.reason());
    if (call.status >= 0) {
      b.append(",\"status\":").append(call.status);
    }
    if (call.response != null && call.response.hasOutputTokens()) {
      b.append(",\"output_tokens\":").append(call.response.outputTokens);
    }
    if (call.response != null && call.response.contentFilterBlocked) {
      b.append(",\"content_filter_blocked\":true");
    }
    return b;
  }

  private StringBuilder begin(String type) {
    StringBuilder b = new StringBuilder(384);
    b.append("{\"time\":\"").append(Instant.now()).append('"');
    member(b, "type", type);
    b.append(",\"pid\":").append(pid);
    return b;
  }

  private void drain() {
    try {
      while (true) {
        Object next = queue.take();
        if (next == STOP) {
          break;
        }
        synchronized (this) {
          write((StringBuilder) next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Object next;
      synchronized (this) {
        while ((next = queue.poll()) != null) {
          if (next != STOP) {
            write((StringBuilder) next);
          }
        }
        if (seq > 0) {
          // The head, outside the file: truncating the file's tail shows against this line.
          AgentLog.get(AuditLog.class)
              .info("audit file {} head: seq={} sha256={}", file, seq, prev);
        }
        closeChannel();
      }
    }
  }

  private void write(StringBuilder record) {
    int mark = record.length();
    long lost = dropped.getAndSet(0);
    long before = -1;
    try {
      if (channel == null) {
        openChannel();
      }
      before = channel.size();
      if (lost > 0) {
        record.append(",\"records_dropped_before\":").append(lost);
      }
      record.append(",\"seq\":").append(seq + 1);
      record.append(AuditChain.PREV_MEMBER).append(prev).append("\"}");
      String line = record.toString();
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      seq++;
      prev = AuditChain.hash(line);
      if (failing) {
        recovered();
      }
    } catch (Throwable t) {
      // Lost, and said so by the next record written (records_dropped_before).
      record.setLength(mark);
      dropped.addAndGet(lost + 1);
      cutPartialLine(before);
      AuditLoss.writeFailed();
      lostInOutage++;
      if (!failing) {
        failing = true;
        logState(
            "ERROR",
            "ai-warden cannot write the audit file " + file + " (" + describe(t) + "): records are"
                + " lost and counted (metric " + AuditLoss.METRIC + ", and records_dropped_before in"
                + " the next record written); the application is not affected; logged once per outage");
      }
      closeChannel();
    }
  }

  /** A write that failed half-way (a file size limit, a full disk) must not leave half a line. */
  private void cutPartialLine(long before) {
    try {
      if (channel != null && before >= 0 && channel.size() > before) {
        channel.truncate(before);
      }
    } catch (Throwable ignored) {
      // The chain shows the damage; nothing more to do here.
    }
  }

  private void recovered() {
    failing = false;
    logState("INFO", "ai-warden writes the audit file " + file + " again; " + lostInOutage
        + " record(s) were lost while it could not");
    lostInOutage = 0;
  }

  private void logState(String level, String message) {
    if (stateLogs >= MAX_STATE_LOGS) {
      return;
    }
    stateLogs++;
    try {
      if ("ERROR".equals(level)) {
        AgentLog.get(AuditLog.class).error(message);
      } else {
        AgentLog.get(AuditLog.class).info(message);
      }
    } catch (Throwable ignored) {
      // Logging must never fail the writer.
    }
  }

  /** The exception's class and, for I/O errors (they name a file and the system's reason), its message. */
  static String describe(Throwable t) {
    if (t instanceof IOException && t.getMessage() != null) {
      return t.getClass().getName() + ": " + t.getMessage();
    }
    return t.getClass().getName();
  }

  /** Opens for append; continues the chain from the file's last line. */
  private void openChannel() throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    String last = lastLine(file);
    prev = last == null ? AuditChain.GENESIS : AuditChain.hash(last);
    seq = last == null ? 0 : Math.max(0, AuditChain.seq(last));
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.force(false);
        channel.close();
      } catch (IOException ignored) {
        // Nothing more to do: reported when the write failed.
      }
      channel = null;
    }
  }

  static String lastLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long end = raf.length();
      if (end == 0) {
        return null;
      }
      long pos = end - 1;
      raf.seek(pos);
      if (raf.read() == '\n') {
        end = pos;
      }
      long start = end;
      while (start > 0) {
        raf.seek(start - 1);
        if (raf.read() == '\n') {
          break;
        }
        start--;
      }
      byte[] line = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(line);
      return line.length == 0 ? null : new String(line, StandardCharsets.UTF_8);
    }
  }

  private static void member(StringBuilder b, String name, String value) {
    if (value == null) {
      return;
    }
    b.append(",\"").append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  /** The host name the spans' {@code host.name} and {@code keys.bind} use (one source of truth). */
  private static String hostName() {
    try {
      String h = HostName.resolve();
      return h == null ? "unknown" : h;
    } catch (Throwable t) {
      return "unknown";
    }
  }
}
