package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.change.Change;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.ChangeSink;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies upstream transactions to the replica as they arrive, never holding a transaction's changes in
 * memory: each row change goes straight into the open SQLite transaction, with its change-log row. Several
 * whole upstream transactions share one SQLite transaction (group commit), which also records the new
 * watermark (the last applied commit LSN) and resume position; only after that commit is durable does
 * {@link #confirmableLsn()} move, so nothing is confirmed upstream that the replica could lose.
 *
 * <p>A transaction whose commit LSN is at or below the watermark was applied before a restart and is skipped
 * whole. Replication thread only, except {@link #confirmableLsn()} and {@link #watermark()} (any thread).
 */
public final class ReplicaWriter implements ChangeSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaWriter.class);
  public static final String HEARTBEAT_PREFIX = "viewsync.heartbeat";
  static final String STATE_WATERMARK = "watermark";
  static final String STATE_RESUME = "resume_lsn";

  private final ReplicaStore store;
  private final Map<TableName, TableWriter> writers = new HashMap<>();
  private final Set<TableName> warnedUnknown = new HashSet<>();
  private final Map<Relation, Optional<TableWriter>> byRelation = new IdentityHashMap<>();
  private final Set<TableName> quarantined = new HashSet<>();
  private Runnable onTableState = () -> { };
  private final ApplyStats stats;
  private final Consumer<Lsn> onDurable;
  private final int maxBatchRows;
  private final long maxBatchNanos;
  private PreparedStatement logChange;
  private PreparedStatement clearLog;

  private volatile Lsn durableWatermark;
  private volatile Lsn durableResume;
  private Lsn watermark;
  private Lsn resume;
  private Lsn version;
  private boolean inTransaction;
  private boolean skipping;
  private boolean batchOpen;
  private long batchStartNanos;
  private long batchRows;
  private long batchTransactions;

  /**
   * @param onDurable called on the replication thread with the new watermark after each durable batch
   *     (the "version ready" signal; it must not block)
   */
  public ReplicaWriter(ReplicaStore store, Iterable<TableSpec> syncing, Lsn watermark, Lsn resume,
      ApplyStats stats, Consumer<Lsn> onDurable, int maxBatchRows, long maxBatchMillis) {
    this.store = store;
    for (TableSpec s : syncing) {
      writers.put(s.name(), new TableWriter(store.writer(), s));
    }
    this.durableWatermark = this.watermark = watermark;
    this.durableResume = this.resume = resume;
    this.stats = stats;
    this.onDurable = onDurable;
    this.maxBatchRows = maxBatchRows;
    this.maxBatchNanos = maxBatchMillis * 1_000_000L;
  }

  @Override
  public void accept(Change change) throws SQLException {
    if (change instanceof Change.Begin b) {
      begin(b);
    } else if (change instanceof Change.Commit c) {
      commit(c);
    } else if (change instanceof Change.Message m) {
      message(m);
    } else if (change instanceof Change.RelationSeen r) {
      relation(r.relation());
    } else if (skipping) {
      return;
    } else if (change instanceof Change.Insert i) {
      TableWriter w = writer(i.relation());
      if (w != null) {
        guarded(w, () -> log(w, w.insert(i.relation(), i.row()), "put"));
        stats.inserts.incrementAndGet();
      }
    } else if (change instanceof Change.Update u) {
      TableWriter w = writer(u.relation());
      if (w != null) {
        guarded(w, () -> {
          Object[][] keys = w.update(u.relation(), u.oldRow(), u.row());
          if (keys[0] != keys[1] && !java.util.Arrays.equals(keys[0], keys[1])) {
            log(w, keys[0], "del");
          }
          log(w, keys[1], "put");
        });
        stats.updates.incrementAndGet();
      }
    } else if (change instanceof Change.Delete d) {
      TableWriter w = writer(d.relation());
      if (w != null) {
        guarded(w, () -> log(w, w.delete(d.relation(), d.oldRow()), "del"));
        stats.deletes.incrementAndGet();
      }
    } else if (change instanceof Change.Truncate t) {
      for (Relation r : t.relations()) {
        TableWriter w = writer(r);
        if (w != null) {
          guarded(w, () -> truncate(w));
          stats.truncates.incrementAndGet();
        }
      }
    } else {
      throw new IllegalStateException("ReplicaWriter does not handle " + change.getClass().getSimpleName());
    }
  }

  /** One row operation on one table. */
  private interface RowOp {
    void run() throws SQLException;
  }

  /**
   * Runs a row operation; if it fails for a reason of this table's own (a value the replica cannot store, a
   * constraint, a statement that no longer fits the table), the table is quarantined and the stream goes on
   * (promise 4). Failures of the replica itself (I/O, disk full, corruption) propagate: no table is to blame.
   */
  private void guarded(TableWriter w, RowOp op) throws SQLException {
    try {
      op.run();
    } catch (SQLException e) {
      if (!tableSpecific(e)) {
        throw e;
      }
      quarantine(w, e);
    } catch (RuntimeException e) {
      quarantine(w, e);
    }
  }

  /** SQLite primary result codes that speak of the statement or its data, not of the database file. */
  private static boolean tableSpecific(SQLException e) {
    return switch (e.getErrorCode() & 0xff) {
      case 1, 18, 19, 20, 25 -> true; // ERROR, TOOBIG, CONSTRAINT, MISMATCH, RANGE
      default -> false;
    };
  }

  private void quarantine(TableWriter w, Exception e) throws SQLException {
    TableName name = w.spec().name();
    String reason = "applying the transaction committed at " + version + " failed: " + e.getMessage()
        + "; the table stops here while the others go on";
    log.error("table {} quarantined: {}", name, reason, e);
    writers.remove(name);
    quarantined.add(name);
    byRelation.clear();
    store.setTableState(name, TableState.QUARANTINED, reason);
    stats.quarantines.incrementAndGet();
    onTableState.run();
  }

  private void begin(Change.Begin b) {
    if (inTransaction) {
      throw new IllegalStateException("Begin inside an open transaction");
    }
    inTransaction = true;
    skipping = b.commitLsn().isAtOrBefore(watermark);
    if (skipping) {
      stats.skippedTransactions.incrementAndGet();
      return;
    }
    version = b.commitLsn();
    openBatch();
  }

  private void commit(Change.Commit c) throws SQLException {
    if (!inTransaction) {
      throw new IllegalStateException("Commit outside a transaction");
    }
    inTransaction = false;
    if (skipping) {
      skipping = false;
      return;
    }
    watermark = c.commitLsn();
    resume = Lsn.max(resume, c.endLsn());
    batchTransactions++;
    stats.transactions.incrementAndGet();
    if (batchRows >= maxBatchRows || System.nanoTime() - batchStartNanos >= maxBatchNanos) {
      commitBatch();
    }
  }

  private void message(Change.Message m) {
    if (!m.transactional() && !inTransaction && HEARTBEAT_PREFIX.equals(m.prefix()) && m.lsn().isAfter(resume)) {
      // Everything before a non-transactional message has been received (pgoutput sends transactions at
      // commit, in commit order), so once this batch is durable the slot may move past it.
      resume = m.lsn();
      openBatch();
    }
  }

  private void relation(Relation r) {
    TableName name = new TableName(r.namespace(), r.name());
    TableWriter w = writers.get(name);
    if (w != null) {
      for (var col : r.columns()) {
        if (w.spec().columnIndex(col.name()) < 0) {
          log.warn("upstream table {} has a column {} the replica does not know; it is not replicated yet", name,
              col.name());
        }
      }
    }
  }

  private TableWriter writer(Relation r) {
    batchRows++;
    // The translator hands out one Relation instance per table until its shape changes: look up by identity.
    Optional<TableWriter> cached = byRelation.get(r);
    if (cached == null) {
      TableName name = new TableName(r.namespace(), r.name());
      cached = Optional.ofNullable(writers.get(name));
      byRelation.put(r, cached);
      if (cached.isEmpty() && !quarantined.contains(name) && warnedUnknown.add(name)) {
        log.warn("changes to {} are not applied: the table is not synced (see status)", name);
      }
    }
    return cached.orElse(null);
  }

  private void log(TableWriter w, Object[] key, String op) throws SQLException {
    if (logChange == null) {
      logChange = store.writer().prepareStatement(
          "INSERT OR REPLACE INTO _viewsync_changes (version, table_name, row_key, op) VALUES (?, ?, ?, ?)");
    }
    logChange.setLong(1, version.value());
    logChange.setString(2, w.spec().name().replicaName());
    logChange.setString(3, TableWriter.keyJson(key));
    logChange.setString(4, op);
    logChange.executeUpdate();
  }

  private void truncate(TableWriter w) throws SQLException {
    w.truncate();
    if (clearLog == null) {
      clearLog = store.writer().prepareStatement("DELETE FROM _viewsync_changes WHERE table_name = ?");
    }
    clearLog.setString(1, w.spec().name().replicaName());
    clearLog.executeUpdate();
    log(w, new Object[0], "truncate");
  }

  private void openBatch() {
    if (!batchOpen) {
      batchOpen = true;
      batchStartNanos = System.nanoTime();
      batchRows = 0;
      batchTransactions = 0;
    }
  }

  private void commitBatch() throws SQLException {
    long t0 = System.nanoTime();
    store.putState(STATE_WATERMARK, watermark.toString());
    store.putState(STATE_RESUME, resume.toString());
    store.commit();
    batchOpen = false;
    durableWatermark = watermark;
    durableResume = resume;
    stats.batches.incrementAndGet();
    stats.lastBatchTransactions = batchTransactions;
    stats.lastBatchNanos = System.nanoTime() - t0;
    onDurable.accept(watermark);
  }

  /** Called (replication thread) after a table changed state, e.g. was quarantined. */
  public void onTableState(Runnable listener) {
    this.onTableState = listener;
  }

  @Override
  public Lsn flush() throws SQLException {
    if (batchOpen && !inTransaction) {
      commitBatch();
    }
    return durableResume;
  }

  @Override
  public Lsn confirmableLsn() {
    return durableResume;
  }

  /** The last commit LSN that is durable in the replica; any thread. */
  public Lsn watermark() {
    return durableWatermark;
  }

  /**
   * Drops everything not yet durable (after a lost connection mid-transaction): the stream resumes at
   * {@link #confirmableLsn()} and sends those transactions again.
   */
  public void abort() throws SQLException {
    store.rollback();
    watermark = durableWatermark;
    resume = durableResume;
    inTransaction = false;
    skipping = false;
    batchOpen = false;
  }

  @Override
  public void close() throws SQLException {
    for (TableWriter w : writers.values()) {
      w.close();
    }
    if (logChange != null) {
      logChange.close();
    }
    if (clearLog != null) {
      clearLog.close();
    }
  }
}
