package io.viewsync.replica;

import io.viewsync.core.TableName;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite indexes of a replica table, in one place so that the initial copy, a created table and an altered
 * table get the same ones: the unique key index (unless the key is the rowid, {@link ReplicaStore#rowidKey}) and
 * one plain, non-unique index per mirrored upstream index. Uniqueness is upstream's job and never checked again
 * here (deferred constraints, NULLS NOT DISTINCT, collations: DESIGN §5), so a mirrored index only serves reads.
 *
 * <p>The methods compare what SQLite has ({@code pragma_index_list}) with what the spec asks for, so they are
 * idempotent and find a key index whose name went stale when its table was renamed. Indexes made for queries
 * ({@link QueryIndexes}, prefix {@code _viewsync_q_}) are left alone, except where a column or the table goes.
 *
 * <p>Stateless; each method runs on the connection it is given. The ones that change indexes run on the writer
 * connection, inside its open transaction (replication thread); {@link #orders} is also read by {@link QueryIndexes}
 * on its own connection.
 */
final class ReplicaIndexes {
  private static final Logger log = LoggerFactory.getLogger(ReplicaIndexes.class);
  static final String KEY_INDEX_PREFIX = "_viewsync_key_";

  /** An index SQLite has on a table, as {@code CREATE [UNIQUE] INDEX} made it. */
  record SqliteIndex(String name, boolean unique, List<String> columns) {}

  private ReplicaIndexes() {}

  /** SQLite's name for an upstream index, formed like a table's: {@code public.i} → {@code i}, else {@code s.i}. */
  static String replicaName(TableSpec table, IndexSpec index) {
    return new TableName(table.name().schema(), index.name()).replicaName();
  }

  /**
   * The upstream indexes the replica mirrors, SQLite name → columns: every {@link IndexSpec#expressible()} one
   * whose columns the replica has, except one over exactly the key columns (the key index or the rowid covers
   * it) and a second one over the same columns as an earlier one. Empty for an unsyncable table.
   */
  static Map<String, List<String>> mirrored(TableSpec spec) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (!spec.syncable()) {
      return out;
    }
    for (IndexSpec i : spec.indexes()) {
      if (!i.expressible() || i.columns().equals(spec.keyColumns()) || out.containsValue(i.columns())) {
        continue;
      }
      if (!i.columns().stream().allMatch(c -> spec.column(c).isPresent())) {
        // e.g. over a generated column, which the replica does not have
        log.debug("index {} of {} is not mirrored: the replica lacks some of its columns {}", i.name(), spec.name(),
            i.columns());
        continue;
      }
      out.put(replicaName(spec, i), i.columns());
    }
    return out;
  }

  /** Every index SQLite has on {@code table} that a CREATE INDEX made (not the rowid, no auto-indexes). */
  static List<SqliteIndex> list(Connection c, String table) throws SQLException {
    List<SqliteIndex> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SqliteIndex(rs.getString(1), rs.getInt(2) != 0, columns(c, rs.getString(1))));
        }
      }
    }
    return out;
  }

  /**
   * Gives {@code table} (laid out for {@code spec}) exactly the key index it needs: none when the key is the rowid,
   * else one unique index over the key columns. A unique index over other columns is a stale key and goes. A new
   * one is named {@code _viewsync_key_<table>} after the spec's table, or with a suffix while a renamed table's
   * stale key index still holds that name.
   */
  static void ensureKeyIndex(Connection c, String table, TableSpec spec) throws SQLException {
    boolean needed = spec.syncable() && ReplicaStore.rowidKey(spec) == null;
    boolean present = false;
    for (SqliteIndex i : list(c, table)) {
      if (!i.unique()) {
        continue;
      }
      if (needed && !present && i.columns().equals(spec.keyColumns())) {
        present = true;
      } else {
        exec(c, "DROP INDEX " + ReplicaStore.q(i.name()));
      }
    }
    if (needed && !present) {
      String base = KEY_INDEX_PREFIX + spec.name().replicaName();
      String name = base;
      for (int n = 2; nameTaken(c, name); n++) {
        name = base + "_" + n;
      }
      exec(c, "CREATE UNIQUE INDEX " + ReplicaStore.q(name) + " ON " + ReplicaStore.q(table) + " ("
          + columnList(spec.keyColumns()) + ")");
    }
  }

  /**
   * Makes the mirrored indexes of {@code spec}'s table match {@link #mirrored}: drops those upstream dropped or
   * redefined (a renamed upstream index is dropped and created again: SQLite cannot rename an index), creates the
   * missing ones. An index SQLite refuses (its name is taken, say) is skipped with a warning: the replica serves
   * reads without it.
   */
  static void syncMirrored(Connection c, TableSpec spec) throws SQLException {
    String table = spec.name().replicaName();
    Map<String, List<String>> wanted = mirrored(spec);
    Map<String, List<String>> have = new LinkedHashMap<>();
    for (SqliteIndex i : list(c, table)) {
      if (i.unique()) {
        continue; // the key index, see ensureKeyIndex
      }
      if (i.name().startsWith(QueryIndexes.PREFIX)) {
        continue; // made for queries on demand (QueryIndexes), not mirrored from upstream
      }
      if (i.columns().equals(wanted.get(i.name()))) {
        have.put(i.name(), i.columns());
      } else {
        exec(c, "DROP INDEX " + ReplicaStore.q(i.name()));
      }
    }
    for (Map.Entry<String, List<String>> w : wanted.entrySet()) {
      if (have.containsKey(w.getKey())) {
        continue;
      }
      try {
        exec(c, "CREATE INDEX " + ReplicaStore.q(w.getKey()) + " ON " + ReplicaStore.q(table) + " ("
            + columnList(w.getValue()) + ")");
      } catch (SQLException e) {
        // A failed statement rolls back alone; the writer's transaction goes on.
        log.warn("index {} of table {} is not mirrored in the replica: SQLite refused it ({})", w.getKey(),
            spec.name(), e.getMessage());
      }
    }
  }

  /**
   * Drops the plain indexes of {@code table} over any of {@code columns}, query indexes too: SQLite refuses to drop
   * an indexed column. A query index that is still wanted is made again on demand.
   */
  static void dropCovering(Connection c, String table, Collection<String> columns) throws SQLException {
    for (SqliteIndex i : list(c, table)) {
      if (!i.unique() && i.columns().stream().anyMatch(columns::contains)) {
        drop(c, i.name());
      }
    }
  }

  /** Drops every index a CREATE INDEX made on {@code table}, the key index and query indexes too. */
  static void dropAll(Connection c, String table) throws SQLException {
    for (SqliteIndex i : list(c, table)) {
      drop(c, i.name());
    }
  }

  private static void drop(Connection c, String index) throws SQLException {
    exec(c, "DROP INDEX " + ReplicaStore.q(index));
    if (index.startsWith(QueryIndexes.PREFIX)) {
      QueryIndexes.forget(c, index);
    }
  }

  /** A key column of an index as {@code pragma_index_xinfo} describes it; {@code name} null for an expression. */
  record IndexColumn(String name, Ordering.Direction direction, boolean binary) {}

  /**
   * The orders SQLite can read {@code table} in without sorting, each a list of columns with directions: the table
   * itself by its INTEGER PRIMARY KEY column (the rowid), and each index that is not partial, by its key columns up
   * to the first expression or non-BINARY one, followed by that rowid column when the index covers all its key
   * columns (every index of a rowid table ends with the rowid). A read in the exact reverse of an order is served
   * too (SQLite scans backwards).
   */
  static List<List<Ordering.Part>> orders(Connection c, String table) throws SQLException {
    String rowid = rowidColumn(c, table);
    List<List<Ordering.Part>> out = new ArrayList<>();
    if (rowid != null) {
      out.add(List.of(Ordering.asc(rowid)));
    }
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_index_list(?) WHERE partial = 0"
        + " ORDER BY name")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    for (String index : names) {
      List<Ordering.Part> order = new ArrayList<>();
      boolean whole = true;
      for (IndexColumn col : keyColumns(c, index)) {
        if (col.name() == null || !col.binary()) {
          whole = false;
          break;
        }
        order.add(new Ordering.Part(col.name(), col.direction()));
      }
      if (whole && rowid != null) {
        order.add(Ordering.asc(rowid));
      }
      out.add(order);
    }
    return out;
  }

  /** The key columns of {@code index} in index order, with direction and whether they collate as BINARY. */
  static List<IndexColumn> keyColumns(Connection c, String index) throws SQLException {
    List<IndexColumn> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name, \"desc\", coll FROM pragma_index_xinfo(?)"
        + " WHERE key = 1 ORDER BY seqno")) {
      ps.setString(1, index);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new IndexColumn(rs.getString(1), rs.getInt(2) != 0 ? Ordering.Direction.DESC
              : Ordering.Direction.ASC, "BINARY".equalsIgnoreCase(rs.getString(3))));
        }
      }
    }
    return out;
  }

  /** The column that is {@code table}'s rowid (a lone INTEGER PRIMARY KEY), or null. */
  private static String rowidColumn(Connection c, String table) throws SQLException {
    List<String> key = new ArrayList<>();
    boolean integer = false;
    try (PreparedStatement ps = c.prepareStatement("SELECT name, type FROM pragma_table_info(?) WHERE pk > 0")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
          integer = "INTEGER".equalsIgnoreCase(rs.getString(2));
        }
      }
    }
    return key.size() == 1 && integer ? key.get(0) : null;
  }

  /** Whether any table or index holds {@code name}: they share one namespace, case-insensitive for ASCII. */
  static boolean nameTaken(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE name = ? COLLATE NOCASE")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<String> columns(Connection c, String index) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_index_info(?) ORDER BY seqno")) {
      ps.setString(1, index);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String columnList(List<String> columns) {
    return columns.stream().map(ReplicaStore::q).collect(Collectors.joining(", "));
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
