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
 */
record BenchSize(String name, int applyTransactions, int applyRowsPerTx, int rounds, int latencyCommits,
    int latencyWarmup, long latencySpacingMillis, int copyRows, int resyncRows) {

  static BenchSize of(String name) {
    return switch (name) {
      case "full" -> new BenchSize(name, 100, 1000, 3, 200, 20, 20, 1_000_000, 1_000_000);
      case "small" -> new BenchSize(name, 10, 1000, 1, 30, 5, 20, 100_000, 50_000);
      default -> throw new IllegalArgumentException("--size is small or full, not " + name);
    };
  }

  int applyRows() {
    return applyTransactions * applyRowsPerTx;
  }
}
