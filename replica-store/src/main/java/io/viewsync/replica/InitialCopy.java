package io.viewsync.replica;

import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.PgConnector;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every syncable table from an exported snapshot into the replica: {@code workers} Postgres
 * connections, each in a REPEATABLE READ transaction on the same snapshot, stream
 * {@code COPY (SELECT …) TO STDOUT (FORMAT binary)} and decode rows in parallel; the calling thread, the
 * replica's single writer, inserts them. Key and mirrored indexes are built after the copy. Memory stays
 * bounded: rows travel in small batches through a bounded queue.
 *
 * <p>Runs on the calling thread (plus its own reader threads); not reusable.
 */
final class InitialCopy {
  private static final Logger log = LoggerFactory.getLogger(InitialCopy.class);
  private static final int BATCH_ROWS = 512;

  private record Batch(TableSpec table, List<Object[]> rows, boolean last, Throwable error) {}

  private final PgConnector connector;
  private final ReplicaStore store;
  private final String snapshot;
  private final int workers;
  private final CopyProgress progress;

  InitialCopy(PgConnector connector, ReplicaStore store, String snapshot, int workers, CopyProgress progress) {
    this.connector = connector;
    this.store = store;
    this.snapshot = snapshot;
    this.workers = Math.max(1, workers);
    this.progress = progress;
  }

  /** Opens a connection whose transaction sees exactly the exported snapshot. */
  static Connection openInSnapshot(PgConnector connector, String snapshot) throws SQLException {
    Connection c = connector.open();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Copies the tables; on return they are filled and indexed in the open writer transaction (not committed). */
  private final java.util.Set<io.viewsync.core.TableName> quarantined = new java.util.HashSet<>();

  /** Tables whose copy failed on their own data; they are recorded as quarantined, the others go on. */
  java.util.Set<io.viewsync.core.TableName> quarantined() {
    return quarantined;
  }

  private void quarantine(TableSpec t, Throwable e) throws SQLException {
    String reason = "the initial copy failed: " + e.getMessage() + "; the table stops here while the others go on";
    log.error("table {} quarantined: {}", t.name(), reason, e);
    try (Statement s = store.writer().createStatement()) {
      s.execute("DELETE FROM " + ReplicaStore.q(t.name().replicaName()));
    }
    store.setTableState(t.name(), TableState.QUARANTINED, reason);
    quarantined.add(t.name());
  }

  void run(List<TableSpec> tables) throws Exception {
    List<TableSpec> syncable = tables.stream().filter(TableSpec::syncable).collect(Collectors.toList());
    try (Connection c = openInSnapshot(connector, snapshot)) {
      for (TableSpec t : syncable) {
        progress.add(t.name(), estimate(c, t));
      }
    }
    ConcurrentLinkedQueue<TableSpec> todo = new ConcurrentLinkedQueue<>(syncable);
    BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(64);
    int n = Math.min(workers, Math.max(1, syncable.size()));
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "viewsync-copy");
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> readers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      readers.add(pool.submit(() -> read(todo, queue)));
    }
    Map<TableSpec, RowInserter> inserts = new HashMap<>();
    int tablesLeft = syncable.size();
    long lastLog = System.nanoTime();
    try {
      while (tablesLeft > 0) {
        Batch b = queue.poll(1, TimeUnit.SECONDS);
        if (b == null) {
          for (Future<?> f : readers) {
            if (f.isDone()) {
              f.get(); // a reader that died without posting its error (an Error) surfaces here
            }
          }
          continue;
        }
        if (b.error != null && !b.last) {
          throw new SQLException("copying " + (b.table == null ? "the tables" : b.table.name()) + " failed: "
              + b.error.getMessage(), b.error);
        }
        if (b.error != null) {
          quarantine(b.table, b.error);
          progress.table(b.table.name()).finished = true;
          tablesLeft--;
          continue;
        }
        insert(inserts, b.table, b.rows);
        CopyProgress.Table tp = progress.table(b.table.name());
        tp.done.addAndGet(b.rows.size());
        if (b.last) {
          tp.finished = true;
          tablesLeft--;
        }
        if (System.nanoTime() - lastLog > 5_000_000_000L) {
          lastLog = System.nanoTime();
          log.info("initial copy: {}", progress.summary());
        }
      }
      for (Future<?> f : readers) {
        f.get();
      }
      long rowsDone = progress.elapsedMillis();
      for (TableSpec t : syncable) {
        store.createIndexes(t);
      }
      log.info("initial copy done in {} ms (rows {} ms, indexes {} ms): {}", progress.elapsedMillis(), rowsDone,
          progress.elapsedMillis() - rowsDone, progress.summary());
    } finally {
      pool.shutdownNow();
      for (RowInserter ins : inserts.values()) {
        ins.close();
      }
    }
  }

  private void insert(Map<TableSpec, RowInserter> inserts, TableSpec t, List<Object[]> rows) throws SQLException {
    RowInserter ins = inserts.get(t);
    if (ins == null) {
      ins = new RowInserter(store.writer(), t, t.name().replicaName());
      inserts.put(t, ins);
    }
    ins.insert(rows);
  }

  private void read(ConcurrentLinkedQueue<TableSpec> todo, BlockingQueue<Batch> queue) {
    TableSpec current = null;
    Connection c = null;
    try {
      for (TableSpec t = todo.poll(); t != null; t = todo.poll()) {
        current = t;
        if (c == null) {
          c = openInSnapshot(connector, snapshot);
        }
        try {
          copyTable(c, t, queue);
        } catch (RuntimeException e) {
          // A value of this table the replica cannot store: this table alone is quarantined. The connection
          // was in the middle of a COPY; the next table gets a fresh one in the same snapshot.
          queue.put(new Batch(t, List.of(), true, e));
          c.close();
          c = null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      try {
        queue.put(new Batch(current, List.of(), false, e));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    } finally {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException e) {
          log.debug("closing a copy connection", e);
        }
      }
    }
  }

  private static void copyTable(Connection c, TableSpec t, BlockingQueue<Batch> queue) throws Exception {
    copyRows(c, t, (rows, last) -> queue.put(new Batch(t, rows, last, null)));
  }

  /** Receives a table's rows in batches of at most {@link #BATCH_ROWS}; the last call has {@code last} set. */
  interface RowBatches {
    void accept(List<Object[]> rows, boolean last) throws Exception;
  }

  /**
   * Streams one table with {@code COPY (SELECT …) TO STDOUT (FORMAT binary)} on {@code c} (in whatever snapshot
   * its transaction has) and hands the decoded rows on in batches. A value the replica cannot store throws a
   * RuntimeException (the table's own fault); I/O and SQL errors are the connection's.
   */
  static void copyRows(Connection c, TableSpec t, RowBatches out) throws Exception {
    String sql = "COPY (SELECT " + BinaryCopyReader.selectList(t.columns()) + " FROM " + t.name().pgQuoted()
        + ") TO STDOUT (FORMAT binary)";
    try (InputStream in = new BufferedInputStream(new PGCopyInputStream(c.unwrap(PGConnection.class), sql), 1 << 16)) {
      BinaryCopyReader reader = new BinaryCopyReader(in, t.columns());
      List<Object[]> rows = new ArrayList<>(BATCH_ROWS);
      for (Object[] row = reader.next(); row != null; row = reader.next()) {
        rows.add(row);
        if (rows.size() == BATCH_ROWS) {
          out.accept(rows, false);
          rows = new ArrayList<>(BATCH_ROWS);
        }
      }
      out.accept(rows, true);
    }
  }

  static long estimate(Connection c, TableSpec t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = ?")) {
      ps.setInt(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}
