package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.DdlCapture;
import io.viewsync.core.source.pg.PgCatalog;
import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.core.source.pg.PgErrorClassifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's ordinary (non-replication) upstream connection: startup checks, the advisory lock that
 * makes sure only one viewsync uses the slot, the publication, heartbeats and the current WAL position.
 *
 * <p>Used by one thread at a time (the replicator serializes its calls); reconnects on demand.
 */
final class UpstreamSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpstreamSession.class);

  private final ReplicatorConfig config;
  private Connection conn;
  private PgCatalog catalog;
  private Connection catalogConn;

  UpstreamSession(ReplicatorConfig config) {
    this.config = config;
  }

  /**
   * Connects, checks the server is fit for logical replication, and takes the slot's advisory lock. At
   * startup an unreachable server is a {@link StartupException}; later (a reconnect) it is an ordinary
   * {@link SQLException} to retry, since a restarting Postgres refuses connections for a while.
   */
  void connectAndCheck(boolean startup) throws StartupException, SQLException {
    closeQuietly();
    try {
      conn = config.connector().open();
    } catch (SQLException e) {
      boolean unreachable = e.getSQLState() == null || e.getSQLState().startsWith("08");
      if (PgErrorClassifier.classify(e) == PgErrorClassifier.Verdict.FATAL || (startup && unreachable)) {
        throw new StartupException(PgErrorClassifier.explain(e), e);
      }
      throw e;
    }
    String walLevel = one("SHOW wal_level");
    if (!"logical".equals(walLevel)) {
      throw new StartupException("the upstream has wal_level=" + walLevel + "; viewsync needs wal_level=logical"
          + " (ALTER SYSTEM SET wal_level = logical; then restart Postgres)");
    }
    if (!"t".equals(one("SELECT (rolreplication OR rolsuper)::text::char FROM pg_roles WHERE rolname = current_user"))) {
      throw new StartupException("the upstream user " + one("SELECT current_user")
          + " lacks the REPLICATION privilege (ALTER ROLE " + one("SELECT quote_ident(current_user)")
          + " REPLICATION;)");
    }
    // At startup a held lock or an active slot means another process: stop and say so. On a reconnect they are
    // most likely our own previous backends, which linger until the server notices the dead connection
    // (wal_sender_timeout, TCP keepalives): retry (SQLSTATE 55006, object in use).
    if (!"t".equals(one("SELECT pg_try_advisory_lock(hashtextextended('viewsync.slot:' || '"
        + config.slot() + "', 0))::text::char"))) {
      String msg = "another viewsync process is using replication slot " + config.slot()
          + " (it holds the slot's advisory lock); stop it or give this one another --slot";
      inUse(msg, startup);
    }
    Optional<SlotInfo> slot = slot();
    // On a reconnect of this session alone, the active walsender is our own stream: only startup checks it.
    if (startup && slot.isPresent() && slot.get().activePid() != null) {
      String msg = "replication slot " + config.slot() + " is in use by another process (pid "
          + slot.get().activePid() + "); stop it or give viewsync another --slot";
      inUse(msg, startup);
    }
    if (slot.isEmpty()) {
      long used = Long.parseLong(one("SELECT count(*)::text FROM pg_replication_slots"));
      long max = Long.parseLong(one("SELECT current_setting('max_replication_slots')"));
      if (used >= max) {
        throw new StartupException("the upstream has no free replication slot (max_replication_slots=" + max
            + ", all used); drop an unused slot (SELECT pg_drop_replication_slot(name)) or raise"
            + " max_replication_slots and restart Postgres");
      }
    }
  }

  /** Reconnects after a lost connection and takes the advisory lock again. */
  void reconnect() throws StartupException, SQLException {
    connectAndCheck(false);
  }

  record SlotInfo(String plugin, String database, Integer activePid, String walStatus, Lsn confirmedFlush) {}

  Optional<SlotInfo> slot() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT plugin, database, active_pid, wal_status,"
        + " confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slot());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        int pid = rs.getInt(3);
        Integer active = rs.wasNull() ? null : pid;
        String flush = rs.getString(5);
        return Optional.of(new SlotInfo(rs.getString(1), rs.getString(2), active, rs.getString(4),
            flush == null ? null : Lsn.parse(flush)));
      }
    }
  }

  private static void inUse(String msg, boolean startup) throws StartupException, SQLException {
    if (startup) {
      throw new StartupException(msg);
    }
    throw new SQLException(msg, "55006");
  }

  boolean connected() {
    return conn != null;
  }

  void dropSlot() throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.slot());
      ps.executeQuery().close();
    }
  }

  /**
   * Creates the publication if it does not exist: for the configured tables, or else for every table that can
   * be synced. Tables without a usable key are left out on purpose: publishing updates of a table without a
   * replica identity makes Postgres reject UPDATE and DELETE on it, and viewsync must never break upstream
   * writes.
   */
  void ensurePublication() throws SQLException, StartupException {
    String exists = one("SELECT count(*)::text FROM pg_publication WHERE pubname = '"
        + config.publication().replace("'", "''") + "'");
    if (!"0".equals(exists)) {
      return;
    }
    PgCatalog catalog = new PgCatalog(conn);
    List<TableName> candidates = new ArrayList<>();
    if (config.tables().isEmpty()) {
      candidates.addAll(userTables(""));
    } else {
      config.tables().forEach(t -> candidates.add(TableName.parse(t)));
    }
    List<TableName> publish = new ArrayList<>();
    for (TableName t : candidates) {
      TableSpec spec = catalog.tableSpec(t);
      if (spec.syncable()) {
        publish.add(t);
      } else {
        log.warn("table {} is not published: {}", t, spec.unsyncableReason());
      }
    }
    String sql = "CREATE PUBLICATION " + TableName.quoteIdent(config.publication())
        + (publish.isEmpty() ? "" : " FOR TABLE " + publish.stream().map(TableName::pgQuoted)
            .collect(Collectors.joining(", ")));
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw new StartupException("cannot create publication " + config.publication() + " (" + e.getMessage()
            + "); create it as a table owner or superuser: " + sql, e);
      }
      throw e;
    }
    try (Statement s = conn.createStatement()) {
      s.execute("COMMENT ON PUBLICATION " + TableName.quoteIdent(config.publication()) + " IS '" + MANAGED_COMMENT + "'");
    }
    log.info("created publication {} for {} tables", config.publication(), publish.size());
  }

  /**
   * The tables a publication "for every syncable table" may hold (ordinary and partitioned tables, no partitions,
   * no system or viewsync schemas) that also meet {@code andCondition} (SQL over {@code c}, pg_class), by name.
   */
  private List<TableName> userTables(String andCondition) throws SQLException {
    List<TableName> out = new ArrayList<>();
    try (Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
             + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
             + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_viewsync') AND n.nspname NOT LIKE 'pg\\_%'"
             + andCondition + " ORDER BY 1, 2")) {
      while (rs.next()) {
        out.add(new TableName(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }

  /** Marks a publication viewsync created for every table with a usable key; it keeps it that way. */
  static final String MANAGED_COMMENT = "managed by viewsync: every table with a usable row key";

  /** Whether viewsync manages the publication's membership (it created it for all syncable tables). */
  boolean managedPublication() throws SQLException {
    return config.tables().isEmpty() && MANAGED_COMMENT.equals(one("SELECT obj_description(oid, 'pg_publication')"
        + " FROM pg_publication WHERE pubname = '" + config.publication().replace("'", "''") + "'"));
  }

  /** Installs (or finds) the DDL event triggers, or says why schema changes are followed without them. */
  DdlCapture.Setup setUpDdlCapture() throws SQLException {
    return DdlCapture.setUp(conn, config.publication(), managedPublication());
  }

  /** The live catalog on this session's connection (recreated after a reconnect). */
  PgCatalog catalog() throws SQLException {
    if (conn == null) {
      throw new SQLException("the upstream session is not connected", "08003");
    }
    if (catalog == null || catalogConn != conn) {
      catalog = new PgCatalog(conn);
      catalogConn = conn;
    }
    return catalog;
  }

  /**
   * Keeps a viewsync-managed publication complete without event triggers: adds the tables that gained a
   * usable key and drops those that lost it (publishing them would make Postgres reject their UPDATEs).
   */
  void maintainPublication() throws SQLException {
    if (!managedPublication()) {
      return;
    }
    List<TableName> add = userTables(" AND c.oid NOT IN (SELECT prrelid FROM pg_publication_rel pr"
        + " JOIN pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = '" + config.publication().replace("'", "''")
        + "')");
    PgCatalog cat = catalog();
    for (TableName t : add) {
      if (cat.tableSpec(t).syncable()) {
        alterPublication("ADD", t);
      }
    }
    List<TableName> drop = new ArrayList<>();
    try (Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_publication_rel pr"
             + " JOIN pg_publication p ON p.oid = pr.prpubid JOIN pg_class c ON c.oid = pr.prrelid"
             + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.pubname = '"
             + config.publication().replace("'", "''") + "' AND (c.relreplident = 'n'"
             + " OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))"
             + " OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))")) {
      while (rs.next()) {
        drop.add(new TableName(rs.getString(1), rs.getString(2)));
      }
    }
    for (TableName t : drop) {
      alterPublication("DROP", t);
    }
  }

  private void alterPublication(String op, TableName t) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("ALTER PUBLICATION " + TableName.quoteIdent(config.publication()) + " " + op + " TABLE " + t.pgQuoted());
      log.info("publication {}: {} table {}", config.publication(), op.equals("ADD") ? "added" : "dropped", t);
    } catch (SQLException e) {
      log.warn("cannot {} table {} in publication {}: {}", op, t, config.publication(), e.getMessage());
    }
  }

  /** A heartbeat in the WAL, so the slot can advance while published tables are idle. */
  void heartbeat() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("SELECT pg_logical_emit_message(false, '" + ReplicaWriter.HEARTBEAT_PREFIX + "', now()::text)");
    }
  }

  Lsn currentWalLsn() throws SQLException {
    return Lsn.parse(one("SELECT pg_current_wal_lsn()::text"));
  }

  /**
   * The slot's health as Postgres sees it: {@code wal_status} ({@code reserved}, {@code extended},
   * {@code unreserved} or {@code lost}; null before Postgres 13 or when the slot is gone), the WAL it holds back
   * from removal in bytes (-1 when unknown), and the walsender's {@code flush_lag} in seconds: how long ago the
   * upstream wrote the newest WAL the replica has confirmed durable (0 when caught up, -1 when no walsender
   * serves the slot).
   */
  record SlotHealth(String walStatus, long retainedBytes, double lagSeconds) {
    static final SlotHealth UNKNOWN = new SlotHealth(null, -1, -1);
  }

  SlotHealth slotHealth(String slot) throws SQLException {
    boolean hasWalStatus = conn.getMetaData().getDatabaseMajorVersion() >= 13;
    // flush_lag is NULL once the walsender has been idle and caught up: no lag. Postgres computes it from the
    // replicator's own status updates, which confirm only durable positions.
    try (PreparedStatement ps = conn.prepareStatement("SELECT " + (hasWalStatus ? "s.wal_status" : "NULL::text")
        + ", pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::int8, s.active_pid IS NOT NULL,"
        + " (SELECT extract(epoch FROM r.flush_lag)::float8 FROM pg_stat_replication r WHERE r.pid = s.active_pid)"
        + " FROM pg_replication_slots s WHERE s.slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return SlotHealth.UNKNOWN;
        }
        long retained = rs.getLong(2);
        if (rs.wasNull()) {
          retained = -1;
        }
        boolean active = rs.getBoolean(3);
        double lag = rs.getDouble(4);
        if (rs.wasNull()) {
          lag = active ? 0 : -1;
        }
        return new SlotHealth(rs.getString(1), retained, lag);
      }
    }
  }

  private String one(String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private void closeQuietly() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        log.debug("closing the upstream session", e);
      }
      conn = null;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
