package io.viewsync.core.source.pg;

import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Message;
import io.viewsync.core.source.pg.pgoutput.PgOutputParser;
import io.viewsync.core.testing.TestDatabase;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A pgoutput slot read through SQL ({@code pg_logical_slot_get_binary_changes}) and parsed with
 * {@link PgOutputParser}: what a replicator would receive, without a replication connection. Each
 * {@link #take()} consumes what it returns. One instance per test; not thread-safe.
 */
final class SlotChanges implements AutoCloseable {
  private final Connection conn;
  private final String slot;
  private final String publication;

  /** Creates the slot, on a connection of its own (autocommit), which {@link #close()} closes. */
  SlotChanges(TestDatabase db, String slot, String publication) throws SQLException {
    this.conn = db.connect();
    this.slot = slot;
    this.publication = publication;
    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      ps.execute();
    }
  }

  /** Every message since the last call, in stream order. */
  List<PgOutputMessage> take() throws SQLException {
    awaitFlush();
    List<PgOutputMessage> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT data FROM pg_logical_slot_get_binary_changes(?, NULL, NULL,"
        + " 'proto_version', '1', 'publication_names', ?, 'messages', 'true')")) {
      ps.setString(1, slot);
      ps.setString(2, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(PgOutputParser.parse(ByteBuffer.wrap(rs.getBytes(1))));
        }
      }
    }
    return out;
  }

  /**
   * Waits until the WAL written so far is flushed: decoding reads only flushed WAL, and the test cluster runs with
   * synchronous_commit off, so a commit that returned may not be decodable yet.
   */
  private void awaitFlush() throws SQLException {
    try (Statement s = conn.createStatement()) {
      String target;
      try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
        rs.next();
        target = rs.getString(1);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_flush_lsn() >= '" + target + "'::pg_lsn")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("WAL not flushed up to " + target + " within 10 s");
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The DDL snapshots since the last call (other messages are consumed and dropped). */
  List<SchemaSnapshot> snapshots() throws SQLException {
    return snapshots(take());
  }

  static List<SchemaSnapshot> snapshots(List<PgOutputMessage> messages) {
    List<SchemaSnapshot> out = new ArrayList<>();
    for (PgOutputMessage m : messages) {
      if (m instanceof Message msg && msg.prefix().equals(SchemaSnapshot.PREFIX)) {
        out.add(DdlCapture.parseSnapshot(msg.content()));
      }
    }
    return out;
  }

  /** A one-letter summary per message (B, C, R, I, U, D, T, and M:prefix), to assert on order. */
  static List<String> kinds(List<PgOutputMessage> messages) {
    List<String> out = new ArrayList<>();
    for (PgOutputMessage m : messages) {
      if (m instanceof PgOutputMessage.Begin) {
        out.add("B");
      } else if (m instanceof PgOutputMessage.Commit) {
        out.add("C");
      } else if (m instanceof PgOutputMessage.Relation r) {
        out.add("R:" + r.name());
      } else if (m instanceof PgOutputMessage.Insert) {
        out.add("I");
      } else if (m instanceof PgOutputMessage.Update) {
        out.add("U");
      } else if (m instanceof PgOutputMessage.Delete) {
        out.add("D");
      } else if (m instanceof PgOutputMessage.Truncate) {
        out.add("T");
      } else if (m instanceof Message msg) {
        out.add("M:" + msg.prefix());
      } else {
        out.add(m.getClass().getSimpleName());
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    try (conn; Statement s = conn.createStatement()) {
      s.execute("SELECT pg_drop_replication_slot('" + slot.replace("'", "''") + "')");
    }
  }
}
