package dev.aiwarden.examples.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A start-up app's standard output, read line by line as the app writes it: the last line its main
 * prints ({@link ProcessCpu#print}, flushed by {@code println}) marks "main done", timed here when it
 * arrives. That is the start-up figure; the process may run on after it (a non-daemon thread
 * still working, shutdown hooks), which the time to exit counts too.
 */
final class StartupOutput {
  final List<String> lines = new ArrayList<>();
  /** CPU of the app when its main was done, as it printed it; NaN when it did not. */
  double cpuMillis = Double.NaN;
  /** From {@code startNanos} to the arrival of the main-done line; NaN when it never came. */
  double mainDoneMillis = Double.NaN;

  private StartupOutput() {}

  /** Reads {@code in} to its end; {@code startNanos} is when the process was started. */
  static StartupOutput read(InputStream in, long startNanos) throws IOException {
    return read(in, startNanos, System::nanoTime);
  }

  static StartupOutput read(InputStream in, long startNanos, LongSupplier clock) throws IOException {
    StartupOutput out = new StartupOutput();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        long now = clock.getAsLong();
        out.lines.add(line);
        if (line.startsWith(ProcessCpu.PREFIX)) {
          out.mainDoneMillis = (now - startNanos) / 1e6;
          String value = line.substring(ProcessCpu.PREFIX.length()).trim();
          if (!value.equals("-1")) {
            out.cpuMillis = Double.parseDouble(value);
          }
        }
      }
    }
    return out;
  }
}
