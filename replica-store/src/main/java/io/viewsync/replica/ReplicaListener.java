package io.viewsync.replica;

import io.viewsync.core.Lsn;

/**
 * What a {@link Replicator} tells the readers of its replica (the view syncer). Both calls come on the replication
 * thread.
 */
@FunctionalInterface
public interface ReplicaListener {
  /**
   * The replica holds every transaction up to {@code version} (durably): called for each new watermark, and once
   * when streaming (re)starts, with the watermark it starts from. Only after this call may a reader open the
   * replica: before it, the replica may be in its initial copy, which writes without a journal and must not be
   * read. Must not block.
   */
  void versionReady(Lsn version);

  /**
   * The replica is about to be deleted and copied anew (the replication slot is gone or ahead of it). A reader
   * must close every connection it has to the replica before returning, and open none until the next
   * {@link #versionReady}. The replicator waits for this call.
   */
  default void replicaReplacing() {}
}
