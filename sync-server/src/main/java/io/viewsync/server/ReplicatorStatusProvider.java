package io.viewsync.server;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.server.http.StatusProvider;
import io.viewsync.server.rebuild.RebuildStatus;
import io.viewsync.server.sync.SyncMetrics;
import java.util.function.Supplier;

/**
 * Readiness and {@code /admin/status} from the replicator's status snapshot (volatile reads, no blocking), so
 * it may be called on Netty event loops.
 */
final class ReplicatorStatusProvider implements StatusProvider {
  private final Supplier<Replicator> replicator;
  private final long readyLagBytes;
  private final Supplier<SyncMetrics.Counts> sync;
  private final Supplier<RebuildStatus> rebuild;

  /**
   * {@code /admin/status}: the replicator's status with, beside it, the lag in seconds, the slot's health and what
   * the sync side holds.
   *
   * @param sync the sync side's counts as last published (a volatile read), or null for none
   */
  record ServiceStatus(@JsonUnwrapped ReplicatorStatus replication, double lagSeconds, String slotWalStatus,
      long slotRetainedBytes, SyncMetrics.Counts sync, RebuildStatus rebuild) {}

  ReplicatorStatusProvider(Replicator replicator, long readyLagBytes) {
    this(() -> replicator, readyLagBytes, null, null);
  }

  /**
   * @param replicator the serving replicator (an online rebuild replaces it)
   * @param rebuild the online rebuild's status, or null for none
   */
  ReplicatorStatusProvider(Supplier<Replicator> replicator, long readyLagBytes, Supplier<SyncMetrics.Counts> sync,
      Supplier<RebuildStatus> rebuild) {
    this.replicator = replicator;
    this.readyLagBytes = readyLagBytes;
    this.sync = sync;
    this.rebuild = rebuild;
  }

  @Override
  public boolean ready() {
    return replicator.get().ready(readyLagBytes);
  }

  @Override
  public String notReadyReason() {
    ReplicatorStatus s = replicator.get().status();
    return switch (s.phase()) {
      case "streaming" -> "replica is " + s.lagBytes() + " bytes behind (ready at " + readyLagBytes + ")";
      case "copying" -> "initial copy in progress";
      default -> "replication is " + s.phase() + (s.lastError() == null ? "" : ": " + s.lastError());
    };
  }

  @Override
  public Object status() {
    Replicator r = replicator.get();
    return new ServiceStatus(r.status(), r.lagSeconds(), r.slotWalStatus(), r.slotRetainedBytes(),
        sync == null ? null : sync.get(), rebuild == null ? null : rebuild.get());
  }
}
