package io.viewsync.bench;

/**
 * How big each benchmark is. {@code full} is what docs/benchmarks.md reports; {@code small} (about 10x smaller,
 * one round) only checks that the harness works, in well under a minute.
 *
 * @param applyTransactions transactions of the apply-throughput workload …
 * @param applyRowsPerTx … each of this many single-row inserts
 * @param rounds repetitions of the apply and copy measurements (fresh table, slots and replica each); the
 *     median is reported
 * @param latencyCommits measured single-row commits of the idle-latency benchmark (after {@code latencyWarmup})
 * @param latencySpacingMillis time from one latency commit to the next
 * @param copyRows rows of the initial-copy table
 * @param resyncRows rows of the table the resync benchmark copies again; its rounds are {@code rounds}
 * @param viewRows the two {@code issues} table sizes the view benchmark compares (smaller first)
 * @param viewChanges upstream transactions per measured round of the view benchmark's mixed workload (its rounds
 *     are {@code rounds}, after one uncounted warm-up round of half as many)
 * @param viewBatch transactions per {@code Views.advance()} in the view benchmark
 * @param viewKindBatch transactions of the single-kind batches that break the per-change cost down by kind
 * @param viewDeepUpdates updates per window and round of the deep-limit measurement
 * @param syncClients WebSocket clients of the sync latency benchmark (each its own client group, one query)
 * @param syncQueries distinct queries the sync clients spread over (both sync benchmarks)
 * @param syncTxPerSecond single-row upstream transactions per second while the sync benchmarks measure
 * @param syncWarmupSeconds load before each sync measurement window (not counted)
 * @param syncSeconds the sync latency benchmark's measurement window
 * @param syncSteps client counts of the fan-out benchmark (3 queries each), stepped up in one server
 * @param syncStepSeconds the measurement window of each fan-out step
 */
record BenchSize(String name, int applyTransactions, int applyRowsPerTx, int rounds, int latencyCommits,
    int latencyWarmup, long latencySpacingMillis, int copyRows, int resyncRows, int[] viewRows, int viewChanges,
    int viewBatch, int viewKindBatch, int viewDeepUpdates, int syncClients, int syncQueries, int syncTxPerSecond,
    int syncWarmupSeconds, int syncSeconds, int[] syncSteps, int syncStepSeconds) {

  static BenchSize of(String name) {
    return switch (name) {
      case "full" -> new BenchSize(name, 100, 1000, 3, 200, 20, 20, 1_000_000, 1_000_000,
          new int[] {100_000, 1_000_000}, 2000, 100, 100, 1000,
          1000, 100, 500, 5, 30, new int[] {1000, 2000, 5000, 10_000}, 15);
      case "small" -> new BenchSize(name, 10, 1000, 1, 30, 5, 20, 100_000, 50_000,
          new int[] {10_000, 100_000}, 300, 50, 20, 200,
          50, 10, 500, 2, 5, new int[] {50, 100}, 4);
      default -> throw new IllegalArgumentException("--size is small or full, not " + name);
    };
  }

  int applyRows() {
    return applyTransactions * applyRowsPerTx;
  }
}
