package io.viewsync.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.Lsn;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.StorageClass;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Two alternating read snapshots of the replica (DESIGN §3): a view that stands at version A advances to the
 * replica's latest version B by the change-log entries in (A, B], each row seen as it was at A (from the old
 * snapshot) and as it is at B (from the new one), so a consumer never observes half of an upstream transaction
 * and never needs to keep old rows itself. Each snapshot is a read-only connection holding an open read
 * transaction (SQLite WAL keeps what it sees fixed while the writer goes on).
 *
 * <p>Cost is proportional to the changes: the change log is read through its version index and each changed row
 * is looked up by its key. A table truncated or replaced (a resync, a key change) in (A, B], or whose spec
 * changed, yields one {@link TableReset} instead of row changes: its consumers re-read it from the new snapshot.
 *
 * <p>Not thread-safe: one view-sync thread owns a Snapshotter.
 */
public final class Snapshotter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What changed between two snapshots, in change-log order within each kind. */
  public sealed interface Entry {}

  /** A row as of the old snapshot ({@code before}) and the new one ({@code after}); either may be null. */
  public record RowChange(String table, Map<String, Object> before, Map<String, Object> after) implements Entry {}

  /** Re-read the table ({@code spec} null: it no longer exists in the replica). */
  public record TableReset(String table, TableSpec spec) implements Entry {}

  /** One open read snapshot: its version (the replica's watermark when it was taken) and its tables. */
  public static final class Snapshot implements AutoCloseable {
    private final Connection conn;
    private final Lsn version;
    private final Map<String, TableSpec> tables;
    private final long schemaVersion;
    private final String replicaId;
    private final Map<String, PreparedStatement> lookups = new HashMap<>();

    private Snapshot(Connection conn, String replicaId, Lsn version, long schemaVersion,
        Map<String, TableSpec> tables) {
      this.conn = conn;
      this.replicaId = replicaId;
      this.version = version;
      this.schemaVersion = schemaVersion;
      this.tables = tables;
    }

    public Lsn version() {
      return version;
    }

    /** The replica file's id ({@link ReplicaStore#STATE_REPLICA_ID}): a rebuilt replica has a new one. */
    public String replicaId() {
      return replicaId;
    }

    /** The replica's schema version as of this snapshot (docs/replica.md), 0 before the first. */
    public long schemaVersion() {
      return schemaVersion;
    }

    /** The readable tables (syncing, resyncing or quarantined) as of this snapshot, by replica name. */
    public Map<String, TableSpec> tables() {
      return tables;
    }

    /** The read connection; its open transaction sees exactly this snapshot. */
    public Connection connection() {
      return conn;
    }

    /** The row with this key as of this snapshot, or null. */
    Map<String, Object> row(TableSpec spec, List<Object> key) throws SQLException {
      String name = spec.name().replicaName();
      PreparedStatement ps = lookups.get(name);
      if (ps == null) {
        ps = conn.prepareStatement("SELECT * FROM " + ReplicaStore.q(name) + " WHERE "
            + spec.keyColumns().stream().map(c -> ReplicaStore.q(c) + " = ?").collect(Collectors.joining(" AND ")));
        lookups.put(name, ps);
      }
      for (int i = 0; i < key.size(); i++) {
        ValueBinder.bind(ps, i + 1, key.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.put(rs.getMetaData().getColumnName(i), v instanceof Integer n ? Long.valueOf(n) : v);
        }
        return row;
      }
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement ps : lookups.values()) {
        ps.close();
      }
      conn.rollback();
      conn.close();
    }
  }

  private final ReplicaStore store;
  private Snapshot current;

  public Snapshotter(ReplicaStore store) {
    this.store = store;
  }

  /** The current snapshot, taken at the replica's latest version on first use. */
  public Snapshot current() throws SQLException {
    if (current == null) {
      current = take();
    }
    return current;
  }

  /**
   * Takes a new snapshot at the replica's latest version and returns what changed since the current one; the
   * new snapshot becomes current and the old one is closed. Empty when the version did not move; the current
   * snapshot is then kept, unless {@code refresh}: a snapshot sees only the schema objects (such as query indexes)
   * that existed when it was taken.
   */
  public List<Entry> advance(boolean refresh) throws SQLException {
    Snapshot prev = current();
    Snapshot next = take();
    if (next.version().equals(prev.version())) {
      if (refresh) {
        current = next;
        prev.close();
      } else {
        next.close();
      }
      return List.of();
    }
    try {
      List<Entry> out = diff(prev, next);
      current = next;
      prev.close();
      return out;
    } catch (SQLException | RuntimeException e) {
      next.close();
      throw e;
    }
  }

  /** {@link #advance(boolean) advance(false)}. */
  public List<Entry> advance() throws SQLException {
    return advance(false);
  }

  private static List<Entry> diff(Snapshot prev, Snapshot next) throws SQLException {
    Set<String> reset = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>(prev.tables().keySet());
    names.addAll(next.tables().keySet());
    for (String t : names) {
      if (!Objects.equals(prev.tables().get(t), next.tables().get(t))) {
        reset.add(t); // created, dropped, renamed, or its shape or state changed
      }
    }
    List<String[]> logged = new ArrayList<>();
    try (PreparedStatement ps = next.connection().prepareStatement("SELECT table_name, row_key, op FROM"
        + " _viewsync_changes WHERE version > ? AND version <= ? ORDER BY version")) {
      ps.setLong(1, prev.version().value());
      ps.setLong(2, next.version().value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String op = rs.getString(3);
          if (ReplicaWriter.OP_RESET.equals(op) || "truncate".equals(op)) {
            reset.add(rs.getString(1));
          } else {
            logged.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    for (String t : reset) {
      out.add(new TableReset(t, next.tables().get(t)));
    }
    for (String[] l : logged) {
      TableSpec spec = next.tables().get(l[0]);
      if (reset.contains(l[0]) || spec == null) {
        continue;
      }
      List<Object> key = key(spec, l[1]);
      Map<String, Object> before = prev.row(spec, key);
      Map<String, Object> after = next.row(spec, key);
      if (before != null || after != null) {
        out.add(new RowChange(l[0], before, after));
      }
    }
    return out;
  }

  /** The change log's JSON key ({@link TableWriter#keyJson}) back as storage values, typed by the key columns. */
  static List<Object> key(TableSpec spec, String json) {
    try {
      JsonNode a = JSON.readTree(json);
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < spec.keyColumns().size(); i++) {
        JsonNode v = a.get(i);
        ColumnSpec c = spec.column(spec.keyColumns().get(i)).orElseThrow();
        StorageClass sc = c.type().storageClass();
        if (v == null || v.isNull()) {
          out.add(null);
        } else if (sc == StorageClass.BLOB) {
          out.add(Base64.getDecoder().decode(v.asText()));
        } else if (v.isIntegralNumber()) {
          out.add(v.asLong());
        } else if (v.isNumber()) {
          out.add(v.asDouble());
        } else {
          out.add(v.asText());
        }
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("an unreadable change-log key for " + spec.name() + ": " + json, e);
    }
  }

  private Snapshot take() throws SQLException {
    Connection c = store.openReader();
    try {
      c.setAutoCommit(false);
      Lsn version;
      long schemaVersion;
      String replicaId;
      Map<String, TableSpec> tables = new LinkedHashMap<>();
      try (Statement s = c.createStatement()) {
        // The first read opens the read transaction: everything below sees one state of the file.
        try (ResultSet rs = s.executeQuery("SELECT value FROM _viewsync_state WHERE key = '"
            + ReplicaWriter.STATE_WATERMARK + "'")) {
          version = rs.next() ? Lsn.parse(rs.getString(1)) : Lsn.ZERO;
        }
        try (ResultSet rs = s.executeQuery("SELECT value FROM _viewsync_state WHERE key = '"
            + SchemaVersions.STATE_VERSION + "'")) {
          schemaVersion = rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        }
        try (ResultSet rs = s.executeQuery("SELECT value FROM _viewsync_state WHERE key = '"
            + ReplicaStore.STATE_REPLICA_ID + "'")) {
          replicaId = rs.next() ? rs.getString(1) : "";
        }
        // Resyncing and quarantined tables stay readable (stale) until their copy is swapped in: a reset then.
        try (ResultSet rs = s.executeQuery("SELECT name, spec FROM _viewsync_tables WHERE state IN ('"
            + TableState.SYNCING.wireName() + "', '" + TableState.RESYNCING.wireName() + "', '"
            + TableState.QUARANTINED.wireName() + "') ORDER BY name")) {
          while (rs.next()) {
            tables.put(rs.getString(1), SpecCodec.read(rs.getString(2)));
          }
        }
      }
      return new Snapshot(c, replicaId, version, schemaVersion, Map.copyOf(tables));
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public void close() throws SQLException {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
