package dev.aiwarden.policy;

import java.util.concurrent.TimeUnit;

/** Durations in the policy file: a whole number and a unit, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}. */
final class Durations {
  private Durations() {}

  /** Nanoseconds of {@code text}, or -1 when it is not a duration. */
  static long parse(String text) {
    String t = text.trim();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 9) {
      return -1;
    }
    long n = Long.parseLong(t.substring(0, i));
    switch (t.substring(i)) {
      case "ms":
        return TimeUnit.MILLISECONDS.toNanos(n);
      case "s":
        return TimeUnit.SECONDS.toNanos(n);
      case "m":
        return TimeUnit.MINUTES.toNanos(n);
      case "h":
        return TimeUnit.HOURS.toNanos(n);
      case "d":
        return TimeUnit.DAYS.toNanos(n);
      default:
        return -1;
    }
  }

  /** A short human form: {@code 10m}, {@code 1h}, {@code 45s}, {@code 250ms}. */
  static String format(long nanos) {
    long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    if (ms >= 1000) {
      return (ms + 999) / 1000 + "s";
    }
    return ms + "ms";
  }
}
