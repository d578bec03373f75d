package io.viewsync.replica;

import java.util.List;

/**
 * A snapshot of the replicator for status endpoints: cheap to take, immutable, safe to serialize anywhere.
 *
 * @param phase starting, copying, streaming, reconnecting, stopped or failed
 * @param lagBytes upstream WAL written but not yet durable in the replica (-1 when unknown)
 */
public record ReplicatorStatus(String phase, String watermark, String confirmedLsn, long lagBytes,
    long schemaVersion, String schemaFingerprint, String ddlMode, String slot, String publication, String lastError,
    List<Table> tables) {

  /** One table: {@code state} is copying, syncing, resyncing, quarantined or unsyncable; {@code estimate} is -1 outside a copy. */
  public record Table(String name, String state, String reason, long rows, long estimate) {}
}
