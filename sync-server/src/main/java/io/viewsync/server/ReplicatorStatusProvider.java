package io.viewsync.server;

import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.server.http.StatusProvider;

/**
 * Readiness and {@code /admin/status} from the replicator's status snapshot (volatile reads, no blocking), so
 * it may be called on Netty event loops.
 */
final class ReplicatorStatusProvider implements StatusProvider {
  private final Replicator replicator;
  private final long readyLagBytes;

  ReplicatorStatusProvider(Replicator replicator, long readyLagBytes) {
    this.replicator = replicator;
    this.readyLagBytes = readyLagBytes;
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
    return replicator.status();
  }
}
