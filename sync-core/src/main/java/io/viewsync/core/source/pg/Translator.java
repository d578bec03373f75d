package io.viewsync.core.source.pg;

import io.viewsync.core.change.Change;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.PgOutputParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed pgoutput messages into {@link Change}s. This is the one stateful step of decoding: it keeps
 * the relation cache (pgoutput sends a Relation message once per table and session, then refers to it by
 * oid) and checks that row changes only come inside a transaction.
 *
 * <p>Not thread-safe: one translator per replication session, used by the streaming thread.
 */
public final class Translator {
  private final Map<Integer, Relation> relations = new HashMap<>();
  private boolean inTransaction;

  /** The change for a message, or null for messages that carry nothing to apply (Type, Origin). */
  public Change translate(PgOutputMessage message) {
    // Java 17 has no pattern switch (JEP 441 is Java 21): an instanceof chain, ending in an error for a
    // message type this method forgot.
    if (message instanceof PgOutputMessage.Begin b) {
      if (inTransaction) {
        throw new PgOutputParseException("a Begin arrived inside an open transaction");
      }
      inTransaction = true;
      return new Change.Begin(b.finalLsn(), b.commitTimeMicros(), b.xid());
    } else if (message instanceof PgOutputMessage.Commit c) {
      requireTransaction("Commit");
      inTransaction = false;
      return new Change.Commit(c.commitLsn(), c.endLsn(), c.commitTimeMicros());
    } else if (message instanceof PgOutputMessage.Relation r) {
      relations.put(r.oid(), r);
      return new Change.RelationSeen(r);
    } else if (message instanceof PgOutputMessage.Type || message instanceof PgOutputMessage.Origin) {
      return null;
    } else if (message instanceof PgOutputMessage.Insert i) {
      requireTransaction("Insert");
      return new Change.Insert(relation(i.relationOid()), i.newTuple());
    } else if (message instanceof PgOutputMessage.Update u) {
      requireTransaction("Update");
      return new Change.Update(relation(u.relationOid()), u.oldTuple(), u.newTuple());
    } else if (message instanceof PgOutputMessage.Delete d) {
      requireTransaction("Delete");
      return new Change.Delete(relation(d.relationOid()), d.oldTuple());
    } else if (message instanceof PgOutputMessage.Truncate t) {
      requireTransaction("Truncate");
      List<Relation> rels = new ArrayList<>(t.relationOids().length);
      for (int oid : t.relationOids()) {
        rels.add(relation(oid));
      }
      return new Change.Truncate(rels);
    } else if (message instanceof PgOutputMessage.Message m) {
      return new Change.Message(m.transactional(), m.lsn(), m.prefix(), m.content());
    }
    throw new IllegalStateException("Translator does not handle " + message.getClass().getSimpleName());
  }

  private Relation relation(int oid) {
    Relation r = relations.get(oid);
    if (r == null) {
      throw new PgOutputParseException("a change refers to relation oid " + oid + " before its Relation message");
    }
    return r;
  }

  private void requireTransaction(String what) {
    if (!inTransaction) {
      throw new PgOutputParseException("a " + what + " arrived outside a transaction");
    }
  }
}
