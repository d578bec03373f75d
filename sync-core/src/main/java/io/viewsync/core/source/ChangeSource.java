package io.viewsync.core.source;

import io.viewsync.core.Lsn;

/**
 * A stream of upstream changes in commit order (pgoutput today; Debezium later).
 *
 * <p>{@link #stream} runs on the caller's thread until {@link #close()} is called from another thread or an
 * error occurs; errors propagate to the caller, which decides (with the source's error classifier) whether
 * to retry.
 */
public interface ChangeSource extends AutoCloseable {

  /**
   * Streams every transaction that commits after {@code resumeFrom} into {@code sink}, confirming to the
   * upstream only what {@link ChangeSink#confirmableLsn()} says is durable.
   */
  void stream(Lsn resumeFrom, ChangeSink sink) throws Exception;

  /** Stops a running {@link #stream} call; safe from any thread. */
  @Override
  void close();
}
