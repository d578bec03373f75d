package io.viewsync.server.cli;

import java.util.Locale;

/**
 * One line of progress for long work (a copy, a rebuild): its state, a bar, rows done of the estimate, elapsed time
 * and time left. Pure; any thread.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;

  private ProgressBar() {}

  /**
   * @param complete draws a full bar whatever the counts say (estimates are Postgres' statistics, not exact)
   * @param etaSeconds time left, or null when unknown
   */
  public static String line(String state, long done, long estimate, double elapsedSeconds, Double etaSeconds,
      boolean complete) {
    if (estimate <= 0 && !complete) {
      // No estimate (a table Postgres never analyzed): the rows so far, without a bar that would lie.
      return String.format(Locale.ROOT, "%-12s [%s]  %,d rows (no estimate)  %.1f s", state, "?".repeat(WIDTH),
          done, elapsedSeconds);
    }
    double fraction = complete ? 1 : estimate > 0 ? Math.min(1.0, (double) done / estimate) : 0;
    int filled = (int) Math.round(fraction * WIDTH);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s [", state));
    b.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append(']');
    b.append(String.format(Locale.ROOT, " %3.0f%%  %,d / %,d rows  %.1f s", fraction * 100, done, estimate,
        elapsedSeconds));
    if (etaSeconds != null) {
      b.append(String.format(Locale.ROOT, "  ETA %.0f s", etaSeconds));
    }
    return b.toString();
  }
}
