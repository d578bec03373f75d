package io.viewsync.replica;

/** The answer to a resync request ({@link Replicator#requestResync}). */
public enum ResyncResult {
  /** Queued: the table is copied again while the others keep streaming. */
  ACCEPTED,
  /** A resync of this table is already queued or running. */
  ALREADY_RUNNING,
  /** The replica has no table of that name. */
  UNKNOWN_TABLE,
  /** The table cannot be synced (see its reason in status); a resync would not help. */
  UNSYNCABLE,
  /** The replicator is not streaming (starting, copying, stopped); try again later. */
  NOT_STREAMING
}
