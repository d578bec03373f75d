package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.DdlCapture;
import io.viewsync.core.source.pg.PgChangeSource;
import io.viewsync.core.source.pg.PgErrorClassifier;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code DIR/replica.db} equal to the upstream: startup checks, publication and slot, the initial copy
 * from the slot's exported snapshot, then streaming with group commit, reconnecting with backoff on any
 * retryable error (one classifier, {@link PgErrorClassifier}) until closed.
 *
 * <p>Threads: {@link #start()} runs the startup checks on the caller's thread (throwing
 * {@link StartupException} for what the operator must fix), then one replication thread does everything else
 * and a small session thread sends heartbeats and measures lag. {@link #status()} and {@link #close()} are
 * safe from any thread.
 */
public final class Replicator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  static final String STATE_COPY_COMPLETE = ReplicaBootstrap.STATE_COPY_COMPLETE;
  private static final long COUNT_INTERVAL_NANOS = 5_000_000_000L;

  private final ReplicatorConfig config;
  private final UpstreamSession session;
  private final ApplyStats stats;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicLong lagBytes = new AtomicLong(-1);
  private volatile UpstreamSession.SlotHealth slotHealth = UpstreamSession.SlotHealth.UNKNOWN;
  private final ReplicaListener listener;
  private volatile String phase = "starting";
  private volatile java.util.function.Consumer<String> onSlotLost;
  private volatile String lastError;
  private volatile boolean closed;
  private volatile CopyProgress copy;
  private volatile ReplicaWriter writer;
  private volatile PgChangeSource source;
  private volatile StatusTables statusTables = StatusTables.EMPTY;
  private volatile Map<String, Long> rowCounts = Map.of();
  private Thread thread;
  private Thread sessionThread;
  private volatile ReplicaStore store;
  private final Resyncs resyncs = new Resyncs();
  private volatile DdlCapture.Setup ddl;
  private final Object wakeLock = new Object();
  private boolean wakeRequested;
  private boolean resyncsPrepared;
  private static final long CATALOG_CHECK_NANOS = 10_000_000_000L;

  /** @param listener told each new durable watermark, and before the replica is deleted to be copied anew */
  public Replicator(ReplicatorConfig config, ReplicaListener listener) {
    this(config, listener, new ApplyStats());
  }

  /**
   * As above, counting into {@code stats}: a replicator that continues another's replica (after an online rebuild)
   * continues its counters.
   */
  public Replicator(ReplicatorConfig config, ReplicaListener listener, ApplyStats stats) {
    this.config = config;
    this.stats = stats;
    this.session = new UpstreamSession(config);
    this.listener = listener;
    // The replication thread may be blocked on an idle stream: a heartbeat wakes it at a boundary.
    resyncs.onWork(this::wake);
  }

  private void wake() {
    synchronized (wakeLock) {
      wakeRequested = true;
      wakeLock.notifyAll();
    }
  }

  /** Runs the startup checks, then starts replicating in the background. */
  public void start() throws StartupException, SQLException {
    synchronized (session) {
      try {
        session.connectAndCheck(true);
        session.ensurePublication();
        ddl = session.setUpDdlCapture();
        if (ddl.mode() == DdlCapture.Mode.EVENT_TRIGGERS) {
          log.info("schema changes are captured by event triggers in the WAL ({})", ddl.detail());
        } else {
          log.warn("schema changes are followed without event triggers: {}", ddl.detail());
        }
      } catch (StartupException | SQLException | RuntimeException e) {
        session.close(); // releases the advisory lock, so a corrected retry is not refused
        throw e;
      }
    }
    store = openOrReset();
    thread = new Thread(this::run, "viewsync-replication");
    thread.start();
    sessionThread = new Thread(this::sessionLoop, "viewsync-upstream-session");
    sessionThread.setDaemon(true);
    sessionThread.start();
  }

  /**
   * Opens the replica; one that cannot be read (a kill -9 in the middle of an initial copy, which writes
   * without a journal, or a damaged file) is deleted, and the run loop copies it anew.
   */
  private ReplicaStore openOrReset() throws SQLException {
    try {
      ReplicaStore s = ReplicaStore.open(config.replicaDir());
      try {
        s.state(STATE_COPY_COMPLETE);
        s.tables();
        return s;
      } catch (SQLException | RuntimeException e) {
        s.close();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      log.error("the replica in {} cannot be read ({}); it is rebuilt from scratch", config.replicaDir(),
          e.getMessage());
      try {
        ReplicaStore.deleteFiles(config.replicaDir());
      } catch (java.io.IOException io) {
        throw new SQLException("cannot delete the unreadable replica: " + io.getMessage(), io);
      }
      return ReplicaStore.open(config.replicaDir());
    }
  }

  /** Completes when the replicator stops: normally after close(), exceptionally on a fatal error. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  public ApplyStats stats() {
    return stats;
  }

  /** True once the initial copy is done and the replica is within {@code maxLagBytes} of upstream. */
  public boolean ready(long maxLagBytes) {
    long lag = lagBytes.get();
    return "streaming".equals(phase) && lag >= 0 && lag <= maxLagBytes;
  }

  /**
   * The replica store the replicator writes (replaced when a start has to wipe the replica): readers such as
   * {@link Views} open their connections from it, and share its write gate for the indexes they create.
   */
  public ReplicaStore store() {
    return store;
  }

  public Lsn watermark() {
    ReplicaWriter w = writer;
    return w == null ? Lsn.ZERO : w.watermark();
  }

  private void run() {
    long backoff = 100;
    boolean reconnect = false;
    while (!closed) {
      try {
        if (reconnect) {
          synchronized (session) {
            session.reconnect(); // a StartupException here (lock taken, privilege revoked) is fatal
          }
          reconnect = false;
        }
        if (!"true".equals(store.state(STATE_COPY_COMPLETE).orElse("false"))) {
          initialCopy();
        } else {
          String problem = slotProblem();
          if (problem != null && onSlotLost != null) {
            serveStale(problem);
            break;
          }
          if (problem != null) {
            log.error("{}: the replica is rebuilt from scratch", problem);
            initialCopy();
          }
        }
        stream();
        backoff = 100;
      } catch (Throwable e) {
        if (closed) {
          break;
        }
        if (e instanceof StartupException || PgErrorClassifier.classify(e) == PgErrorClassifier.Verdict.FATAL) {
          fail(e);
          return;
        }
        lastError = e.getMessage();
        phase = "reconnecting";
        log.warn("replication interrupted ({}); retrying in {} ms", e.toString(), backoff);
        sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        backoff = Math.min(backoff * 2, 10_000);
        reconnect = true;
      }
    }
    phase = "stopped";
    terminated.complete(null);
  }

  private void fail(Throwable e) {
    lastError = e.getMessage();
    phase = "failed";
    log.error("replication stopped: {}", e.getMessage(), e);
    terminated.completeExceptionally(e);
  }

  /** Why the replica cannot continue from its slot (gone, lost, or past the replica's position); null if it can. */
  private String slotProblem() throws SQLException {
    String recorded = store.state(ReplicaBootstrap.STATE_SYSTEM_ID).orElse(null);
    if (recorded != null) {
      String upstream = ReplicaBootstrap.identifySystem(config.connector());
      if (!systemId(recorded).equals(systemId(upstream))) {
        // Its versions are LSNs of another server's WAL: nothing of the slot's position applies to it.
        return "the replica was copied from another upstream server (system identifier " + systemId(recorded)
            + ", the upstream's is " + systemId(upstream) + ")";
      }
    }
    synchronized (session) {
      Optional<UpstreamSession.SlotInfo> slot = session.slot();
      Lsn resume = store.state(ReplicaWriter.STATE_RESUME).map(Lsn::parse).orElse(Lsn.ZERO);
      if (slot.isPresent() && slot.get().confirmedFlush() != null && slot.get().confirmedFlush().isAfter(resume)) {
        // Postgres would silently skip everything between: an old replica file, or a slot another replica used.
        return "replication slot " + config.slot() + " is at " + slot.get().confirmedFlush()
            + ", past this replica's position " + resume;
      }
      if (slot.isPresent() && "lost".equals(slot.get().walStatus())) {
        return "replication slot " + config.slot() + " is lost (wal_status=lost)";
      }
      if (slot.isEmpty()) {
        return "replication slot " + config.slot() + " does not exist";
      }
      return null;
    }
  }

  /** The system identifier of a recorded {@code systemid/timeline} (a new timeline is the same server's WAL). */
  static String systemId(String identified) {
    int slash = identified.indexOf('/');
    return slash < 0 ? identified : identified.substring(0, slash);
  }

  /**
   * Where the replica must be rebuilt while it has a complete copy to serve: it stays readable as it is (stale:
   * readers are told it is ready at its watermark, readiness stays false), {@code onSlotLost} starts an online
   * rebuild, and this replicator streams no more; it waits to be closed by the swap.
   */
  private void serveStale(String problem) throws SQLException, InterruptedException {
    lastError = problem;
    log.error("{}: the replica is served as it is (stale) while an online rebuild replaces it", problem);
    statusTables = StatusTables.of(store);
    listener.versionReady(store.state(ReplicaWriter.STATE_WATERMARK).map(Lsn::parse).orElse(Lsn.ZERO));
    phase = "stale"; // after versionReady, as for streaming: whoever sees it may connect readers
    onSlotLost.accept(problem);
    synchronized (wakeLock) {
      while (!closed) {
        wakeLock.wait(1_000);
      }
    }
  }

  /**
   * Called (once, on the replication thread) when the slot is gone, lost or past the replica while the replica
   * is complete: instead of copying it again in place, the replicator serves it stale and lets the caller rebuild
   * it online. Without one, the replica is copied again in place (offline). Set before {@link #start}.
   */
  public void onSlotLost(java.util.function.Consumer<String> handler) {
    this.onSlotLost = handler;
  }

  private void initialCopy() throws Exception {
    phase = "copying";
    for (int oid : new ArrayList<>(resyncs.jobs().keySet())) {
      resyncs.cancel(oid);
    }
    resyncsPrepared = false;
    listener.replicaReplacing(); // readers let go of the replica before it is deleted
    store.close();
    try {
      ReplicaStore.deleteFiles(config.replicaDir());
    } finally {
      store = ReplicaStore.open(config.replicaDir()); // never leave a closed store behind
    }
    synchronized (session) {
      session.dropSlot();
    }
    CopyProgress progress = new CopyProgress();
    copy = progress;
    try {
      new ReplicaBootstrap(config, store, progress, t -> statusTables = t).run();
    } finally {
      copy = null;
    }
    statusTables = StatusTables.of(store);
  }

  private void stream() throws Exception {
    Lsn watermark = Lsn.parse(store.state(ReplicaWriter.STATE_WATERMARK).orElseThrow());
    Lsn resume = Lsn.parse(store.state(ReplicaWriter.STATE_RESUME).orElseThrow());
    if (!resyncsPrepared) {
      prepareResyncs();
      resyncsPrepared = true;
    }
    statusTables = StatusTables.of(store);
    listener.versionReady(watermark); // readers may open the replica from now on
    // Only now: whoever sees "streaming" may rely on readers having been told (SyncHubIT connected in between
    // and was refused as if the copy were still running).
    phase = "streaming";
    ReplicaWriter w = new ReplicaWriter(store, watermark, resume, stats, listener::versionReady,
        config.maxBatchRows(), config.maxBatchMillis(), new ReplicaWriter.Context(config.publication(), resyncs,
            (job, done) -> new ResyncCopy(config.connector(), store, config.slot(), config.publication(), job, done),
            liveCatalog()));
    w.onTableState(() -> {
      try {
        statusTables = StatusTables.of(store);
      } catch (SQLException e) {
        log.debug("status refresh failed", e);
      }
    });
    PgChangeSource s = new PgChangeSource(config.connector(), config.slot(), config.publication());
    writer = w;
    source = s;
    try {
      if (!closed) {
        s.stream(resume, w);
      }
    } finally {
      source = null;
      try {
        w.abort();
      } finally {
        w.close();
      }
    }
  }

  /**
   * Once per process, before the first stream: resyncs do not survive a restart (their temporary slots and
   * buffers are gone), so leftovers are removed and those tables are queued again; quarantined tables get
   * their repair queued after a backoff.
   */
  private void prepareResyncs() throws SQLException {
    try (java.sql.Statement s = store.writer().createStatement()) {
      s.execute("DELETE FROM _viewsync_resync_buffer");
      List<String> shadows = new ArrayList<>();
      try (java.sql.ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '"
          + ResyncCopy.SHADOW_PREFIX.replace("_", "\\_") + "%' ESCAPE '\\' OR name LIKE '"
          + Resyncs.TRASH_PREFIX.replace("_", "\\_") + "%' ESCAPE '\\')")) {
        while (rs.next()) {
          shadows.add(rs.getString(1));
        }
      }
      for (String t : shadows) {
        s.execute("DROP TABLE " + ReplicaStore.q(t));
      }
    }
    store.commit();
    for (ReplicaStore.RecordedTable t : store.tables().values()) {
      if (t.state() == TableState.RESYNCING) {
        resyncs.request(new Resyncs.Request(t.spec().oid(), null, "a resync interrupted by a restart", 0));
      } else if (t.state() == TableState.QUARANTINED) {
        resyncs.requestLater(new Resyncs.Request(t.spec().oid(), null, "automatic repair after quarantine", 1),
            Resyncs.backoffMillis(1));
      }
    }
  }

  /** The writer's view of the live catalog: the session's connection, under the session lock. */
  private LiveCatalog liveCatalog() {
    return new LiveCatalog() {
      @Override
      public io.viewsync.core.value.PgType type(int oid) throws SQLException {
        synchronized (session) {
          return session.catalog().type(oid);
        }
      }

      @Override
      public Optional<io.viewsync.core.schema.UpstreamTable> table(int oid) throws SQLException {
        synchronized (session) {
          return session.catalog().table(oid);
        }
      }
    };
  }

  /**
   * Without event triggers, tables that were created, published or dropped upstream show up here: the
   * publication's tables from the live catalog, compared with the replica's. New ones are copied by a
   * resync, vanished ones dropped; column changes come in order with the Relation messages instead.
   */
  private void catalogCheck() throws SQLException {
    List<io.viewsync.core.schema.UpstreamTable> published;
    synchronized (session) {
      session.maintainPublication();
      published = session.catalog().publishedSchema(config.publication());
    }
    java.util.Set<Integer> known = new java.util.HashSet<>();
    for (StatusTables.Entry e : statusTables.entries()) {
      known.add(e.oid());
    }
    java.util.Set<Integer> live = new java.util.HashSet<>();
    for (io.viewsync.core.schema.UpstreamTable t : published) {
      live.add(t.spec().oid());
      if (!known.contains(t.spec().oid())) {
        log.info("table {} is in publication {} but not in the replica: copying it", t.spec().name(),
            config.publication());
        resyncs.request(new Resyncs.Request(t.spec().oid(), null, "found in the publication", 0));
      }
    }
    for (StatusTables.Entry e : statusTables.entries()) {
      if (!live.contains(e.oid())) {
        resyncs.request(new Resyncs.Request(e.oid(), null, "gone from the publication", 0));
      }
    }
  }

  private void sessionLoop() {
    long lastHeartbeat = 0;
    long lastCount = System.nanoTime() - COUNT_INTERVAL_NANOS;
    long lastCatalogCheck = System.nanoTime();
    boolean reconnect = false;
    while (!closed) {
      boolean woken;
      synchronized (wakeLock) {
        woken = wakeRequested;
        wakeRequested = false;
      }
      try {
        synchronized (session) {
          if (reconnect || !session.connected()) {
            // Without this connection there are no heartbeats (an idle slot would hold WAL) and no lag.
            session.reconnect();
            reconnect = false;
          }
          if (woken || System.nanoTime() - lastHeartbeat >= config.heartbeatInterval().toNanos()) {
            if ("streaming".equals(phase)) {
              session.heartbeat();
            }
            lastHeartbeat = System.nanoTime();
          }
          ReplicaWriter w = writer;
          if (w != null && "streaming".equals(phase)) {
            long lag = session.currentWalLsn().value() - w.confirmableLsn().value();
            lagBytes.set(Math.max(0, lag));
          }
          slotHealth = session.slotHealth(config.slot());
        }
      } catch (Exception e) {
        lagBytes.set(-1);
        slotHealth = UpstreamSession.SlotHealth.UNKNOWN;
        reconnect = true;
        log.warn("upstream session check failed ({}); reconnecting it", e.toString());
        log.debug("upstream session check failed", e);
      }
      DdlCapture.Setup d = ddl;
      if ("streaming".equals(phase) && d != null && d.mode() == DdlCapture.Mode.FALLBACK
          && System.nanoTime() - lastCatalogCheck >= CATALOG_CHECK_NANOS) {
        lastCatalogCheck = System.nanoTime();
        try {
          catalogCheck();
        } catch (SQLException | RuntimeException e) {
          log.warn("the catalog check failed ({}); trying again later", e.toString());
        }
      }
      // Replica housekeeping needs no upstream connection: outside the session lock, and its failures (a
      // checkpoint that finds the file busy) are no reason to reconnect the session.
      if ("streaming".equals(phase)) {
        if (System.nanoTime() - lastCount >= COUNT_INTERVAL_NANOS) { // counts scan the tables
          refreshStatus();
          lastCount = System.nanoTime();
        }
        try {
          store.checkpoint();
        } catch (SQLException e) {
          log.debug("replica checkpoint failed", e);
        }
      }
      synchronized (wakeLock) {
        if (!wakeRequested && !closed) {
          try {
            wakeLock.wait(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /**
   * Asks for a per-table resync of the replica table {@code replicaName} ({@code x} or {@code schema.x}): it is
   * copied again from a fresh snapshot while every other table keeps streaming. Any thread; returns at once.
   */
  public ResyncResult requestResync(String replicaName) {
    if (!"streaming".equals(phase)) {
      return ResyncResult.NOT_STREAMING;
    }
    for (StatusTables.Entry e : statusTables.entries()) {
      if (e.name().replicaName().equals(replicaName)) {
        if ("unsyncable".equals(e.state())) {
          return ResyncResult.UNSYNCABLE;
        }
        if ("resyncing".equals(e.state()) || resyncs.isQueued(replicaName, e.oid())) {
          return ResyncResult.ALREADY_RUNNING;
        }
        resyncs.request(new Resyncs.Request(e.oid(), null, "requested by an operator", 0));
        log.info("resync of {} requested by an operator", replicaName);
        return ResyncResult.ACCEPTED;
      }
    }
    return ResyncResult.UNKNOWN_TABLE;
  }

  /**
   * Upstream WAL written but not yet durable in the replica, in bytes, as of the last session check (about once a
   * heartbeat interval); -1 when unknown (not streaming, or the upstream session is down). Any thread.
   */
  public long lagBytes() {
    return lagBytes.get();
  }

  /**
   * How far behind the upstream the replica is in time, in seconds, as Postgres measures it for the slot's
   * walsender ({@code pg_stat_replication.flush_lag}): 0 when caught up, -1 when unknown (not streaming). As of
   * the last session check. Any thread.
   */
  public double lagSeconds() {
    return slotHealth.lagSeconds();
  }

  /** The slot's {@code wal_status} as of the last session check; null when unknown. Any thread. */
  public String slotWalStatus() {
    return slotHealth.walStatus();
  }

  /** The WAL the slot holds back from removal, in bytes, as of the last session check; -1 when unknown. */
  public long slotRetainedBytes() {
    return slotHealth.retainedBytes();
  }

  /** A cheap snapshot for status endpoints. */
  public ReplicatorStatus status() {
    CopyProgress cp = copy;
    Map<String, long[]> resyncing = resyncs.progress();
    List<ReplicatorStatus.Table> tables = new ArrayList<>();
    for (StatusTables.Entry e : statusTables.entries()) {
      long rows = "unsyncable".equals(e.state()) ? 0 : rowCounts.getOrDefault(e.name().replicaName(), -1L);
      long estimate = -1;
      String state = e.state();
      if (cp != null) {
        CopyProgress.Table t = cp.tables().get(e.name());
        if (t != null) {
          rows = t.done();
          estimate = t.estimate();
        }
      }
      long[] rp = resyncing.get(e.name().replicaName());
      if (rp != null && "resyncing".equals(state)) {
        rows = rp[0];
        estimate = rp[1];
      }
      tables.add(new ReplicatorStatus.Table(e.name().replicaName(), state, e.reason(), rows, estimate));
    }
    ReplicaWriter w = writer;
    return new ReplicatorStatus(phase, w == null ? null : w.watermark().toString(),
        w == null ? null : w.confirmableLsn().toString(), lagBytes.get(), statusTables.schemaVersion(),
        statusTables.schemaFingerprint(), ddl == null ? null : ddl.mode() == DdlCapture.Mode.EVENT_TRIGGERS
            ? "event-triggers" : "fallback", config.slot(), config.publication(), lastError, tables);
  }

  /** Refreshes row counts in status (reads the replica on the caller's thread). */
  public void refreshStatus() {
    try {
      rowCounts = statusTables.counts(store);
    } catch (SQLException e) {
      log.debug("status refresh failed", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    PgChangeSource s = source;
    if (s != null) {
      s.close();
    }
    if (thread != null) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    resyncs.close();
    wake();
    synchronized (session) {
      session.close();
    }
    if (store != null) {
      try {
        store.close();
      } catch (SQLException e) {
        log.debug("closing the replica", e);
      }
    }
    terminated.complete(null);
  }
}
