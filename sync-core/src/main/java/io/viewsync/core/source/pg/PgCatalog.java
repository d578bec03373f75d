package io.viewsync.core.source.pg;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.value.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the replica needs to know from the upstream catalog: which tables a publication covers, their
 * columns and types, their row key and indexes. Table descriptions come from the one query that the DDL event
 * trigger also runs ({@code schema_snapshot.sql}, parsed by {@link SchemaJson}), so a spec read here at start
 * and one carried by a DDL message compare equal when nothing changed. Each method runs its queries on the
 * given connection (in whatever transaction and snapshot it is in). Holds a type cache: one instance per
 * connection, not thread-safe.
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
  public Map<TableName, String> publicationFilters(String publication) throws SQLException {
    Map<TableName, String> out = new HashMap<>();
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

  /**
   * The spec of one table: columns, row key (or why there is none) and indexes, as {@link #table(int)} reads it.
   *
   * @throws SQLException with SQLState 42P01 when no table has that name
   */
  public TableSpec tableSpec(TableName table) throws SQLException {
    int oid;
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("table " + table + " does not exist upstream", "42P01");
        }
        oid = rs.getInt(1);
      }
    }
    return table(oid).orElseThrow(() -> new SQLException(table + " is not a table upstream", "42P01")).spec();
  }

  /**
   * Every table the publication covers (FOR ALL TABLES and TABLES IN SCHEMA included), in name order, with its
   * spec, the publications that publish it and its columns' missing values. One catalog query for all of them.
   */
  public List<UpstreamTable> publishedSchema(String publication) throws SQLException {
    List<Integer> oids = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT DISTINCT c.oid FROM pg_publication_tables pt JOIN pg_namespace n ON n.nspname = pt.schemaname"
            + " JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename WHERE pt.pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          oids.add(rs.getInt(1));
        }
      }
    }
    return describe(oids);
  }

  /** The table with this oid, or empty when there is none (or it is not a table: a view, a sequence …). */
  public Optional<UpstreamTable> table(int oid) throws SQLException {
    List<UpstreamTable> found = describe(List.of(oid));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The tables with these oids that exist (ordinary or partitioned tables), in name order. */
  public List<UpstreamTable> describe(Collection<Integer> oids) throws SQLException {
    if (oids.isEmpty()) {
      return List.of();
    }
    // Default expressions print relative to search_path (nextval('s'::regclass) or nextval('public.s'::regclass)):
    // describe with the event trigger's search_path, so both sides write the same text.
    String saved;
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT current_setting('search_path'), set_config('search_path', 'pg_catalog, pg_temp', false)")) {
      rs.next();
      saved = rs.getString(1);
    }
    try (PreparedStatement ps = conn.prepareStatement(DescribeQuery.jdbc())) {
      ps.setString(1, DescribeQuery.oidArray(oids));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next(); // an aggregate: always one row
        return SchemaJson.tables(rs.getString(1));
      }
    } finally {
      try (PreparedStatement ps = conn.prepareStatement("SELECT set_config('search_path', ?, false)")) {
        ps.setString(1, saved);
        ps.executeQuery().close();
      }
    }
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
}
