package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * {@code _viewsync_resync_buffer}: the stream's changes to a table being resynced, kept in the writer's open
 * transaction (so a transaction of any size stays out of memory, and a batch the stream aborts takes its
 * buffered rows with it) until the swap replays those committed at or after the copy's snapshot. Rows keep the
 * raw pgoutput tuples and the number of the Relation they came with ({@link Resyncs.Job#relationId}), so the
 * replay runs through the same apply code as the live stream. Replication thread only.
 */
final class ResyncBuffer implements AutoCloseable {
  private final ReplicaStore store;
  private PreparedStatement insert;

  ResyncBuffer(ReplicaStore store) {
    this.store = store;
  }

  /** One buffered change as the replay hands it back. */
  interface Replay {
    void apply(Lsn version, String op, int relation, TupleData oldRow, TupleData newRow) throws SQLException;
  }

  void add(int tableOid, Lsn version, String op, int relation, TupleData oldRow, TupleData newRow)
      throws SQLException {
    if (insert == null) {
      insert = store.writer().prepareStatement("INSERT INTO _viewsync_resync_buffer"
          + " (table_oid, version, op, relation, old_row, new_row) VALUES (?, ?, ?, ?, ?, ?)");
    }
    insert.setInt(1, tableOid);
    insert.setLong(2, version.value());
    insert.setString(3, op);
    insert.setInt(4, relation);
    insert.setBytes(5, encode(oldRow));
    insert.setBytes(6, encode(newRow));
    insert.executeUpdate();
  }

  /**
   * Hands the table's changes committed at or after {@code from} to {@code out}, in arrival order, while
   * {@code go} holds; returns how many it handed over.
   */
  int replay(int tableOid, Lsn from, BooleanSupplier go, Replay out) throws SQLException {
    int n = 0;
    try (PreparedStatement ps = store.writer().prepareStatement("SELECT version, op, relation, old_row, new_row"
        + " FROM _viewsync_resync_buffer WHERE table_oid = ? AND version >= ? ORDER BY seq")) {
      ps.setInt(1, tableOid);
      ps.setLong(2, from.value());
      try (ResultSet r = ps.executeQuery()) {
        while (r.next() && go.getAsBoolean()) {
          out.apply(Lsn.of(r.getLong(1)), r.getString(2), r.getInt(3), decode(r.getBytes(4)), decode(r.getBytes(5)));
          n++;
        }
      }
    }
    return n;
  }

  void clear(int tableOid) throws SQLException {
    try (PreparedStatement ps = store.writer().prepareStatement(
        "DELETE FROM _viewsync_resync_buffer WHERE table_oid = ?")) {
      ps.setInt(1, tableOid);
      ps.executeUpdate();
    }
  }

  /** A tuple as bytes: column count, then per column its kind and, for a text value, its UTF-8 bytes. */
  static byte[] encode(TupleData t) {
    if (t == null) {
      return null;
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(t.size());
      for (int i = 0; i < t.size(); i++) {
        out.writeByte(t.kinds()[i]);
        if (t.kinds()[i] == TupleData.TEXT) {
          byte[] b = t.text(i).getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static TupleData decode(byte[] b) {
    if (b == null) {
      return null;
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      int n = in.readInt();
      byte[] kinds = new byte[n];
      String[] texts = new String[n];
      for (int i = 0; i < n; i++) {
        kinds[i] = in.readByte();
        if (kinds[i] == TupleData.TEXT) {
          byte[] s = new byte[in.readInt()];
          in.readFully(s);
          texts[i] = new String(s, StandardCharsets.UTF_8);
        }
      }
      return new TupleData(kinds, texts);
    } catch (IOException e) {
      throw new IllegalStateException("a resync buffer row is unreadable", e);
    }
  }

  @Override
  public void close() throws SQLException {
    if (insert != null) {
      insert.close();
    }
  }
}
