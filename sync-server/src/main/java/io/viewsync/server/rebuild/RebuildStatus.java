package io.viewsync.server.rebuild;

import io.viewsync.replica.ReplicatorStatus;
import java.util.List;

/**
 * An online rebuild as {@code GET /admin/rebuild} answers it. Immutable.
 *
 * @param state {@code idle} (none ran yet), {@code copying}, {@code catching-up}, {@code swapping}, {@code done} or
 *     {@code failed}: values only grow, never renamed
 * @param slot the slot the new replica streams from
 * @param rowsDone rows copied so far, over every table; {@code rowsEstimated} their estimate (Postgres' statistics)
 * @param etaSeconds time left for the copy at the rate so far; null when unknown or after the copy
 * @param error why it failed (the serving replica was left untouched); null otherwise
 * @param swapMillis how long the swap held clients' pokes back (the old replicator stopped to the new one
 *     started), once swapped; null before
 * @param tables per-table copy progress of the new replica (its status), empty when none runs
 */
public record RebuildStatus(String state, String startedAt, String finishedAt, double elapsedSeconds, String slot,
    long rowsDone, long rowsEstimated, Double etaSeconds, String error, Long swapMillis,
    List<ReplicatorStatus.Table> tables) {

  static final RebuildStatus IDLE = new RebuildStatus("idle", null, null, 0, null, 0, 0, null, null, null,
      List.of());

  /** Whether a rebuild in this state is still running. */
  public boolean running() {
    return switch (state) {
      case "copying", "catching-up", "swapping" -> true;
      default -> false;
    };
  }
}
