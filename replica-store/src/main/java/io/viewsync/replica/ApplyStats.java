package io.viewsync.replica;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the apply path, written by the replication thread and read by status and metrics from any
 * thread (atomics and volatiles, no locks).
 */
public final class ApplyStats {
  public final AtomicLong transactions = new AtomicLong();
  public final AtomicLong inserts = new AtomicLong();
  public final AtomicLong updates = new AtomicLong();
  public final AtomicLong deletes = new AtomicLong();
  public final AtomicLong truncates = new AtomicLong();
  public final AtomicLong batches = new AtomicLong();
  public final AtomicLong skippedTransactions = new AtomicLong();
  public final AtomicLong quarantines = new AtomicLong();
  /** Per-table resyncs begun (their stream changes buffered from then on), and swapped in. */
  public final AtomicLong resyncsStarted = new AtomicLong();
  public final AtomicLong resyncsSwapped = new AtomicLong();
  volatile long lastBatchTransactions;
  volatile long lastBatchNanos;
  volatile long durableCommitMicros = -1;

  /**
   * The upstream commit time (Unix microseconds, by the upstream's clock) of the newest transaction durable in the
   * replica; -1 before the first.
   */
  public long durableCommitMicros() {
    return durableCommitMicros;
  }

  public long lastBatchTransactions() {
    return lastBatchTransactions;
  }

  public long lastBatchNanos() {
    return lastBatchNanos;
  }
}
