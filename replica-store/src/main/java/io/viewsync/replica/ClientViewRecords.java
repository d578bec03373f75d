package io.viewsync.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Values;
import io.viewsync.core.protocol.GroupRows;
import io.viewsync.core.view.RowRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client view records (DESIGN §8) in {@code DIR/cvr.db}: per client group, the schema it declared, the version
 * of the last poke it was sent (the cookie's version) and the horizon below which it can no longer be caught up,
 * its clients' desired queries, and the rows it holds, each with its version, a 64-bit hash of its value and the
 * number of its queries that hold it (0: a tombstone, the version of its delete). That is what lets a client that
 * reconnects with its cookie, after a restart too, receive only the rows that changed since.
 *
 * <p>The view syncer writes a poke's records in one transaction ({@link Batch}) <em>before</em> it sends the
 * poke, so a cookie a client holds is never ahead of the records. WAL with {@code synchronous=NORMAL}: a power
 * loss may forget the last commits (a client then holds a cookie from the future and gets a reset poke), a crash
 * of the process does not.
 *
 * <p>Not thread-safe: the view-sync thread owns it.
 */
public final class ClientViewRecords implements AutoCloseable {
  public static final String FILE_NAME = "cvr.db";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A group as recorded. */
  public record StoredGroup(String id, String replicaId, String schemaJson, long version, long horizon,
      List<StoredQuery> queries, Map<RowRef, StoredRow> rows) {}

  /** One client's desired query. */
  public record StoredQuery(String clientID, String queryID, String queryJson) {}

  /** A row's record: {@code holders == 0} is a tombstone. */
  public record StoredRow(long version, long hash, int holders) {
    public boolean live() {
      return holders > 0;
    }
  }

  private final Connection conn;

  private ClientViewRecords(Connection conn) {
    this.conn = conn;
  }

  /** Opens (creating if needed) {@code dir/cvr.db}. */
  public static ClientViewRecords open(Path dir) throws SQLException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SQLException("cannot create the directory " + dir + ": " + e.getMessage(), e);
    }
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE_NAME)
        + "?jdbc.get_generated_keys=false"); // else every insert also runs last_insert_rowid()
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("CREATE TABLE IF NOT EXISTS cvr_groups (group_id TEXT PRIMARY KEY, replica_id TEXT NOT NULL,"
          + " schema TEXT NOT NULL, version INTEGER NOT NULL, horizon INTEGER NOT NULL, updated_at INTEGER NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS cvr_queries (group_id TEXT NOT NULL, client_id TEXT NOT NULL,"
          + " query_id TEXT NOT NULL, query TEXT NOT NULL, PRIMARY KEY (group_id, client_id, query_id))");
      s.execute("CREATE TABLE IF NOT EXISTS cvr_rows (group_id TEXT NOT NULL, table_name TEXT NOT NULL,"
          + " row_key TEXT NOT NULL, version INTEGER NOT NULL, hash INTEGER NOT NULL, holders INTEGER NOT NULL,"
          + " PRIMARY KEY (group_id, table_name, row_key)) WITHOUT ROWID");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    c.setAutoCommit(false);
    return new ClientViewRecords(c);
  }

  /** The group's records, if it has any. */
  public Optional<StoredGroup> load(String groupID) throws SQLException {
    try {
      String replicaId;
      String schema;
      long version;
      long horizon;
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT replica_id, schema, version, horizon FROM cvr_groups WHERE group_id = ?")) {
        ps.setString(1, groupID);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          replicaId = rs.getString(1);
          schema = rs.getString(2);
          version = rs.getLong(3);
          horizon = rs.getLong(4);
        }
      }
      List<StoredQuery> queries = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT client_id, query_id, query FROM cvr_queries WHERE group_id = ? ORDER BY client_id, query_id")) {
        ps.setString(1, groupID);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            queries.add(new StoredQuery(rs.getString(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      Map<RowRef, StoredRow> rows = new LinkedHashMap<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT table_name, row_key, version, hash, holders FROM cvr_rows WHERE group_id = ?")) {
        ps.setString(1, groupID);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put(new RowRef(rs.getString(1), decodeKey(rs.getString(2))),
                new StoredRow(rs.getLong(3), rs.getLong(4), rs.getInt(5)));
          }
        }
      }
      return Optional.of(new StoredGroup(groupID, replicaId, schema, version, horizon, queries, rows));
    } finally {
      conn.rollback(); // ends the read
    }
  }

  /** Records (or replaces) a client's desired query. */
  public void putQuery(String groupID, String clientID, String queryID, String queryJson) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT OR REPLACE INTO cvr_queries (group_id, client_id, query_id, query) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, groupID);
      ps.setString(2, clientID);
      ps.setString(3, queryID);
      ps.setString(4, queryJson);
      ps.executeUpdate();
    }
    commit();
  }

  /** Forgets a client's desired query. */
  public void deleteQuery(String groupID, String clientID, String queryID) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "DELETE FROM cvr_queries WHERE group_id = ? AND client_id = ? AND query_id = ?")) {
      ps.setString(1, groupID);
      ps.setString(2, clientID);
      ps.setString(3, queryID);
      ps.executeUpdate();
    }
    commit();
  }

  /** Forgets a group altogether (its records are from another replica, say). */
  public void deleteGroup(String groupID) throws SQLException {
    for (String table : List.of("cvr_rows", "cvr_queries", "cvr_groups")) {
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + table + " WHERE group_id = ?")) {
        ps.setString(1, groupID);
        ps.executeUpdate();
      }
    }
    commit();
  }

  /** How many groups are recorded. */
  public int groups() throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM cvr_groups")) {
      rs.next();
      return rs.getInt(1);
    } finally {
      conn.rollback();
    }
  }

  /** The records of one advance, for every group it poked: written by {@link #commit()} in one transaction. */
  public Batch batch() throws SQLException {
    return new Batch();
  }

  /** See {@link #batch()}. */
  public final class Batch {
    private final PreparedStatement group;
    private final PreparedStatement row;
    private final PreparedStatement dropRow;
    private int writes;

    private Batch() throws SQLException {
      group = conn.prepareStatement("INSERT OR REPLACE INTO cvr_groups (group_id, replica_id, schema, version,"
          + " horizon, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
      row = conn.prepareStatement("INSERT OR REPLACE INTO cvr_rows (group_id, table_name, row_key, version, hash,"
          + " holders) VALUES (?, ?, ?, ?, ?, ?)");
      dropRow = conn.prepareStatement("DELETE FROM cvr_rows WHERE group_id = ? AND table_name = ? AND row_key = ?");
    }

    public Batch group(String groupID, String replicaId, String schemaJson, long version, long horizon)
        throws SQLException {
      group.setString(1, groupID);
      group.setString(2, replicaId);
      group.setString(3, schemaJson);
      group.setLong(4, version);
      group.setLong(5, horizon);
      group.setLong(6, System.currentTimeMillis());
      group.executeUpdate();
      writes++;
      return this;
    }

    public Batch row(String groupID, GroupRows.Record r) throws SQLException {
      row.setString(1, groupID);
      row.setString(2, r.ref().table());
      row.setString(3, encodeKey(r.ref().key()));
      row.setLong(4, r.version());
      row.setLong(5, r.live() ? hash(r.value()) : 0);
      row.setInt(6, r.holders());
      row.executeUpdate();
      writes++;
      return this;
    }

    /** Drops the records of tombstones pruned from memory. */
    public Batch dropRows(String groupID, List<RowRef> refs) throws SQLException {
      for (RowRef ref : refs) {
        dropRow.setString(1, groupID);
        dropRow.setString(2, ref.table());
        dropRow.setString(3, encodeKey(ref.key()));
        dropRow.executeUpdate();
        writes++;
      }
      return this;
    }

    /** How many records this batch wrote. */
    public int writes() {
      return writes;
    }

    public void commit() throws SQLException {
      try {
        ClientViewRecords.this.commit();
      } finally {
        group.close();
        row.close();
        dropRow.close();
      }
    }
  }

  private void commit() throws SQLException {
    try {
      conn.commit();
    } catch (SQLException e) {
      conn.rollback();
      throw e;
    }
  }

  /**
   * A 64-bit hash of a row's value (its columns and storage values): equal rows hash equal; two different rows
   * collide with a chance of about 2^-64. FNV-1a over a typed encoding of each column.
   */
  public static long hash(Row row) {
    long h = 0xcbf29ce484222325L;
    for (String column : row.columns()) {
      h = mix(h, column.getBytes(StandardCharsets.UTF_8));
      Object v = Values.canonical(row.get(column));
      byte[] bytes;
      if (v == null) {
        bytes = new byte[] {0};
      } else if (v instanceof Long l) {
        bytes = ("L" + l).getBytes(StandardCharsets.UTF_8);
      } else if (v instanceof Double d) {
        bytes = ("D" + Double.doubleToLongBits(d == 0.0 ? 0.0 : d)).getBytes(StandardCharsets.UTF_8);
      } else if (v instanceof String s) {
        bytes = ("S" + s).getBytes(StandardCharsets.UTF_8);
      } else {
        byte[] b = (byte[]) v;
        bytes = new byte[b.length + 1];
        bytes[0] = 'B';
        System.arraycopy(b, 0, bytes, 1, b.length);
      }
      h = mix(h, bytes);
    }
    return h;
  }

  private static long mix(long h, byte[] bytes) {
    h ^= bytes.length;
    h *= 0x100000001b3L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** A row key as text, reversible: a JSON array of column, value pairs; reals and blobs tagged. */
  static String encodeKey(Row key) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (String column : key.columns()) {
      a.add(column);
      Object v = key.get(column);
      if (v == null) {
        a.addNull();
      } else if (v instanceof Long l) {
        a.add(l);
      } else if (v instanceof Double d) {
        a.addArray().add("d").add(Double.toString(d));
      } else if (v instanceof String s) {
        a.add(s);
      } else {
        a.addArray().add("b").add(Base64.getEncoder().encodeToString((byte[]) v));
      }
    }
    return a.toString();
  }

  static Row decodeKey(String text) {
    try {
      JsonNode a = JSON.readTree(text);
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<JsonNode> it = a.elements(); it.hasNext(); ) {
        String column = it.next().asText();
        JsonNode v = it.next();
        Object value;
        if (v.isNull()) {
          value = null;
        } else if (v.isIntegralNumber()) {
          value = v.asLong();
        } else if (v.isTextual()) {
          value = v.asText();
        } else if ("d".equals(v.get(0).asText())) {
          value = Double.parseDouble(v.get(1).asText());
        } else {
          value = Base64.getDecoder().decode(v.get(1).asText());
        }
        m.put(column, value);
      }
      return Row.of(m);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("an unreadable row key in the client view records: " + text, e);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      conn.rollback();
    } finally {
      conn.close();
    }
  }
}
