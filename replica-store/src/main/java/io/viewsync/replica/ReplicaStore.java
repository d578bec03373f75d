package io.viewsync.replica;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The replica file {@code DIR/replica.db}: its meta tables (prefix {@code _viewsync_}), its mirrored tables,
 * and the one writer connection. Replica tables are named as {@link TableName#replicaName()} says, columns as
 * upstream, values stored per DESIGN §5.
 *
 * <p>Owned by the replication thread (the single writer); {@link #openReader()} gives other threads their
 * own read-only connections (WAL mode lets them read while the writer writes).
 */
public final class ReplicaStore implements AutoCloseable {
  public static final String FILE_NAME = "replica.db";
  /**
   * The {@code _viewsync_state} key of the replica's id, a random UUID each initial copy writes: a client's cookie
   * from another (a replica rebuilt from scratch) gets a reset poke.
   */
  public static final String STATE_REPLICA_ID = "replica_id";
  /** The replica's schema version (see {@code SchemaVersions}). */
  public static final String STATE_SCHEMA_VERSION = SchemaVersions.STATE_VERSION;

  private final Path file;
  private final Connection writer;
  /**
   * Held by whoever writes: the replication thread while its batch transaction is open, a resync copy for each
   * chunk it commits on its side connection. Fair, so neither starves the other; SQLite itself would let the
   * faster one win every race for its write lock.
   */
  private final java.util.concurrent.locks.ReentrantLock writeGate = new java.util.concurrent.locks.ReentrantLock(true);

  private ReplicaStore(Path file, Connection writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Opens (creating if needed) the replica in {@code dir}. */
  public static ReplicaStore open(Path dir) throws SQLException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SQLException("cannot create the replica directory " + dir + ": " + e.getMessage(), e);
    }
    Path file = dir.resolve(FILE_NAME);
    // get_generated_keys=false: by default sqlite-jdbc prepares and runs "SELECT last_insert_rowid()" after
    // every INSERT, which cost more than the inserts themselves (the copy benchmark's profile showed it).
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file + "?jdbc.get_generated_keys=false");
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // FULL: a commit is on disk before we confirm its LSN upstream (promise 1), even on power loss.
      s.execute("PRAGMA synchronous=FULL");
      // Checkpoints run on the session thread (checkpoint()), not inside the writer's commits.
      s.execute("PRAGMA wal_autocheckpoint=0");
      // After a big transaction the WAL file is truncated back to this size at the next checkpoint.
      s.execute("PRAGMA journal_size_limit=67108864");
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA cache_size=-65536");
      s.execute("PRAGMA temp_store=FILE");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_tables (name TEXT PRIMARY KEY, upstream_schema TEXT NOT NULL,"
          + " upstream_name TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, key_columns TEXT, key_source TEXT,"
          + " spec TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_columns (table_name TEXT NOT NULL, position INTEGER NOT NULL,"
          + " column_name TEXT NOT NULL, pg_type TEXT NOT NULL, pg_type_oid INTEGER NOT NULL, declared_type TEXT NOT NULL,"
          + " storage TEXT NOT NULL, not_null INTEGER NOT NULL, is_key INTEGER NOT NULL,"
          + " PRIMARY KEY (table_name, position))");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_changes (version INTEGER NOT NULL, table_name TEXT NOT NULL,"
          + " row_key TEXT NOT NULL, op TEXT NOT NULL, PRIMARY KEY (table_name, row_key)) WITHOUT ROWID");
      s.execute("CREATE INDEX IF NOT EXISTS _viewsync_changes_version ON _viewsync_changes (version)");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_schema_history (version INTEGER PRIMARY KEY,"
          + " fingerprint TEXT NOT NULL, lsn TEXT, ddl TEXT, applied_at TEXT NOT NULL)");
      // Indexes made on demand for queries (QueryIndexes), so an operator can tell them from mirrored ones.
      s.execute("CREATE TABLE IF NOT EXISTS " + QueryIndexes.TABLE + " (name TEXT PRIMARY KEY, table_name TEXT NOT NULL,"
          + " columns TEXT NOT NULL, created_at TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS _viewsync_resync_buffer (seq INTEGER PRIMARY KEY, table_oid INTEGER NOT NULL,"
          + " version INTEGER NOT NULL, op TEXT NOT NULL, relation INTEGER NOT NULL, old_row BLOB, new_row BLOB)");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    c.setAutoCommit(false);
    return new ReplicaStore(file, c);
  }

  public Path file() {
    return file;
  }

  /** The writer connection (autocommit off). Replication thread only. */
  Connection writer() {
    return writer;
  }

  /** See the field: the replica's single-writer gate. */
  java.util.concurrent.locks.ReentrantLock writeGate() {
    return writeGate;
  }

  /**
   * A second writing connection (autocommit off, synchronous=NORMAL: what it writes is rebuilt after a crash
   * anyway) for a resync copy on another thread. Every transaction on it runs under {@link #writeGate()}.
   */
  Connection openSideWriter() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file + "?jdbc.get_generated_keys=false");
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA cache_size=-32768");
      // As on the writer: checkpoints belong to the session thread, never inside a commit the stream waits for.
      s.execute("PRAGMA wal_autocheckpoint=0");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    c.setAutoCommit(false);
    return c;
  }

  /** A new read-only connection for another thread; the caller closes it. */
  public Connection openReader() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file + "?open_mode=1");
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  /**
   * Copies the WAL back into the database file (PASSIVE: never waits for the writer or readers), on a
   * connection of its own; any thread. The writer leaves this to a background thread so that its commits
   * never pay for it.
   */
  public void checkpoint() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    }
  }

  public Optional<String> state(String key) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("SELECT value FROM _viewsync_state WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Writes a state value in the writer's open transaction. */
  public void putState(String key, String value) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement(
        "INSERT INTO _viewsync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  public void commit() throws SQLException {
    writer.commit();
  }

  public void rollback() throws SQLException {
    writer.rollback();
  }

  /** Creates the mirror table (without its key index, see {@link #createKeyIndex}) and records its spec. */
  public void createTable(TableSpec spec, TableState state) throws SQLException {
    String name = spec.name().replicaName();
    try (Statement s = writer.createStatement()) {
      if (spec.syncable()) {
        s.execute("DROP TABLE IF EXISTS " + q(name));
        s.execute(createTableSql(name, spec));
      }
    }
    recordSpec(spec, state, spec.unsyncableReason());
  }

  /**
   * The CREATE TABLE statement of a mirror table named {@code table}, laid out for {@code spec}: every column with
   * its storage class, the {@link #rowidKey} as INTEGER PRIMARY KEY, no other constraint.
   */
  static String createTableSql(String table, TableSpec spec) {
    String rowidKey = rowidKey(spec);
    String cols = spec.columns().stream()
        .map(c -> q(c.name()) + " " + c.type().storageClass().name()
            + (c.name().equals(rowidKey) ? " PRIMARY KEY" : ""))
        .collect(Collectors.joining(", "));
    return "CREATE TABLE " + q(table) + " (" + cols + ")";
  }

  /**
   * The unique index over the row key (none when the key is the rowid); built after the initial copy, it is what
   * upserts and deletes use. See {@link ReplicaIndexes#ensureKeyIndex}.
   */
  public void createKeyIndex(TableSpec spec) throws SQLException {
    ReplicaIndexes.ensureKeyIndex(writer, spec.name().replicaName(), spec);
  }

  /** The key index and the mirrored upstream indexes ({@link ReplicaIndexes}), once the table's rows are in. */
  void createIndexes(TableSpec spec) throws SQLException {
    createKeyIndex(spec);
    ReplicaIndexes.syncMirrored(writer, spec);
  }

  public void recordSpec(TableSpec spec, TableState state, String reason) throws SQLException {
    String name = spec.name().replicaName();
    try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO _viewsync_tables"
        + " (name, upstream_schema, upstream_name, state, reason, key_columns, key_source, spec) VALUES (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, name);
      ps.setString(2, spec.name().schema());
      ps.setString(3, spec.name().name());
      ps.setString(4, state.wireName());
      ps.setString(5, reason);
      ps.setString(6, String.join(",", spec.keyColumns()));
      ps.setString(7, spec.keySource());
      ps.setString(8, SpecCodec.write(spec));
      ps.executeUpdate();
    }
    try (PreparedStatement del = writer.prepareStatement("DELETE FROM _viewsync_columns WHERE table_name = ?")) {
      del.setString(1, name);
      del.executeUpdate();
    }
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO _viewsync_columns (table_name, position,"
        + " column_name, pg_type, pg_type_oid, declared_type, storage, not_null, is_key) VALUES (?,?,?,?,?,?,?,?,?)")) {
      int pos = 0;
      for (ColumnSpec c : spec.columns()) {
        ps.setString(1, name);
        ps.setInt(2, ++pos);
        ps.setString(3, c.name());
        ps.setString(4, c.type().name());
        ps.setInt(5, c.type().oid());
        ps.setString(6, c.declaredType());
        ps.setString(7, c.type().storageClass().name());
        ps.setInt(8, c.notNull() ? 1 : 0);
        ps.setInt(9, spec.keyColumns().contains(c.name()) ? 1 : 0);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public void setTableState(TableName table, TableState state, String reason) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("UPDATE _viewsync_tables SET state = ?, reason = ? WHERE name = ?")) {
      ps.setString(1, state.wireName());
      ps.setString(2, reason);
      ps.setString(3, table.replicaName());
      ps.executeUpdate();
    }
  }

  /**
   * The key column that becomes the table's rowid ({@code INTEGER PRIMARY KEY}): a single-column integer key
   * (int2/4/8, the common {@code id} primary key). The table is then stored in key order with no separate key
   * index to build or maintain. Null for any other key.
   */
  static String rowidKey(TableSpec spec) {
    if (spec.keyColumns().size() != 1) {
      return null;
    }
    ColumnSpec c = spec.column(spec.keyColumns().get(0)).orElseThrow();
    return switch (c.type().name()) {
      case "int2", "int4", "int8" -> c.name();
      default -> null;
    };
  }

  /** Every recorded table with its spec and state, in name order. */
  public Map<TableName, RecordedTable> tables() throws SQLException {
    Map<TableName, RecordedTable> out = new LinkedHashMap<>();
    try (Statement s = writer.createStatement();
         ResultSet rs = s.executeQuery("SELECT spec, state, reason FROM _viewsync_tables ORDER BY name")) {
      while (rs.next()) {
        TableSpec spec = SpecCodec.read(rs.getString(1));
        out.put(spec.name(), new RecordedTable(spec, TableState.fromWireName(rs.getString(2)), rs.getString(3)));
      }
    }
    return out;
  }

  /** A table as the replica records it. */
  public record RecordedTable(TableSpec spec, TableState state, String reason) {}

  /** Row counts of the mirrored tables, read on the given (reader) connection. */
  public static Map<String, Long> rowCounts(Connection reader, List<String> replicaNames) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement s = reader.createStatement()) {
      for (String n : replicaNames) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + q(n))) {
          out.put(n, rs.next() ? rs.getLong(1) : 0L);
        } catch (SQLException e) {
          out.put(n, -1L);
        }
      }
    }
    return out;
  }

  /**
   * What a replica file in {@code dir} records, read without a writer: its replica id, slot, schema version and
   * fingerprint, and whether its initial copy completed. Empty when there is no readable replica there.
   */
  public static Optional<Recorded> recorded(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT key, value FROM _viewsync_state")) {
      Map<String, String> state = new java.util.HashMap<>();
      while (rs.next()) {
        state.put(rs.getString(1), rs.getString(2));
      }
      return Optional.of(new Recorded(state.get(STATE_REPLICA_ID), state.get(ReplicaBootstrap.STATE_SLOT),
          Long.parseLong(state.getOrDefault(SchemaVersions.STATE_VERSION, "0")),
          state.get(SchemaVersions.STATE_FINGERPRINT), "true".equals(state.get(ReplicaBootstrap.STATE_COPY_COMPLETE)),
          state.get(ReplicaBootstrap.STATE_SYSTEM_ID) == null ? null
              : Replicator.systemId(state.get(ReplicaBootstrap.STATE_SYSTEM_ID))));
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** See {@link #recorded}. */
  public record Recorded(String replicaId, String slot, long schemaVersion, String schemaFingerprint,
      boolean copyComplete, String upstreamSystemId) {}

  /** Moves the replica files of {@code from} into {@code to} (same file system), replacing what is there. */
  public static void moveFiles(Path from, Path to) throws IOException {
    // Both replicas are closed (checkpointed). The old one's side files go first, then the main file is replaced
    // in one rename, so a crash leaves either the old replica or the new one, never a file beside a stale WAL.
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      Files.deleteIfExists(to.resolve(FILE_NAME + suffix));
    }
    Files.move(from.resolve(FILE_NAME), to.resolve(FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      Path f = from.resolve(FILE_NAME + suffix);
      if (Files.exists(f)) {
        Files.move(f, to.resolve(FILE_NAME + suffix), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /** Deletes the replica files (the database and its WAL and shared-memory files). Call after close(). */
  public static void deleteFiles(Path dir) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Files.deleteIfExists(dir.resolve(FILE_NAME + suffix));
    }
  }

  static String q(String ident) {
    return TableName.quoteIdent(ident);
  }

  @Override
  public void close() throws SQLException {
    try {
      if (!writer.getAutoCommit()) {
        writer.rollback();
      }
    } finally {
      writer.close();
    }
  }
}
