package io.viewsync.replica;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import io.viewsync.core.value.ValueCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Applies row changes of one upstream table to its replica table, with prepared statements kept for the
 * session. Maps the columns of each pgoutput Relation to the replica's columns by name, so a Relation that
 * lists columns the replica lacks (or lacks some it has) still applies what it can.
 *
 * <p>Replication thread only.
 */
final class TableWriter implements AutoCloseable {
  private final TableSpec spec;
  private final Connection conn;
  private final String table;
  private final int[] keyPositions;
  private final Map<Relation, int[]> mappings = new IdentityHashMap<>();
  private final Map<String, PreparedStatement> partialUpdates = new HashMap<>();
  private PreparedStatement upsert;
  private PreparedStatement delete;
  private PreparedStatement fullUpdate;

  TableWriter(Connection conn, TableSpec spec) {
    this.conn = conn;
    this.spec = spec;
    this.table = ReplicaStore.q(spec.name().replicaName());
    this.keyPositions = spec.keyColumns().stream().mapToInt(spec::columnIndex).toArray();
  }

  TableSpec spec() {
    return spec;
  }

  /**
   * A fault injected by tests (same package) to make one table's changes fail as a bug in viewsync would:
   * called before each row change with the table's name, it may throw. Null in production.
   */
  static volatile java.util.function.Consumer<io.viewsync.core.TableName> faultInjector;

  static void faultHook(io.viewsync.core.TableName table) {
    java.util.function.Consumer<io.viewsync.core.TableName> f = faultInjector;
    if (f != null) {
      f.accept(table);
    }
  }

  /** Inserts (or replaces) a row; returns its key. */
  Object[] insert(Relation rel, TupleData row) throws SQLException {
    Object[] values = values(rel, row, null);
    if (upsert == null) {
      upsert = conn.prepareStatement("INSERT OR REPLACE INTO " + table + " (" + allColumns() + ") VALUES ("
          + "?, ".repeat(spec.columns().size() - 1) + "?)");
    }
    bind(upsert, values, 0);
    upsert.executeUpdate();
    return key(values);
  }

  /**
   * Updates a row. Columns the update marked "unchanged TOAST" keep the replica's value. When the key
   * changed, {@code oldRow} holds the old key and the row moves.
   *
   * @return {old key, new key} (the same array twice when the key did not change)
   */
  Object[][] update(Relation rel, TupleData oldRow, TupleData row) throws SQLException {
    boolean[] present = new boolean[spec.columns().size()];
    Object[] values = values(rel, row, present);
    Object[] newKey = key(values);
    Object[] oldKey = oldRow == null ? newKey : key(values(rel, oldRow, null));
    boolean complete = allTrue(present);
    PreparedStatement ps = complete ? fullUpdate() : partialUpdate(present);
    int i = 0;
    for (int c = 0; c < values.length; c++) {
      if (present[c]) {
        ValueBinder.bind(ps, ++i, values[c]);
      }
    }
    bind(ps, oldKey, i);
    if (ps.executeUpdate() == 0) {
      // The replica lacks the row (it cannot, unless it diverged): keep what the update carries.
      insert(rel, row);
    }
    return new Object[][] {oldKey, newKey};
  }

  /** Deletes a row by the key in {@code oldRow}; returns the key. */
  Object[] delete(Relation rel, TupleData oldRow) throws SQLException {
    Object[] key = key(values(rel, oldRow, null));
    if (delete == null) {
      delete = conn.prepareStatement("DELETE FROM " + table + " WHERE " + keyPredicate());
    }
    bind(delete, key, 0);
    delete.executeUpdate();
    return key;
  }

  void truncate() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + table)) {
      ps.executeUpdate();
    }
  }

  /**
   * The row key as JSON, the form the change log stores: numbers as numbers, text as strings, bytes as base64
   * strings (Jackson's encoding). Written by hand: it runs once per row change, and building a Jackson tree
   * for it showed up in the apply profile.
   */
  static String keyJson(Object[] key) {
    StringBuilder sb = new StringBuilder(32).append('[');
    for (int i = 0; i < key.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = key[i];
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Long || v instanceof Double) {
        sb.append(v);
      } else if (v instanceof byte[] b) {
        sb.append('"').append(java.util.Base64.getEncoder().encodeToString(b)).append('"');
      } else {
        sb.append('"');
        JSON_ESCAPER.quoteAsString(v.toString(), sb);
        sb.append('"');
      }
    }
    return sb.append(']').toString();
  }

  private static final com.fasterxml.jackson.core.io.JsonStringEncoder JSON_ESCAPER =
      com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();

  private Object[] values(Relation rel, TupleData row, boolean[] present) {
    int[] map = mappings.computeIfAbsent(rel, this::mapping);
    Object[] values = new Object[spec.columns().size()];
    if (present != null) {
      // A column the relation does not carry, or an unchanged TOASTed one, is not touched by an update.
      for (int i = 0; i < Math.min(row.size(), map.length); i++) {
        if (map[i] >= 0 && !row.isUnchangedToast(i)) {
          present[map[i]] = true;
        }
      }
    }
    int n = Math.min(row.size(), map.length);
    for (int i = 0; i < n; i++) {
      int c = map[i];
      if (c >= 0 && !row.isNull(i) && !row.isUnchangedToast(i)) {
        ColumnSpec col = spec.columns().get(c);
        values[c] = ValueCodec.fromText(col.type(), row.text(i));
      }
    }
    return values;
  }

  private int[] mapping(Relation rel) {
    int[] map = new int[rel.columns().size()];
    for (int i = 0; i < map.length; i++) {
      map[i] = spec.columnIndex(rel.columns().get(i).name());
    }
    return map;
  }

  private Object[] key(Object[] values) {
    Object[] key = new Object[keyPositions.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = values[keyPositions[i]];
    }
    return key;
  }

  private PreparedStatement fullUpdate() throws SQLException {
    if (fullUpdate == null) {
      fullUpdate = conn.prepareStatement("UPDATE OR REPLACE " + table + " SET "
          + spec.columns().stream().map(c -> ReplicaStore.q(c.name()) + " = ?").collect(Collectors.joining(", "))
          + " WHERE " + keyPredicate());
    }
    return fullUpdate;
  }

  private PreparedStatement partialUpdate(boolean[] present) throws SQLException {
    StringBuilder sig = new StringBuilder();
    List<String> sets = new ArrayList<>();
    for (int c = 0; c < present.length; c++) {
      sig.append(present[c] ? '1' : '0');
      if (present[c]) {
        sets.add(ReplicaStore.q(spec.columns().get(c).name()) + " = ?");
      }
    }
    PreparedStatement ps = partialUpdates.get(sig.toString());
    if (ps == null) {
      String set = sets.isEmpty() ? ReplicaStore.q(spec.keyColumns().get(0)) + " = "
          + ReplicaStore.q(spec.keyColumns().get(0)) : String.join(", ", sets);
      ps = conn.prepareStatement("UPDATE OR REPLACE " + table + " SET " + set + " WHERE " + keyPredicate());
      partialUpdates.put(sig.toString(), ps);
    }
    return ps;
  }

  private String keyPredicate() {
    return spec.keyColumns().stream().map(c -> ReplicaStore.q(c) + " = ?").collect(Collectors.joining(" AND "));
  }

  private String allColumns() {
    return spec.columns().stream().map(c -> ReplicaStore.q(c.name())).collect(Collectors.joining(", "));
  }

  private static void bind(PreparedStatement ps, Object[] values, int offset) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      ValueBinder.bind(ps, offset + i + 1, values[i]);
    }
  }

  private static boolean allTrue(boolean[] b) {
    for (boolean x : b) {
      if (!x) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : partialUpdates.values()) {
      ps.close();
    }
    for (PreparedStatement ps : new PreparedStatement[] {upsert, delete, fullUpdate}) {
      if (ps != null) {
        ps.close();
      }
    }
  }
}
