package io.viewsync.core.change;

import io.viewsync.core.Lsn;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import java.util.List;

/**
 * What a {@link io.viewsync.core.source.ChangeSource} delivers, in upstream commit order: whole transactions
 * ({@link Begin} … {@link Commit}) and, between them, non-transactional {@link Message}s.
 *
 * <p>Row changes carry the upstream {@link Relation} (columns in tuple order, with key flags) that was in
 * force when the change was written, so a consumer needs no catalog access to apply them. Immutable.
 */
public sealed interface Change {

  /** A transaction starts; {@code commitLsn} is its version. */
  record Begin(Lsn commitLsn, long commitTimeMicros, int xid) implements Change {}

  /** The transaction ends; {@code endLsn} is the position to confirm once it is durable. */
  record Commit(Lsn commitLsn, Lsn endLsn, long commitTimeMicros) implements Change {}

  /** The shape of a table changed (or is seen for the first time in this session). */
  record RelationSeen(Relation relation) implements Change {}

  record Insert(Relation relation, TupleData row) implements Change {}

  /** {@code oldRow} is null unless the key changed (then it holds the old key) or identity is FULL. */
  record Update(Relation relation, TupleData oldRow, TupleData row) implements Change {}

  /** {@code oldRow} holds at least the key columns. */
  record Delete(Relation relation, TupleData oldRow) implements Change {}

  record Truncate(List<Relation> relations) implements Change {
    public Truncate {
      relations = List.copyOf(relations);
    }
  }

  /**
   * A logical message ({@code pg_logical_emit_message}). Non-transactional ones arrive outside any
   * transaction; {@code lsn} can then be confirmed once everything before it is durable.
   */
  record Message(boolean transactional, Lsn lsn, String prefix, byte[] content) implements Change {}
}
