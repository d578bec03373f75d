package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.change.Change;
import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.source.ChangeSink;
import io.viewsync.core.source.pg.DdlCapture;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * whole.
 *
 * <p>Schema changes arrive in the same order: the DDL event trigger's snapshots ({@link SchemaSnapshot}) are
 * applied where they stand in their transaction ({@link SchemaApplier}); without event triggers, a Relation
 * message whose shape differs from the replica's spec is the signal. Where the WAL cannot say what the rows
 * became (a table rewrite, a volatile default, a new key), the table is resynced ({@link Resyncs}): its stream
 * changes are buffered in {@code _viewsync_resync_buffer} until its copy is swapped in at a transaction
 * boundary. A table whose changes fail is quarantined alone and repaired by a resync after a backoff.
 *
 * <p>Replication thread only, except {@link #confirmableLsn()} and {@link #watermark()} (any thread).
 */
public final class ReplicaWriter implements ChangeSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaWriter.class);
  public static final String HEARTBEAT_PREFIX = "viewsync.heartbeat";
  static final String STATE_WATERMARK = "watermark";
  static final String STATE_RESUME = "resume_lsn";
  /** Change-log op: the table's content was replaced (a resync or a key change); readers re-read it. */
  static final String OP_RESET = "reset";
  private static final Object BUFFER = new Object();
  private static final Object IGNORE = new Object();

  /**
   * What schema tracking needs beyond the replica: the publication whose tables are synced, the resyncs (null:
   * none, a failing table just stays quarantined), how to start a resync copy, and the live catalog (null:
   * Relation messages with unknown types are not followed).
   */
  record Context(String publication, Resyncs resyncs, Resyncs.CopyFactory copies, LiveCatalog catalog) {
    static final Context NONE = new Context(null, null, null, null);
  }

  private final ReplicaStore store;
  private final SchemaApplier applier;
  private final Context ctx;
  private final Map<Integer, ReplicaStore.RecordedTable> tables = new HashMap<>();
  private final Map<Integer, TableWriter> writers = new HashMap<>();
  private final Map<Relation, Object> routes = new IdentityHashMap<>();
  private final Set<Integer> warnedUnknown = new HashSet<>();
  private final Set<Integer> rewritten = new HashSet<>();
  private Runnable onTableState = () -> { };
  private final ApplyStats stats;
  private final Consumer<Lsn> onDurable;
  private final int maxBatchRows;
  private final long maxBatchNanos;
  private PreparedStatement logChange;
  private PreparedStatement clearLog;
  private final ResyncBuffer buffer;

  private volatile Lsn durableWatermark;
  private volatile Lsn durableResume;
  private Lsn watermark;
  private long commitMicros = -1; // upstream commit time of the watermark's transaction, Unix microseconds
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
  public ReplicaWriter(ReplicaStore store, Lsn watermark, Lsn resume, ApplyStats stats, Consumer<Lsn> onDurable,
      int maxBatchRows, long maxBatchMillis, Context ctx) throws SQLException {
    this.store = store;
    this.applier = new SchemaApplier(store);
    this.buffer = new ResyncBuffer(store);
    this.ctx = ctx;
    this.durableWatermark = this.watermark = watermark;
    this.durableResume = this.resume = resume;
    this.stats = stats;
    this.onDurable = onDurable;
    this.maxBatchRows = maxBatchRows;
    this.maxBatchNanos = maxBatchMillis * 1_000_000L;
    reload();
    if (ctx.resyncs() != null && !ctx.resyncs().jobs().isEmpty()) {
      ctx.resyncs().stillWaiting(); // copies that finished while the previous session was being replaced
    }
  }

  /** Reads the replica's tables and makes a writer for each synced one. */
  private void reload() throws SQLException {
    for (TableWriter w : writers.values()) {
      w.close();
    }
    writers.clear();
    tables.clear();
    routes.clear();
    for (ReplicaStore.RecordedTable t : store.tables().values()) {
      tables.put(t.spec().oid(), t);
      if (t.state() == TableState.SYNCING) {
        writers.put(t.spec().oid(), new TableWriter(store.writer(), t.spec()));
      }
    }
  }

  /** Re-reads one table's record after the schema code changed it. */
  private void reload(int oid, TableName name) throws SQLException {
    TableWriter old = writers.remove(oid);
    if (old != null) {
      old.close();
    }
    tables.remove(oid);
    routes.clear();
    ReplicaStore.RecordedTable t = name == null ? null : store.tables().get(name);
    if (t != null) {
      tables.put(oid, t);
      if (t.state() == TableState.SYNCING) {
        writers.put(oid, new TableWriter(store.writer(), t.spec()));
      }
    }
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
      if (!skipping) {
        relation(r.relation());
      }
    } else if (skipping) {
      return;
    } else if (change instanceof Change.Insert i) {
      row(Op.INSERT, i.relation(), null, i.row());
    } else if (change instanceof Change.Update u) {
      row(Op.UPDATE, u.relation(), u.oldRow(), u.row());
    } else if (change instanceof Change.Delete d) {
      row(Op.DELETE, d.relation(), d.oldRow(), null);
    } else if (change instanceof Change.Truncate t) {
      for (Relation r : t.relations()) {
        row(Op.TRUNCATE, r, null, null);
      }
    } else {
      throw new IllegalStateException("ReplicaWriter does not handle " + change.getClass().getSimpleName());
    }
  }

  /** A row change as stored in the resync buffer. */
  private enum Op { INSERT, UPDATE, DELETE, TRUNCATE }

  private void row(Op op, Relation r, TupleData oldRow, TupleData newRow) throws SQLException {
    batchRows++;
    Object route = route(r);
    if (route instanceof TableWriter w) {
      apply(w, op, r, oldRow, newRow);
    } else if (route == BUFFER) {
      buffer(r, op, oldRow, newRow);
    }
  }

  private void apply(TableWriter w, Op op, Relation r, TupleData oldRow, TupleData newRow) throws SQLException {
    switch (op) {
      case INSERT -> {
        guarded(w, () -> log(w, w.insert(r, newRow), "put"));
        stats.inserts.incrementAndGet();
      }
      case UPDATE -> {
        guarded(w, () -> {
          Object[][] keys = w.update(r, oldRow, newRow);
          if (keys[0] != keys[1] && !java.util.Arrays.equals(keys[0], keys[1])) {
            log(w, keys[0], "del");
          }
          log(w, keys[1], "put");
        });
        stats.updates.incrementAndGet();
      }
      case DELETE -> {
        guarded(w, () -> log(w, w.delete(r, oldRow), "del"));
        stats.deletes.incrementAndGet();
      }
      case TRUNCATE -> {
        guarded(w, () -> truncate(w));
        stats.truncates.incrementAndGet();
      }
      default -> throw new IllegalStateException("unknown op " + op);
    }
  }

  /** Where a relation's changes go: its table's writer, the resync buffer, or nowhere. */
  private Object route(Relation r) {
    Object route = routes.get(r);
    if (route == null) {
      ReplicaStore.RecordedTable t = tables.get(r.oid());
      TableWriter w = writers.get(r.oid());
      if (w != null) {
        route = w;
      } else if (ctx.resyncs() != null && ctx.resyncs().job(r.oid()) != null) {
        route = BUFFER;
      } else {
        route = IGNORE;
        if (t == null && warnedUnknown.add(r.oid())) {
          log.warn("changes to {}.{} are not applied: the table is not synced (see status)", r.namespace(), r.name());
        }
      }
      routes.put(r, route);
    }
    return route;
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
      TableWriter.faultHook(w.spec().name());
      op.run();
    } catch (SQLException e) {
      if (!tableSpecific(e)) {
        throw e;
      }
      quarantine(w.spec().oid(), "applying the transaction committed at " + version + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      quarantine(w.spec().oid(), "applying the transaction committed at " + version + " failed: " + e.getMessage(), e);
    }
  }

  /** SQLite primary result codes that speak of the statement or its data, not of the database file. */
  static boolean tableSpecific(SQLException e) {
    return switch (e.getErrorCode() & 0xff) {
      case 1, 18, 19, 20, 25 -> true; // ERROR, TOOBIG, CONSTRAINT, MISMATCH, RANGE
      default -> false;
    };
  }

  /**
   * Stops one table (promise 4): its changes are no longer applied, its state says why, and a resync is queued
   * after a backoff that grows with each failure in a row.
   */
  private void quarantine(int oid, String why, Exception e) throws SQLException {
    ReplicaStore.RecordedTable t = tables.get(oid);
    if (t == null) {
      return;
    }
    TableName name = t.spec().name();
    String reason = why + "; the table stops here while the others go on";
    log.error("table {} quarantined: {}", name, reason, e);
    TableWriter w = writers.remove(oid);
    if (w != null) {
      w.close();
    }
    if (ctx.resyncs() != null) {
      ctx.resyncs().cancel(oid);
      clearBuffer(oid);
    }
    store.setTableState(name, TableState.QUARANTINED, reason);
    tables.put(oid, new ReplicaStore.RecordedTable(t.spec(), TableState.QUARANTINED, reason));
    routes.clear();
    stats.quarantines.incrementAndGet();
    scheduleRepair(oid);
    onTableState.run();
  }

  private void scheduleRepair(int oid) {
    if (ctx.resyncs() != null) {
      int n = ctx.resyncs().failed(oid);
      long delay = Resyncs.backoffMillis(n);
      log.info("table oid {} is resynced in {} ms (failure {} in a row)", oid, delay, n);
      ctx.resyncs().requestLater(new Resyncs.Request(oid, null, "automatic repair after quarantine", n), delay);
    }
  }

  private void begin(Change.Begin b) throws SQLException {
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
    for (int oid : rewritten) {
      // A rewrite whose DDL snapshot did not say more (e.g. a USING that keeps the type): the values changed.
      requestResync(oid, "the table was rewritten by the transaction committed at " + c.commitLsn());
    }
    rewritten.clear();
    // The protocol counts from 2000-01-01.
    commitMicros = c.commitTimeMicros() + io.viewsync.core.value.PgTimestamp.PG_EPOCH_OFFSET_MICROS;
    watermark = c.commitLsn();
    resume = Lsn.max(resume, c.endLsn());
    batchTransactions++;
    stats.transactions.incrementAndGet();
    if (batchRows >= maxBatchRows || System.nanoTime() - batchStartNanos >= maxBatchNanos) {
      commitBatch();
    }
    atBoundary();
  }

  private void message(Change.Message m) throws SQLException {
    if (m.transactional() && inTransaction) {
      if (skipping) {
        return;
      }
      if (SchemaSnapshot.PREFIX.equals(m.prefix())) {
        SchemaSnapshot snapshot;
        try {
          snapshot = DdlCapture.parseSnapshot(m.content());
        } catch (RuntimeException e) {
          // Never stop on it: Relation messages still show column changes.
          log.error("a DDL snapshot in the transaction committed at {} cannot be read; schema changes are"
              + " followed from Relation messages only until the next one", version, e);
          return;
        }
        applySnapshot(snapshot);
      } else if (SchemaSnapshot.REWRITE_PREFIX.equals(m.prefix())) {
        try {
          rewritten.add(DdlCapture.parseRewriteOid(m.content()));
        } catch (RuntimeException e) {
          log.error("a table-rewrite message cannot be read", e);
        }
      }
      return;
    }
    if (!m.transactional() && !inTransaction && HEARTBEAT_PREFIX.equals(m.prefix()) && m.lsn().isAfter(resume)) {
      // Everything before a non-transactional message has been received (pgoutput sends transactions at
      // commit, in commit order), so once this batch is durable the slot may move past it.
      resume = m.lsn();
      openBatch();
    }
    if (!inTransaction) {
      atBoundary();
    }
  }

  // ---------------------------------------------------------------- schema changes

  /**
   * Applies a DDL snapshot where it stands in its transaction. Only the tables its commands name are described
   * exactly: another transaction's DDL that committed first may be missing from the rest of the snapshot, so
   * those are left alone, except that a command naming no table (DROP INDEX, ALTER PUBLICATION … DROP TABLE)
   * lets index lists follow and, for a publication change, tables leave.
   */
  private void applySnapshot(SchemaSnapshot snapshot) throws SQLException {
    Map<Integer, UpstreamTable> target = new HashMap<>();
    for (UpstreamTable t : snapshot.tables()) {
      if (ctx.publication() == null || t.publications().contains(ctx.publication())) {
        target.put(t.spec().oid(), t);
      }
    }
    Set<Integer> created = new HashSet<>();
    Set<Integer> touched = new java.util.LinkedHashSet<>();
    boolean unnamed = false;
    boolean publicationChange = false;
    for (SchemaSnapshot.Command c : snapshot.commands()) {
      if (c.tableOid() != 0) {
        touched.add(c.tableOid());
        if ("CREATE TABLE".equals(c.tag())) {
          created.add(c.tableOid());
        }
      } else {
        unnamed = true;
        publicationChange |= c.tag().contains("PUBLICATION");
      }
    }
    boolean changed = false;
    for (int oid : touched) {
      UpstreamTable t = target.get(oid);
      if (t != null) {
        changed |= follow(t, created.contains(oid), null);
      } else if (tables.containsKey(oid)) {
        dropTable(oid);
        changed = true;
      }
    }
    if (unnamed) {
      for (UpstreamTable t : target.values()) {
        ReplicaStore.RecordedTable cur = tables.get(t.spec().oid());
        if (cur != null && !touched.contains(t.spec().oid()) && !cur.spec().indexes().equals(t.spec().indexes())
            && cur.spec().equals(new TableSpec(t.spec().name(), t.spec().oid(), t.spec().columns(), t.spec().keyColumns(),
                t.spec().keySource(), t.spec().unsyncableReason(), cur.spec().indexes()))) {
          changed |= follow(t, false, null);
        }
      }
      if (publicationChange) {
        for (int oid : new ArrayList<>(tables.keySet())) {
          if (!target.containsKey(oid) && !touched.contains(oid)) {
            dropTable(oid);
            changed = true;
          }
        }
      }
    }
    if (changed) {
      routes.clear();
      long v = SchemaVersions.record(store, version, snapshot.ddl());
      log.info("schema version {} after: {}", v, abbreviate(snapshot.ddl()));
      onTableState.run();
    }
  }

  /**
   * Brings one table of the replica to an upstream spec. {@code createdEmpty}: the table was created by this
   * very command, so it has no rows the stream has not sent. {@code forceResync}: copy it again whatever the
   * spec says (a reason), e.g. a type change seen without event triggers. Returns whether anything changed.
   */
  private boolean follow(UpstreamTable t, boolean createdEmpty, String forceResync) throws SQLException {
    TableSpec to = t.spec();
    int oid = to.oid();
    ReplicaStore.RecordedTable cur = tables.get(oid);
    Savepoint sp = store.writer().setSavepoint();
    try {
      if (cur == null) {
        if (!to.syncable()) {
          applier.create(to, TableState.UNSYNCABLE, to.unsyncableReason());
        } else if (createdEmpty) {
          applier.create(to, TableState.SYNCING, null);
        } else {
          applier.create(to, TableState.RESYNCING, "newly published: copying it");
          forceResync = "newly published";
        }
        log.info("table {} added to the replica ({})", to.name(), to.syncable() ? createdEmpty ? "new, empty"
            : "copying" : to.unsyncableReason());
      } else {
        boolean rewrite = rewritten.remove(oid);
        if (cur.spec().equals(to) && !rewrite && forceResync == null) {
          store.writer().releaseSavepoint(sp);
          return false;
        }
        boolean resyncing = ctx.resyncs() != null && ctx.resyncs().job(oid) != null;
        if (resyncing) {
          // Its copy was taken before this change: start it over after the change.
          ctx.resyncs().cancel(oid);
          clearBuffer(oid);
          forceResync = "its shape changed during a resync";
        }
        SchemaApplier.Outcome o = applier.alter(cur.spec(), to, t.missingValues());
        if (o.resyncReason() != null) {
          forceResync = o.resyncReason();
        } else if (rewrite) {
          forceResync = "the table was rewritten (e.g. ALTER COLUMN … TYPE … USING, or a volatile default)";
        } else if (o.resetsRows()) {
          TableWriter w = new TableWriter(store.writer(), to);
          logAt(w, version, new Object[0], OP_RESET);
          w.close();
        }
        if (!cur.spec().name().equals(to.name())) {
          log.info("table {} renamed to {}", cur.spec().name(), to.name());
        }
      }
      store.writer().releaseSavepoint(sp);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException se && !tableSpecific(se)) {
        throw se;
      }
      store.writer().rollback(sp);
      reload(oid, cur == null ? null : cur.spec().name());
      if (cur != null) {
        quarantine(oid, "applying the schema change committed at " + version + " failed: " + e.getMessage(), e);
      } else {
        log.error("cannot add table {} to the replica", to.name(), e);
      }
      return true;
    }
    reload(oid, to.name());
    if (forceResync != null && to.syncable()) {
      requestResync(oid, forceResync);
    }
    return true;
  }

  private void dropTable(int oid) throws SQLException {
    ReplicaStore.RecordedTable t = tables.get(oid);
    if (ctx.resyncs() != null) {
      ctx.resyncs().cancel(oid);
      clearBuffer(oid);
    }
    applier.drop(t.spec());
    reload(oid, null);
    log.info("table {} removed from the replica (dropped upstream or no longer published)", t.spec().name());
  }

  /**
   * A Relation message: the shape of a table's rows from here on. With event triggers it matches the replica;
   * without them (or if a snapshot was missed) a difference is the schema change itself, followed here in
   * stream order: renamed table, added, dropped and renamed columns, type and key changes (copied again).
   */
  private void relation(Relation r) throws SQLException {
    ReplicaStore.RecordedTable cur = tables.get(r.oid());
    if (cur == null) {
      if (ctx.catalog() != null && inTransaction && !warnedUnknown.contains(r.oid())) {
        // Published, unknown to the replica: a table created or published without event triggers.
        Optional<UpstreamTable> live = ctx.catalog().table(r.oid());
        if (live.isPresent() && (ctx.publication() == null || live.get().publications().contains(ctx.publication()))) {
          follow(live.get(), false, null);
          SchemaVersions.record(store, version, "table " + live.get().spec().name() + " seen in the stream");
          onTableState.run();
        } else {
          warnedUnknown.add(r.oid());
        }
      }
      return;
    }
    if (!inTransaction || ctx.catalog() == null) {
      return;
    }
    TableSpec spec = cur.spec();
    RelationShapes.Derived d = RelationShapes.derive(spec, r, ctx.catalog());
    if (d == null) {
      return;
    }
    log.info("table {} changed shape in the stream (Relation message): {}", spec.name(), d.what());
    follow(new UpstreamTable(d.spec(), List.of(ctx.publication() == null ? "" : ctx.publication()), d.missing()),
        false, d.resync());
    SchemaVersions.record(store, version, "seen in the stream: " + d.what());
    onTableState.run();
  }

  private static String abbreviate(String s) {
    return s == null ? "(no DDL text)" : s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  // ---------------------------------------------------------------- resyncs

  private void requestResync(int oid, String reason) {
    if (ctx.resyncs() != null) {
      ctx.resyncs().request(new Resyncs.Request(oid, null, reason, 0));
    }
  }

  /** Resync work waiting for a transaction boundary: start requested copies, swap in finished ones. */
  private void atBoundary() throws SQLException {
    Resyncs rs = ctx.resyncs();
    if (rs == null || !rs.hasWork() || inTransaction) {
      return;
    }
    for (Resyncs.Request r : rs.takeRequests()) {
      startResync(r);
    }
    boolean waiting = false;
    for (Resyncs.Job j : rs.finished()) {
      waiting |= !finish(j);
    }
    Map<Integer, TableName> names = new HashMap<>();
    tables.forEach((oid, t) -> names.put(oid, t.spec().name()));
    rs.publishProgress(names);
    if (waiting) {
      rs.stillWaiting();
    }
  }

  private void startResync(Resyncs.Request r) throws SQLException {
    Integer oid = r.oid();
    if (oid == null) {
      for (ReplicaStore.RecordedTable t : tables.values()) {
        if (t.spec().name().replicaName().equals(r.replicaName())) {
          oid = t.spec().oid();
        }
      }
    }
    ReplicaStore.RecordedTable t = oid == null ? null : tables.get(oid);
    if (t == null && oid != null && ctx.catalog() != null) {
      // A table the replica does not know yet (found by the catalog check without event triggers).
      Optional<UpstreamTable> live = ctx.catalog().table(oid);
      if (live.isPresent() && (ctx.publication() == null || live.get().publications().contains(ctx.publication()))) {
        openBatch();
        follow(live.get(), false, r.reason());
        SchemaVersions.record(store, null, "table " + live.get().spec().name() + " found in the publication");
        commitBatch();
        onTableState.run();
      }
      return;
    }
    if (t == null || !t.spec().syncable()) {
      log.info("resync of {} skipped: the table is {}", r.oid() != null ? "oid " + r.oid() : r.replicaName(),
          t == null ? "not in the replica" : "not syncable");
      return;
    }
    int tableOid = oid;
    openBatch();
    TableWriter w = writers.remove(tableOid);
    if (w != null) {
      w.close();
    }
    clearBuffer(tableOid);
    String reason = "copying it again: " + r.reason();
    store.setTableState(t.spec().name(), TableState.RESYNCING, reason);
    tables.put(tableOid, new ReplicaStore.RecordedTable(t.spec(), TableState.RESYNCING, reason));
    routes.clear();
    // Durable before the copy's snapshot is taken, with everything the stream applied to the old table.
    commitBatch();
    ctx.resyncs().begin(tableOid, r.reason(), r.attempt(), ctx.copies());
    stats.resyncsStarted.incrementAndGet();
    log.info("resync of {} started: {}", t.spec().name(), r.reason());
    onTableState.run();
  }

  /** Acts on a finished copy; false when it must wait for the stream to reach the copy's snapshot. */
  private boolean finish(Resyncs.Job j) throws SQLException {
    Resyncs rs = ctx.resyncs();
    ReplicaStore.RecordedTable t = tables.get(j.oid);
    if (t == null) {
      rs.done(j);
      return true;
    }
    switch (j.phase) {
      case FAILED -> {
        rs.done(j);
        openBatch();
        if (j.tableFault) {
          quarantine(j.oid, "the resync failed: " + j.failure, null);
        } else {
          // Upstream trouble: try again later; the next copy's snapshot covers whatever is ignored meanwhile.
          clearBuffer(j.oid);
          int n = rs.failed(j.oid);
          rs.requestLater(new Resyncs.Request(j.oid, null, j.reason, n), Resyncs.backoffMillis(n));
          store.setTableState(t.spec().name(), TableState.RESYNCING, "copy failed (" + j.failure + "); retrying");
          tables.put(j.oid, new ReplicaStore.RecordedTable(t.spec(), TableState.RESYNCING,
              "copy failed (" + j.failure + "); retrying"));
        }
        commitBatch();
        onTableState.run();
        return true;
      }
      case GONE -> {
        rs.done(j);
        openBatch();
        clearBuffer(j.oid);
        if (j.spec != null) {
          follow(new UpstreamTable(j.spec, List.of(ctx.publication() == null ? "" : ctx.publication()), Map.of()),
              false, null);
        } else {
          dropTable(j.oid);
        }
        SchemaVersions.record(store, null, "resync of " + t.spec().name() + ": the table changed upstream");
        commitBatch();
        onTableState.run();
        return true;
      }
      case READY -> {
        if (j.consistent.isAfter(resume)) {
          return false; // transactions before the snapshot are still on their way
        }
        swap(j, t);
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  /**
   * Replaces a table with its resync copy and replays the buffered changes committed at or after the copy's
   * snapshot, in one replica transaction with the stream's batch.
   */
  private void swap(Resyncs.Job j, ReplicaStore.RecordedTable t) throws SQLException {
    long t0 = System.nanoTime();
    Resyncs rs = ctx.resyncs();
    rs.done(j);
    openBatch();
    TableSpec spec = j.spec;
    Savepoint sp = store.writer().setSavepoint();
    int replayed = 0;
    // Phase times for the log line only (the resync benchmark reads it to see what stalls the stream).
    long dropping = System.nanoTime();
    long dropped = dropping;
    long renamed = dropping;
    long replayedAt = dropping;
    String trash = null;
    try {
      // Dropping a big table here would stall the stream for as long as SQLite takes to free its pages (the
      // resync benchmark measured 30-150 ms for a million rows): move it aside and let Resyncs empty it later
      // in short transactions.
      ReplicaTables located = new ReplicaTables(store.writer());
      String oldName = t.spec().name().replicaName();
      if (located.exists(oldName)) {
        trash = Resyncs.TRASH_PREFIX + j.oid + "_" + j.id;
        try (var s = store.writer().createStatement()) {
          s.execute("ALTER TABLE " + ReplicaStore.q(oldName) + " RENAME TO " + ReplicaStore.q(trash));
        }
      }
      applier.drop(t.spec());
      dropped = System.nanoTime();
      new ReplicaTables(store.writer()).makeRoom(spec.name().replicaName(), spec.oid());
      try (var s = store.writer().createStatement()) {
        s.execute("ALTER TABLE " + ReplicaStore.q(j.shadow) + " RENAME TO " + ReplicaStore.q(spec.name().replicaName()));
      }
      store.recordSpec(spec, TableState.SYNCING, null);
      ReplicaIndexes.syncMirrored(store.writer(), spec);
      tables.put(j.oid, new ReplicaStore.RecordedTable(spec, TableState.SYNCING, null));
      TableWriter w = new TableWriter(store.writer(), spec);
      writers.put(j.oid, w);
      routes.clear();
      renamed = System.nanoTime();
      Lsn saved = version;
      try {
        replayed = buffer.replay(j.oid, j.consistent, () -> writers.get(j.oid) == w, (at, op, relation, oldRow, newRow) -> {
          version = at;
          apply(w, Op.valueOf(op), j.relations.get(relation), oldRow, newRow);
        });
      } finally {
        version = saved;
      }
      clearBuffer(j.oid);
      // The reset needs a version no reader has seen yet, and no later transaction may fall at or below it: the
      // next commit record can start exactly at resume (where the last one ended), so one below resume.
      watermark = Lsn.max(watermark, Lsn.of(resume.value() - 1));
      if (writers.get(j.oid) == w) {
        logAt(w, watermark, new Object[0], OP_RESET);
      }
      SchemaVersions.record(store, null, "resync of " + spec.name() + " (" + j.reason + ")");
      store.writer().releaseSavepoint(sp);
      replayedAt = System.nanoTime();
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException se && !tableSpecific(se)) {
        throw se;
      }
      store.writer().rollback(sp);
      trash = null;
      reload(j.oid, t.spec().name());
      quarantine(j.oid, "swapping in its resync copy failed: " + e.getMessage(), e);
    }
    long committing = System.nanoTime();
    commitBatch();
    if (trash != null) {
      rs.discard(store, trash);
    }
    long end = System.nanoTime();
    stats.resyncsSwapped.incrementAndGet();
    log.info("resync of {} swapped in: {} buffered changes replayed, {} ms (old table moved aside {} ms, rename"
        + " and indexes {} ms, replay {} ms, commit {} ms)", spec.name(), replayed, (end - t0) / 1_000_000,
        Math.max(0, dropped - dropping) / 1_000_000, Math.max(0, renamed - dropped) / 1_000_000,
        Math.max(0, replayedAt - renamed) / 1_000_000, (end - committing) / 1_000_000);
    onTableState.run();
  }

  private void buffer(Relation r, Op op, TupleData oldRow, TupleData newRow) throws SQLException {
    Resyncs.Job job = ctx.resyncs().job(r.oid());
    buffer.add(r.oid(), version, op.name(), job.relationId(r), oldRow, newRow);
  }

  private void clearBuffer(int oid) throws SQLException {
    buffer.clear(oid);
  }

  // ---------------------------------------------------------------- change log and batches

  private void log(TableWriter w, Object[] key, String op) throws SQLException {
    logAt(w, version, key, op);
  }

  private void logAt(TableWriter w, Lsn at, Object[] key, String op) throws SQLException {
    if (logChange == null) {
      logChange = store.writer().prepareStatement(
          "INSERT OR REPLACE INTO _viewsync_changes (version, table_name, row_key, op) VALUES (?, ?, ?, ?)");
    }
    logChange.setLong(1, at.value());
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

  private void openBatch() throws SQLException {
    if (!batchOpen) {
      store.writeGate().lock();
      try {
        // Reads on this connection since the last commit (status, specs) may have left a read snapshot older
        // than a resync copy's last commit; writing on it would fail with SQLITE_BUSY_SNAPSHOT. Nothing is
        // written outside a batch, so ending that read transaction loses nothing.
        store.rollback();
      } catch (SQLException | RuntimeException e) {
        store.writeGate().unlock();
        throw e;
      }
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
    try {
      store.commit();
    } finally {
      batchOpen = false;
      store.writeGate().unlock();
    }
    durableWatermark = watermark;
    durableResume = resume;
    stats.batches.incrementAndGet();
    stats.lastBatchTransactions = batchTransactions;
    stats.lastBatchNanos = System.nanoTime() - t0;
    stats.durableCommitMicros = commitMicros;
    onDurable.accept(watermark);
  }

  /** Called (replication thread) after a table changed state or shape, e.g. was quarantined. */
  public void onTableState(Runnable listener) {
    this.onTableState = listener;
  }

  @Override
  public Lsn flush() throws SQLException {
    if (batchOpen && !inTransaction) {
      commitBatch();
    }
    atBoundary();
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
    try {
      store.rollback();
    } finally {
      if (batchOpen) {
        batchOpen = false;
        store.writeGate().unlock();
      }
    }
    watermark = durableWatermark;
    resume = durableResume;
    inTransaction = false;
    skipping = false;
    rewritten.clear();
    reload();
  }

  @Override
  public void close() throws SQLException {
    for (TableWriter w : writers.values()) {
      w.close();
    }
    buffer.close();
    for (PreparedStatement ps : new PreparedStatement[] {logChange, clearLog}) {
      if (ps != null) {
        ps.close();
      }
    }
  }
}
