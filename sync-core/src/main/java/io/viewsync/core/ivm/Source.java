package io.viewsync.core.ivm;

import java.util.List;

/**
 * A table that pipelines read: each {@link #connect connection} is an {@link Input} with its own order, and every
 * change to the table is pushed to every open connection in the order they were made, under the overlay rule of
 * {@link Input#fetch}. Implementations: {@link MemorySource} (tests, the reference) and the replica-backed source
 * in {@code replica-store}. How changes get in is the implementation's business.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public interface Source {
  String table();

  List<String> columns();

  List<String> key();

  /** A new input over this table in {@code ordering}, which must end with the key ({@link Ordering#of}). */
  SourceInput connect(Ordering ordering);

  /** A connection of a {@link Source}; {@link #close} disconnects it, after which it gets no more pushes. */
  interface SourceInput extends Input, AutoCloseable {
    @Override
    void close();
  }
}
