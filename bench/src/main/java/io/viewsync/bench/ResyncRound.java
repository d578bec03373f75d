package io.viewsync.bench;

/**
 * One round of {@link ResyncBench}: times in seconds ({@code …S}) or milliseconds ({@code …Ms}). Immutable.
 *
 * @param bootstrapS from {@code start} to streaming (publication, slot, initial copy of both tables)
 * @param copyS the raw binary COPY of the same table, under the same streaming load
 * @param resyncS from the request to a reader seeing the table "syncing" again
 * @param refWindowS the reference window before the request (as long as the resync unless the wait was shorter)
 * @param refGap the largest gap between watermark advances in the reference window
 * @param resyncGap the largest gap during the resync
 * @param swapGapMs the gap that the swap's commit ended (NaN if none did)
 * @param copyPhaseGapMs the largest gap that ended before the swap
 * @param upstreamRefGapMs the largest gap between upstream commits in the reference window …
 * @param upstreamResyncGapMs … and during the resync
 * @param copied ResyncCopy's log line: rows, copy ms, gate held ms, chunks, longest chunk ms
 * @param swapped ReplicaWriter's log line: changes replayed, swap ms, drop ms, rename and indexes ms, replay ms,
 *     commit ms
 * @param largest the five largest gaps during the resync, as text
 * @param check "ok", or how the replica differs from upstream at the end of the round
 */
record ResyncRound(double bootstrapS, double copyS, double resyncS, double refWindowS, Gaps.Gap refGap,
    Gaps.Gap resyncGap, double swapGapMs, double copyPhaseGapMs, double upstreamRefGapMs,
    double upstreamResyncGapMs, double[] copied, double[] swapped, String largest, String check) {

  boolean ok() {
    return "ok".equals(check);
  }
}
