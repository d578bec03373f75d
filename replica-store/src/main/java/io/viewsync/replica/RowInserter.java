package io.viewsync.replica;

import io.viewsync.core.schema.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Inserts copied rows into one SQLite table with multi-row INSERT statements (fewer statement executions per
 * row, within SQLite's bound-parameter limit). Used by the initial copy and by per-table resyncs. Not
 * thread-safe: one per table and connection.
 */
final class RowInserter implements AutoCloseable {
  private static final int MULTI_ROWS = 64;

  private final PreparedStatement single;
  private final PreparedStatement multi;
  private final int rowsPerInsert;

  RowInserter(Connection conn, TableSpec spec, String table) throws SQLException {
    this.rowsPerInsert = rowsPerInsert(spec.columns().size());
    this.single = conn.prepareStatement(sql(spec, table, 1));
    this.multi = conn.prepareStatement(sql(spec, table, rowsPerInsert));
  }

  /** Rows per multi-row INSERT for a table of this many columns. */
  static int rowsPerInsert(int columns) {
    return Math.max(1, Math.min(MULTI_ROWS, 32_000 / columns));
  }

  void insert(List<Object[]> rows) throws SQLException {
    int i = 0;
    for (; i + rowsPerInsert <= rows.size(); i += rowsPerInsert) {
      int p = 0;
      for (int r = i; r < i + rowsPerInsert; r++) {
        for (Object v : rows.get(r)) {
          ValueBinder.bind(multi, ++p, v);
        }
      }
      multi.executeUpdate();
    }
    for (; i < rows.size(); i++) {
      int p = 0;
      for (Object v : rows.get(i)) {
        ValueBinder.bind(single, ++p, v);
      }
      single.executeUpdate();
    }
  }

  private static String sql(TableSpec t, String table, int rowCount) {
    String row = "(" + "?, ".repeat(t.columns().size() - 1) + "?)";
    return "INSERT INTO " + ReplicaStore.q(table) + " ("
        + t.columns().stream().map(c -> ReplicaStore.q(c.name())).collect(Collectors.joining(", "))
        + ") VALUES " + String.join(", ", Collections.nCopies(rowCount, row));
  }

  @Override
  public void close() throws SQLException {
    try {
      single.close();
    } finally {
      multi.close();
    }
  }
}
