package dev.aiwarden.telemetry;

import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * The {@code traces.file} exporter: appends each batch of spans to a file as one OTLP/JSON {@code
 * ExportTraceServiceRequest} per line, the format of the OpenTelemetry Collector's file exporter
 * ({@code {"resourceSpans":[...]}}).
 *
 * <p>The JSON comes from the SDK's own {@link OtlpStdoutSpanExporter} (wrapper-object mode) into
 * a memory buffer; each line then reaches the file in a single append, so a line is never torn
 * even when several processes share one file. Nothing stays buffered in this process after an
 * export returns.
 */
final class TracesFileExporter implements SpanExporter {
  private final Path file;
  private final FileChannel channel;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
  private final SpanExporter json;

  private TracesFileExporter(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
    this.json = OtlpStdoutSpanExporter.builder().setOutput(buffer).setWrapperJsonObject(true).build();
  }

  /** Opens (creating it and its parent directories when missing) the file for appending. */
  static TracesFileExporter open(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel =
        FileChannel.open(
            absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new TracesFileExporter(absolute, channel);
  }

  Path file() {
    return file;
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    buffer.reset();
    CompletableResultCode marshalled = json.export(spans);
    if (!marshalled.isSuccess() || buffer.size() == 0) {
      return CompletableResultCode.ofFailure();
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      return CompletableResultCode.ofSuccess();
    } catch (IOException | RuntimeException e) {
      AgentLog.errorOnce(
          "traces.file.write", "ai-warden could not write the traces file " + file, e);
      return CompletableResultCode.ofFailure();
    }
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    json.shutdown();
    try {
      channel.close();
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
  }

  @Override
  public String toString() {
    return "TracesFileExporter{" + file + "}";
  }
}
