package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The result tables of {@link ResyncBench}: per round, then the median (of the per-round ratios). Pure. */
final class ResyncReport {
  private static final double TARGET_MS = 100;

  private ResyncReport() {}

  static List<ResultTable> tables(int n, long streamRowsPerSecond, List<ResyncRound> rounds) {
    ResultTable duration = new ResultTable("Per-table resync: duration (" + n + "-row table, " + streamRowsPerSecond
        + " rows/s streaming into another table)", "round", "bootstrap s", "COPY binary s", "resync s",
        "resync rows/s", "resync / COPY binary", "resync / bootstrap", "replica = upstream");
    ResultTable gaps = new ResultTable("Per-table resync: largest gap between watermark advances seen by a reader",
        "round", "window s", "reference ms", "during resync ms", "during / reference", "ending at the swap ms",
        "during the copy ms", "upstream commits: reference / resync ms");
    ResultTable largest = new ResultTable("Per-table resync: the five largest gaps during the resync",
        "round", "gap ms @ seconds after the request");
    ResultTable phases = new ResultTable("Per-table resync: where its time goes (the replicator's log lines)",
        "round", "copy s", "gate held by the copy s", "chunks", "longest chunk ms", "swap ms", "old table moved aside ms",
        "rename and indexes ms", "replay ms (changes)", "commit ms");
    int r = 0;
    for (ResyncRound x : rounds) {
      r++;
      duration.row(r, f(x.bootstrapS(), 3), f(x.copyS(), 3), f(x.resyncS(), 3), f(n / x.resyncS(), 0),
          f(x.resyncS() / x.copyS(), 2), f(x.resyncS() / x.bootstrapS(), 2), x.ok() ? "yes" : "NO: " + x.check());
      gaps.row(r, f(x.refWindowS(), 2) + " / " + f(x.resyncS(), 2), f(x.refGap().millis(), 1),
          f(x.resyncGap().millis(), 1), f(x.resyncGap().millis() / x.refGap().millis(), 2), f(x.swapGapMs(), 1),
          f(x.copyPhaseGapMs(), 1), f(x.upstreamRefGapMs(), 1) + " / " + f(x.upstreamResyncGapMs(), 1));
      largest.row(r, x.largest());
      double[] c = x.copied();
      double[] w = x.swapped();
      phases.row(r, f(c[1] / 1000, 3), f(c[2] / 1000, 3), f(c[3], 0), f(c[4], 1), f(w[1], 0), f(w[2], 0),
          f(w[3], 0), f(w[4], 0) + " (" + f(w[0], 0) + ")", f(w[5], 0));
    }
    double medianResync = median(rounds, ResyncRound::resyncS);
    double maxGap = median(rounds, x -> x.resyncGap().millis());
    duration.row("median", f(median(rounds, ResyncRound::bootstrapS), 3), f(median(rounds, ResyncRound::copyS), 3),
        f(medianResync, 3), f(n / medianResync, 0), f(median(rounds, x -> x.resyncS() / x.copyS()), 2),
        f(median(rounds, x -> x.resyncS() / x.bootstrapS()), 2), "");
    gaps.row("median", "", f(median(rounds, x -> x.refGap().millis()), 1), f(maxGap, 1),
        f(median(rounds, x -> x.resyncGap().millis() / x.refGap().millis()), 2),
        f(median(rounds, ResyncRound::swapGapMs), 1), f(median(rounds, ResyncRound::copyPhaseGapMs), 1),
        f(median(rounds, ResyncRound::upstreamRefGapMs), 1) + " / "
            + f(median(rounds, ResyncRound::upstreamResyncGapMs), 1));
    phases.row("median", f(median(rounds, x -> x.copied()[1]) / 1000, 3),
        f(median(rounds, x -> x.copied()[2]) / 1000, 3), "", f(median(rounds, x -> x.copied()[4]), 1),
        f(median(rounds, x -> x.swapped()[1]), 0), f(median(rounds, x -> x.swapped()[2]), 0),
        f(median(rounds, x -> x.swapped()[3]), 0), f(median(rounds, x -> x.swapped()[4]), 0),
        f(median(rounds, x -> x.swapped()[5]), 0));
    ResultTable verdict = new ResultTable("Per-table resync: target and check", "measure", "value");
    verdict.row("largest watermark gap during the resync (median of rounds)", f(maxGap, 1) + " ms"
        + (maxGap < TARGET_MS ? " (target < 100 ms met)"
            : " (target < 100 ms MISSED by " + f(maxGap - TARGET_MS, 1) + " ms)"));
    long bad = rounds.stream().filter(x -> !x.ok()).count();
    verdict.row("replica equal to upstream after the resync", bad == 0 ? "every round"
        : "NO in " + bad + " of " + rounds.size() + " rounds (see the duration table)");
    return List.of(duration, gaps, largest, phases, verdict);
  }

  private static double median(List<ResyncRound> rounds, ToDoubleFunction<ResyncRound> f) {
    return Stats.median(rounds.stream().mapToDouble(f).toArray());
  }
}
