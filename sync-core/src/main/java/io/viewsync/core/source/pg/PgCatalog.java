package io.viewsync.core.source.pg;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.KeyChooser;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the replica needs to know from the upstream catalog: which tables a publication covers, their
 * columns and types, and their row key. Each method runs its queries on the given connection (in whatever
 * transaction and snapshot it is in). Holds a type cache: one instance per connection, not thread-safe.
 */
public final class PgCatalog {
  private final Connection conn;
  private final Map<Integer, PgType> types = new HashMap<>();

  public PgCatalog(Connection conn) {
    this.conn = conn;
  }

  /** The tables the publication covers, in name order. */
  public List<TableName> publishedTables(String publication) throws SQLException {
    List<TableName> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableName(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /**
   * Why a published table cannot be synced as published, per table: a row filter or a column list (PostgreSQL
   * 15+). The initial copy would read what the stream never sends (unpublished columns, filtered rows), so such
   * tables are unsyncable until viewsync supports them.
   */
  public java.util.Map<TableName, String> publicationFilters(String publication) throws SQLException {
    java.util.Map<TableName, String> out = new HashMap<>();
    if (conn.getMetaData().getDatabaseMajorVersion() < 15) {
      return out;
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT pt.schemaname, pt.tablename, pt.rowfilter,"
        + " (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = (quote_ident(pt.schemaname) || '.'"
        + " || quote_ident(pt.tablename))::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
        + " AND NOT a.attname = ANY (pt.attnames)) FROM pg_publication_tables pt WHERE pt.pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableName t = new TableName(rs.getString(1), rs.getString(2));
          if (rs.getString(3) != null) {
            out.put(t, "publication " + publication + " filters its rows (WHERE " + rs.getString(3)
                + "); viewsync does not support publication row filters yet");
          } else if (rs.getLong(4) > 0) {
            out.put(t, "publication " + publication + " publishes only some of its columns; viewsync does not"
                + " support publication column lists yet");
          }
        }
      }
    }
    return out;
  }

  /** The spec of one table: columns, row key (or why there is none). */
  public TableSpec tableSpec(TableName table) throws SQLException {
    int oid;
    char replIdent;
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT c.oid, c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("table " + table + " does not exist upstream", "42P01");
        }
        oid = rs.getInt(1);
        replIdent = rs.getString(2).charAt(0);
      }
    }
    List<ColumnSpec> columns = new ArrayList<>();
    Set<String> notNull = new HashSet<>();
    Map<Integer, String> byAttnum = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT a.attnum, a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod), a.attnotnull"
            + " FROM pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND a.attgenerated = '' ORDER BY a.attnum")) {
      ps.setInt(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(2);
          boolean nn = rs.getBoolean(5);
          columns.add(new ColumnSpec(name, type(rs.getInt(3)), rs.getString(4), nn));
          byAttnum.put(rs.getInt(1), name);
          if (nn) {
            notNull.add(name);
          }
        }
      }
    }
    List<KeyChooser.UniqueIndex> indexes = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT ic.relname, i.indkey::int2[], i.indisprimary, i.indisreplident, i.indpred IS NOT NULL,"
            + " i.indexprs IS NOT NULL FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
            + " WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indislive ORDER BY ic.relname")) {
      ps.setInt(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array arr = rs.getArray(2);
          List<String> cols = new ArrayList<>();
          boolean expr = rs.getBoolean(6);
          for (Object o : (Object[]) arr.getArray()) {
            int attnum = ((Number) o).intValue();
            if (attnum == 0) {
              expr = true;
            } else {
              cols.add(byAttnum.get(attnum));
            }
          }
          indexes.add(new KeyChooser.UniqueIndex(rs.getString(1), cols, rs.getBoolean(3), rs.getBoolean(4),
              rs.getBoolean(5), expr));
        }
      }
    }
    StringBuilder why = new StringBuilder();
    Optional<KeyChooser.Key> key = KeyChooser.choose(indexes, notNull, replIdent, why);
    return key.map(k -> new TableSpec(table, oid, columns, k.columns(), k.source(), null))
        .orElseGet(() -> new TableSpec(table, oid, columns, List.of(), null, why.toString()));
  }

  /** The type with this oid; domains are resolved to their base type, arrays know their element type. */
  public PgType type(int oid) throws SQLException {
    PgType cached = types.get(oid);
    if (cached != null) {
      return cached;
    }
    String name;
    char typtype;
    char category;
    int elem;
    int base;
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT typname, typtype, typcategory, typelem, typbasetype FROM pg_type WHERE oid = ?")) {
      ps.setInt(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("type oid " + oid + " does not exist upstream");
        }
        name = rs.getString(1);
        typtype = rs.getString(2).charAt(0);
        category = rs.getString(3).charAt(0);
        elem = rs.getInt(4);
        base = rs.getInt(5);
      }
    }
    PgType t;
    if (typtype == 'd') {
      t = type(base);
    } else if (category == 'A' && elem != 0) {
      t = PgType.of(oid, name, category, type(elem));
    } else {
      t = PgType.of(oid, name, category, null);
    }
    types.put(oid, t);
    return t;
  }

  /** TEMPORARY until the DDL-capture branch lands. */
  public List<io.viewsync.core.schema.UpstreamTable> publishedSchema(String publication) throws SQLException {
    throw new UnsupportedOperationException();
  }

  /** TEMPORARY until the DDL-capture branch lands. */
  public Optional<io.viewsync.core.schema.UpstreamTable> table(int oid) throws SQLException {
    throw new UnsupportedOperationException();
  }
}
