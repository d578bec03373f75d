package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.PgCatalog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty replica from scratch: creates the slot with an exported snapshot, reads the published tables'
 * specs in that snapshot, copies them ({@link InitialCopy}) and records the position streaming starts from. The
 * slot must not exist (the caller dropped it) and the replica must be empty.
 *
 * <p>Runs on the replication thread; not reusable.
 */
final class ReplicaBootstrap {
  private static final Logger log = LoggerFactory.getLogger(ReplicaBootstrap.class);
  static final String STATE_COPY_COMPLETE = "copy_complete";
  static final String STATE_SYSTEM_ID = "upstream_system_identifier";
  static final String STATE_SLOT = "slot";

  private final ReplicatorConfig config;
  private final ReplicaStore store;
  private final CopyProgress progress;
  private final java.util.function.Consumer<StatusTables> tablesRecorded;

  /** @param tablesRecorded told the tables and their states once they are in the replica, before the rows */
  ReplicaBootstrap(ReplicatorConfig config, ReplicaStore store, CopyProgress progress,
      java.util.function.Consumer<StatusTables> tablesRecorded) {
    this.config = config;
    this.store = store;
    this.progress = progress;
    this.tablesRecorded = tablesRecorded;
  }

  void run() throws Exception {
    try (Connection repl = config.connector().openReplication()) {
      String systemId = identifySystem(repl);
      ReplicationSlotInfo slot = repl.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
          .logical().withSlotName(config.slot()).withOutputPlugin("pgoutput").make();
      Lsn consistent = Lsn.of(slot.getConsistentPoint().asLong());
      log.info("created slot {} at {} with snapshot {}", config.slot(), consistent, slot.getSnapshotName());
      List<TableSpec> specs = new ArrayList<>();
      try (Connection c = InitialCopy.openInSnapshot(config.connector(), slot.getSnapshotName())) {
        PgCatalog catalog = new PgCatalog(c);
        Map<TableName, String> filtered = catalog.publicationFilters(config.publication());
        for (TableName t : catalog.publishedTables(config.publication())) {
          TableSpec spec = catalog.tableSpec(t);
          String why = filtered.get(t);
          specs.add(why == null ? spec : new TableSpec(t, spec.oid(), spec.columns(), List.of(), null, why));
        }
      }
      Connection w = store.writer();
      // A fresh file that is thrown away if the copy does not finish: no journal, no fsync; helper threads
      // for the key index sorts.
      pragmas(w, "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA threads=2");
      for (TableSpec s : specs) {
        store.createTable(s, s.syncable() ? TableState.COPYING : TableState.UNSYNCABLE);
        if (!s.syncable()) {
          log.warn("table {} is not synced: {}", s.name(), s.unsyncableReason());
        }
      }
      tablesRecorded.accept(StatusTables.of(store));
      InitialCopy copy = new InitialCopy(config.connector(), store, slot.getSnapshotName(), config.copyWorkers(),
          progress);
      copy.run(specs);
      for (TableSpec s : specs) {
        if (s.syncable() && !copy.quarantined().contains(s.name())) {
          store.setTableState(s.name(), TableState.SYNCING, null);
        }
      }
      // The rows went in without fsync; the commit that marks the copy complete syncs the file first, since
      // the slot will be confirmed past this point.
      pragmas(w, "PRAGMA synchronous=FULL");
      // Postgres streams every transaction whose commit record starts at or after the consistent point, and
      // the snapshot holds every one before it: the watermark sits just below.
      store.putState(ReplicaWriter.STATE_WATERMARK, Lsn.of(consistent.value() - 1).toString());
      store.putState(ReplicaWriter.STATE_RESUME, consistent.toString());
      store.putState(STATE_SYSTEM_ID, systemId);
      store.putState(STATE_SLOT, config.slot());
      store.putState("publication", config.publication());
      store.putState(ReplicaStore.STATE_REPLICA_ID, UUID.randomUUID().toString());
      SchemaVersions.record(store, consistent, "initial copy");
      store.putState(STATE_COPY_COMPLETE, "true");
      store.commit();
      pragmas(w, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA threads=0");
    }
  }

  private static void pragmas(Connection w, String... pragmas) throws SQLException {
    w.commit();
    w.setAutoCommit(true);
    try (Statement s = w.createStatement()) {
      for (String p : pragmas) {
        s.execute(p);
      }
    } finally {
      w.setAutoCommit(false);
    }
  }

  /** The upstream's {@code systemid/timeline} (IDENTIFY_SYSTEM over a replication connection), as recorded. */
  static String identifySystem(io.viewsync.core.source.pg.PgConnector connector) throws SQLException {
    try (Connection repl = connector.openReplication()) {
      return identifySystem(repl);
    }
  }

  private static String identifySystem(Connection repl) throws SQLException {
    try (Statement s = repl.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      rs.next();
      return rs.getString(1) + "/" + rs.getString(2);
    }
  }
}
