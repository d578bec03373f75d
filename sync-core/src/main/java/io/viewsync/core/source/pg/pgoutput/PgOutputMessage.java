package io.viewsync.core.source.pg.pgoutput;

import io.viewsync.core.Lsn;
import java.util.Arrays;
import java.util.List;

/**
 * The messages of the pgoutput logical decoding plugin, protocol version 1, as records. See
 * <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 * Replication Message Formats</a>.
 *
 * <p>Timestamps are microseconds since 2000-01-01 00:00 UTC, as on the wire. All records are immutable.
 */
public sealed interface PgOutputMessage {

  /** 'B': a transaction starts; {@code finalLsn} is the LSN of its commit record. */
  record Begin(Lsn finalLsn, long commitTimeMicros, int xid) implements PgOutputMessage {}

  /** 'C': the transaction committed at {@code commitLsn}; {@code endLsn} is the end of its commit record. */
  record Commit(byte flags, Lsn commitLsn, Lsn endLsn, long commitTimeMicros) implements PgOutputMessage {}

  /** 'O': the transaction came from another replication origin. */
  record Origin(Lsn originCommitLsn, String name) implements PgOutputMessage {}

  /**
   * 'R': the shape of a table, sent before the first change to it in a session and again after it changes.
   * {@code replicaIdentity} is pg_class.relreplident: 'd' default, 'n' nothing, 'f' full, 'i' index.
   */
  record Relation(int oid, String namespace, String name, char replicaIdentity, List<Column> columns)
      implements PgOutputMessage {

    public Relation {
      columns = List.copyOf(columns);
    }
  }

  /** One column of a Relation message; {@code key} means it is part of the replica identity. */
  record Column(boolean key, String name, int typeOid, int typeModifier) {}

  /** 'Y': a non-builtin type used by a following Relation. */
  record Type(int oid, String namespace, String name) implements PgOutputMessage {}

  /** 'I': a new row. */
  record Insert(int relationOid, TupleData newTuple) implements PgOutputMessage {}

  /**
   * 'U': a changed row. {@code oldKind} is 'K' when {@code oldTuple} holds the old key (the key changed),
   * 'O' when it holds the whole old row (REPLICA IDENTITY FULL), and 0 with a null {@code oldTuple} otherwise.
   */
  record Update(int relationOid, char oldKind, TupleData oldTuple, TupleData newTuple)
      implements PgOutputMessage {}

  /** 'D': a removed row; {@code oldKind} is 'K' (key columns only) or 'O' (whole row). */
  record Delete(int relationOid, char oldKind, TupleData oldTuple) implements PgOutputMessage {}

  /** 'T': tables truncated together. {@code options}: bit 1 CASCADE, bit 2 RESTART IDENTITY. */
  record Truncate(int options, int[] relationOids) implements PgOutputMessage {

    @Override
    public boolean equals(Object o) {
      return o instanceof Truncate t && t.options == options && Arrays.equals(t.relationOids, relationOids);
    }

    @Override
    public int hashCode() {
      return 31 * options + Arrays.hashCode(relationOids);
    }

    @Override
    public String toString() {
      return "Truncate[options=" + options + ", relationOids=" + Arrays.toString(relationOids) + "]";
    }
  }

  /** 'M': a message written with {@code pg_logical_emit_message}. */
  record Message(boolean transactional, Lsn lsn, String prefix, byte[] content) implements PgOutputMessage {

    @Override
    public boolean equals(Object o) {
      return o instanceof Message m && m.transactional == transactional && m.lsn.equals(lsn)
          && m.prefix.equals(prefix) && Arrays.equals(m.content, content);
    }

    @Override
    public int hashCode() {
      return lsn.hashCode() * 31 + prefix.hashCode();
    }

    @Override
    public String toString() {
      return "Message[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
          + ", " + content.length + " bytes]";
    }
  }
}
