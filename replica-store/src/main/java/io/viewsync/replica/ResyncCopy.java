package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.source.pg.PgCatalog;
import io.viewsync.core.source.pg.PgConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy half of a per-table resync, on a worker thread: creates a temporary logical slot (its exported
 * snapshot is consistent with its consistent point C: every transaction committed before C is in it, none
 * after), reads the table's spec in that snapshot, and copies the table into a shadow table of the replica
 * over a side connection, in short transactions under the replica's write gate so the stream never waits
 * long. Leaves the result in its {@link Resyncs.Job} and calls {@code done}.
 *
 * <p>The temporary slot is dropped by Postgres when its connection closes, right after the snapshot has been
 * imported, so a resync never holds WAL back.
 */
final class ResyncCopy implements Resyncs.Copy {
  private static final Logger log = LoggerFactory.getLogger(ResyncCopy.class);
  static final String SHADOW_PREFIX = "_viewsync_shadow_";
  /** Rows per side transaction: a few milliseconds of inserts, the longest the stream waits for the gate. */
  private static final int CHUNK_ROWS = 2048;

  private final PgConnector connector;
  private final ReplicaStore store;
  private final String slotPrefix;
  private final String publication;
  private final Resyncs.Job job;
  private final Runnable done;
  private volatile Connection snapshotConn;

  ResyncCopy(PgConnector connector, ReplicaStore store, String slotPrefix, String publication, Resyncs.Job job,
      Runnable done) {
    this.connector = connector;
    this.store = store;
    this.slotPrefix = slotPrefix;
    this.publication = publication;
    this.job = job;
    this.done = done;
  }

  /** Aborts a running copy (any thread); the worker cleans up and reports nothing. */
  @Override
  public void cancel() {
    Connection c = snapshotConn;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing a resync connection", e);
      }
    }
  }

  @Override
  public void run() {
    String shadow = SHADOW_PREFIX + job.oid + "_" + job.id;
    try (Connection side = store.openSideWriter()) {
      try {
        copy(side, shadow);
      } catch (Throwable e) {
        dropQuietly(side, shadow);
        if (!job.cancelled) {
          job.failure = e.getMessage() == null ? e.toString() : e.getMessage();
          // A value the replica cannot store (a decode error) or that SQLite refuses is the table's own fault.
          job.tableFault = e instanceof RuntimeException
              || (e instanceof SQLException se && se.getSQLState() == null && ReplicaWriter.tableSpecific(se));
          job.phase = Resyncs.Phase.FAILED;
          log.warn("resync of table oid {} failed: {}", job.oid, job.failure);
          log.debug("resync failure", e);
        }
      }
    } catch (SQLException e) {
      job.failure = "cannot open the replica: " + e.getMessage();
      job.phase = Resyncs.Phase.FAILED;
    } finally {
      if (!job.cancelled) {
        done.run();
      }
    }
  }

  private void copy(Connection side, String shadow) throws Exception {
    long t0 = System.nanoTime();
    // Gate hold times for the log line only: total, longest, chunks (what the stream may wait for).
    long[] gateHeld = new long[3];
    String slot = slotName();
    TableSpec spec;
    Lsn consistent;
    try (Connection repl = connector.openReplication()) {
      ReplicationSlotInfo info = repl.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
          .logical().withSlotName(slot).withOutputPlugin("pgoutput").withTemporaryOption().make();
      consistent = Lsn.of(info.getConsistentPoint().asLong());
      snapshotConn = InitialCopy.openInSnapshot(connector, info.getSnapshotName());
    } // the temporary slot goes with its connection; the snapshot lives on in the importing transaction
    if (job.cancelled) {
      throw new SQLException("cancelled");
    }
    try (Connection c = snapshotConn) {
      Optional<UpstreamTable> t = new PgCatalog(c).table(job.oid);
      if (t.isEmpty() || !t.get().publications().contains(publication)) {
        job.consistent = consistent;
        job.phase = Resyncs.Phase.GONE;
        return;
      }
      spec = t.get().spec();
      job.spec = spec;
      if (!spec.syncable()) {
        job.consistent = consistent;
        job.phase = Resyncs.Phase.GONE;
        return;
      }
      job.estimate = InitialCopy.estimate(c, spec);
      ReentrantLock gate = store.writeGate();
      gate.lock();
      try {
        try (Statement s = side.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + ReplicaStore.q(shadow));
          s.execute(ReplicaStore.createTableSql(shadow, spec));
        }
        // Before the rows: the inserts keep it current chunk by chunk, and the swap finds it ready.
        ReplicaIndexes.ensureKeyIndex(side, shadow, spec);
        side.commit();
      } finally {
        gate.unlock();
      }
      try (RowInserter ins = new RowInserter(side, spec, shadow)) {
        List<Object[]> pending = new ArrayList<>();
        InitialCopy.copyRows(c, spec, (rows, last) -> {
          pending.addAll(rows);
          if (pending.size() >= CHUNK_ROWS || last) {
            gate.lock();
            long locked = System.nanoTime();
            try {
              ins.insert(pending);
              side.commit();
            } finally {
              gate.unlock();
              long held = System.nanoTime() - locked;
              gateHeld[0] += held;
              gateHeld[1] = Math.max(gateHeld[1], held);
              gateHeld[2]++;
            }
            job.rowsDone.addAndGet(pending.size());
            pending.clear();
          }
          if (job.cancelled) {
            throw new SQLException("cancelled");
          }
        });
      }
      c.commit();
    } finally {
      snapshotConn = null;
    }
    job.consistent = consistent;
    job.shadow = shadow;
    job.phase = Resyncs.Phase.READY;
    log.info("resync of {}: {} rows copied in {} ms from the snapshot at {} (write gate held {} ms in {} chunks,"
        + " longest {} ms)", spec.name(), job.rowsDone.get(), (System.nanoTime() - t0) / 1_000_000, consistent,
        gateHeld[0] / 1_000_000, gateHeld[2], String.format("%.1f", gateHeld[1] / 1e6));
  }

  private String slotName() {
    String suffix = "_rs" + job.oid + "_" + job.id;
    String base = slotPrefix.length() + suffix.length() > 63 ? slotPrefix.substring(0, 63 - suffix.length()) : slotPrefix;
    return base + suffix;
  }

  private void dropQuietly(Connection side, String shadow) {
    ReentrantLock gate = store.writeGate();
    gate.lock();
    try (Statement s = side.createStatement()) {
      side.rollback();
      s.execute("DROP TABLE IF EXISTS " + ReplicaStore.q(shadow));
      side.commit();
    } catch (SQLException e) {
      log.debug("dropping shadow table {}", shadow, e);
    } finally {
      gate.unlock();
    }
  }
}
