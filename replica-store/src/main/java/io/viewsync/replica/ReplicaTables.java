package io.viewsync.replica;

import io.viewsync.core.schema.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a table is in the replica file, and moving it there with its meta rows ({@code _viewsync_tables},
 * {@code _viewsync_columns}, {@code _viewsync_changes}): the name bookkeeping of {@link SchemaApplier}.
 *
 * <p>A table is found by its upstream oid. When a name is needed that another recorded table still holds (a swap
 * {@code a ↔ b}, or {@code DROP b; RENAME a TO b} applied in the other order), that table is parked as
 * {@code _viewsync_parked_<oid>} until its own change moves or drops it.
 *
 * <p>Replication thread only: the writer connection, inside its open transaction.
 */
final class ReplicaTables {
  private static final Logger log = LoggerFactory.getLogger(ReplicaTables.class);
  static final String PARKED_PREFIX = "_viewsync_parked_";
  private static final String RENAMING = "_viewsync_renaming";

  /** A recorded table: the name it has in the replica now, and its recorded spec, state and reason. */
  record Located(String name, TableSpec spec, TableState state, String reason) {}

  private final Connection conn;

  ReplicaTables(Connection writer) {
    this.conn = writer;
  }

  /** The replica table recorded for {@code spec}'s upstream table (its oid): under its name, parked, or elsewhere. */
  Optional<Located> locate(TableSpec spec) throws SQLException {
    Optional<Located> byName = recorded(spec.name().replicaName());
    if (byName.isPresent() && byName.get().spec().oid() == spec.oid()) {
      return byName;
    }
    try (Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, spec, state, reason FROM _viewsync_tables ORDER BY name")) {
      while (rs.next()) {
        TableSpec recorded = SpecCodec.read(rs.getString(2));
        if (recorded.oid() == spec.oid()) {
          return Optional.of(new Located(rs.getString(1), recorded, TableState.fromWireName(rs.getString(3)),
              rs.getString(4)));
        }
      }
    }
    return Optional.empty();
  }

  /** The table recorded under exactly this replica name. */
  Optional<Located> recorded(String name) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT spec, state, reason FROM _viewsync_tables WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Located(name, SpecCodec.read(rs.getString(1)),
            TableState.fromWireName(rs.getString(2)), rs.getString(3))) : Optional.empty();
      }
    }
  }

  /**
   * Frees {@code name} for the table with {@code oid}: another recorded table that holds it is parked, a table
   * nobody recorded is dropped, and so is a mirrored index of that name (tables and indexes share SQLite's
   * namespace; the index's own table creates it again at its next change, or goes without).
   */
  void makeRoom(String name, int oid) throws SQLException {
    Optional<Located> holder = recorded(name);
    if (holder.isPresent() && holder.get().spec().oid() != oid) {
      String parked = PARKED_PREFIX + holder.get().spec().oid();
      log.info("table {} is parked as {} until its own schema change: another table takes its name", name, parked);
      drop(parked); // left over from a change that never came; nothing refers to it
      move(name, parked);
    } else if (holder.isEmpty() && exists(name)) {
      log.warn("dropping table {} from the replica: no meta row describes it and its name is needed", name);
      exec("DROP TABLE " + ReplicaStore.q(name));
    }
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && !name.startsWith(ReplicaIndexes.KEY_INDEX_PREFIX)) {
          log.info("dropping index {} from the replica: a table takes its name", name);
          exec("DROP INDEX " + ReplicaStore.q(name));
        }
      }
    }
  }

  /** Renames a table and its meta rows, the change log's too. The new name must be free ({@link #makeRoom}). */
  void move(String from, String to) throws SQLException {
    if (exists(from)) {
      String source = from;
      if (from.equalsIgnoreCase(to)) { // a case-only rename: SQLite would find the table itself under the new name
        exec("ALTER TABLE " + ReplicaStore.q(from) + " RENAME TO " + ReplicaStore.q(RENAMING));
        source = RENAMING;
      }
      exec("ALTER TABLE " + ReplicaStore.q(source) + " RENAME TO " + ReplicaStore.q(to));
    }
    for (String sql : List.of("UPDATE _viewsync_tables SET name = ? WHERE name = ?",
        "UPDATE _viewsync_columns SET table_name = ? WHERE table_name = ?",
        "UPDATE OR REPLACE _viewsync_changes SET table_name = ? WHERE table_name = ?")) {
      try (PreparedStatement ps = conn.prepareStatement(sql)) {
        ps.setString(1, to);
        ps.setString(2, from);
        ps.executeUpdate();
      }
    }
  }

  /** Drops the table of this replica name, if any, and every meta row of it. */
  void drop(String name) throws SQLException {
    exec("DROP TABLE IF EXISTS " + ReplicaStore.q(name));
    for (String meta : List.of("_viewsync_tables WHERE name = ?", "_viewsync_columns WHERE table_name = ?",
        "_viewsync_changes WHERE table_name = ?")) {
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + meta)) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
    }
  }

  /** Whether SQLite has a table of exactly this name. */
  boolean exists(String name) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }
}
