package io.viewsync.server;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.server.http.StatusProvider;
import io.viewsync.server.sync.SyncMetrics;
import java.util.function.Supplier;

/**
 * Readiness and {@code /admin/status} from the replicator's status snapshot (volatile reads, no blocking), so
 * it may be called on Netty event loops.
 */
final class ReplicatorStatusProvider implements StatusProvider {
  private final Replicator replicator;
  private final long readyLagBytes;
  private final Supplier<SyncMetrics.Counts> sync;

  /**
   * {@code /admin/status}: the replicator's status with, beside it, the lag in seconds, the slot's health and what
   * the sync side holds.
   *
   * @param sync the sync side's counts as last published (a volatile read), or null for none
   */
  record ServiceStatus(@JsonUnwrapped ReplicatorStatus replication, double lagSeconds, String slotWalStatus,
      long slotRetainedBytes, SyncMetrics.Counts sync) {}

  ReplicatorStatusProvider(Replicator replicator, long readyLagBytes) {
    this(replicator, readyLagBytes, null);
  }

  ReplicatorStatusProvider(Replicator replicator, long readyLagBytes, Supplier<SyncMetrics.Counts> sync) {
    this.replicator = replicator;
    this.readyLagBytes = readyLagBytes;
    this.sync = sync;
  }

  @Override
  public boolean ready() {
    return replicator.ready(readyLagBytes);
  }

  @Override
  public String notReadyReason() {
    ReplicatorStatus s = replicator.status();
    return switch (s.phase()) {
      case "streaming" -> "replica is " + s.lagBytes() + " bytes behind (ready at " + readyLagBytes + ")";
      case "copying" -> "initial copy in progress";
      default -> "replication is " + s.phase() + (s.lastError() == null ? "" : ": " + s.lastError());
    };
  }

  @Override
  public Object status() {
    return new ServiceStatus(replicator.status(), replicator.lagSeconds(), replicator.slotWalStatus(),
        replicator.slotRetainedBytes(), sync == null ? null : sync.get());
  }
}
