package io.viewsync.core.source;

import io.viewsync.core.Lsn;
import io.viewsync.core.change.Change;

/**
 * Receives changes from a {@link ChangeSource} and makes them durable. Called from the source's single
 * streaming thread only.
 */
public interface ChangeSink {

  /** Applies one change. May make a batch of whole transactions durable at a transaction boundary. */
  void accept(Change change) throws Exception;

  /**
   * The source has nothing more pending right now: make every whole transaction received so far durable
   * (group commit) and return {@link #confirmableLsn()}.
   */
  Lsn flush() throws Exception;

  /**
   * The highest upstream position up to which everything is durable: the source confirms (flushes) exactly
   * this to Postgres, never more.
   */
  Lsn confirmableLsn();
}
