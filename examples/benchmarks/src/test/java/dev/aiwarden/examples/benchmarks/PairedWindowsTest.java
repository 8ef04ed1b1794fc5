package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A round's per-call figures from the workers' WINDOW lines (made-up numbers; nothing is timed here). */
class PairedWindowsTest {
  /** One WINDOW line's numbers: calls, wall ns, median ns per call, process CPU ns, mean ns per call. */
  private static long[] w(long calls, long medianNs, long cpuNs, long meanNs) {
    return new long[] {calls, calls * meanNs, medianNs, cpuNs, meanNs};
  }

  /** Three cycles; the load rises in the second (every window slower) and falls in the third. */
  private static Map<String, List<long[]>> round() {
    Map<String, List<long[]>> m = new LinkedHashMap<>();
    m.put(Suite.NONE, List.of(w(2500, 180_000, 275_000_000, 200_000), w(2000, 230_000, 230_000_000, 250_000),
        w(2600, 175_000, 280_000_000, 190_000)));
    m.put(Suite.WARDEN, List.of(w(2450, 183_000, 290_000_000, 204_000), w(1990, 232_000, 240_000_000, 251_000),
        w(2580, 179_000, 290_000_000, 215_000)));
    m.put(Suite.OTEL, List.of(w(2400, 187_000, 300_000_000, 208_000), w(1950, 236_000, 245_000_000, 256_000),
        w(2500, 181_000, 300_000_000, 195_000)));
    return m;
  }

  @Test
  void addedIsTheMedianOverCyclesOfEachWindowMinusTheNoAgentWindowBesideIt() {
    Map<String, Double> m = PairedWindows.callFigures("openai.chat", Suite.WARDEN, round());
    // Window medians 183, 232, 179 µs: their median is the value column.
    assertThat(m.get("openai.chat.paired.us")).isEqualTo(183.0);
    // Per cycle +3, +2, +4 µs (a difference of medians of the rounds' windows would mix the load in).
    assertThat(m.get("openai.chat.paired.added.us")).isEqualTo(3.0);
    // Means: +4, +1, +25 (one window caught an outlier) -> +4.
    assertThat(m.get("openai.chat.paired.mean.added.us")).isEqualTo(4.0);
    // Against OTel in the same cycles: -4, -4, -2.
    assertThat(m.get("openai.chat.paired.vs_otel.us")).isEqualTo(-4.0);
    // CPU: 820 ms over 7020 calls.
    assertThat(m.get("openai.chat.paired.cpu.us")).isCloseTo(820_000.0 / 7020, within(1e-9));
  }

  @Test
  void theNoAgentAndOtelConfigurationsHaveNoFigureAgainstThemselves() {
    Map<String, Double> none = PairedWindows.callFigures("azure.chat", Suite.NONE, round());
    assertThat(none).containsOnlyKeys("azure.chat.paired.us", "azure.chat.paired.cpu.us");
    assertThat(none.get("azure.chat.paired.us")).isEqualTo(180.0);
    Map<String, Double> otel = PairedWindows.callFigures("azure.chat", Suite.OTEL, round());
    assertThat(otel).containsKey("azure.chat.paired.added.us").doesNotContainKey("azure.chat.paired.vs_otel.us");
    assertThat(otel.get("azure.chat.paired.added.us")).isEqualTo(6.0);
  }

  @Test
  void withoutOtelThereIsNoComparisonWithIt() {
    Map<String, List<long[]>> m = new LinkedHashMap<>(round());
    m.remove(Suite.OTEL);
    assertThat(PairedWindows.callFigures("openai.chat", Suite.WARDEN, m))
        .containsKey("openai.chat.paired.added.us").doesNotContainKey("openai.chat.paired.vs_otel.us");
  }
}
