package io.viewsync.bench;

import java.util.Arrays;

/** Order statistics over measurements (nearest-rank percentiles). Pure; safe from any thread. */
final class Stats {
  private Stats() {}

  static double median(double[] values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile: the smallest value with at least {@code p}% of the values at or below it. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
