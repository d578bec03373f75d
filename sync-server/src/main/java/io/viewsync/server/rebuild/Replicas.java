package io.viewsync.server.rebuild;

import io.viewsync.core.Lsn;
import io.viewsync.replica.ReplicaListener;
import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.replica.StartupException;
import io.viewsync.server.sync.SyncHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's serving replicator, and the online rebuild that replaces its replica (DESIGN §5, promise 5): a
 * second replicator builds a new replica in {@code DIR/rebuild/} from a new slot (initial copy, then streaming
 * until it has caught up with the serving one), then the swap: the serving replicator stops, the views let go
 * of {@code DIR/replica.db} ({@link SyncHub#detach}), the new file takes its place, a replicator continues it
 * from the new slot, the views attach to it and clients get only the difference; the old slot is dropped.
 * Clients stay connected throughout. A rebuild that fails before the swap leaves the serving replica untouched.
 *
 * <p>Slots alternate between {@code SLOT} and {@code SLOT_b}: the replica records its slot, and a restart
 * continues with the one it records.
 *
 * <p>Thread-safe: {@link #current()}, {@link #status()} and {@link #rebuild()} from any thread; a rebuild runs on its
 * own thread, one at a time.
 */
public final class Replicas implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicas.class);
  /** The folder, inside the replica directory, where a rebuild builds the new replica. */
  public static final String REBUILD_DIR = "rebuild";

  private final ReplicatorConfig config;
  private final SyncHub hub;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile Replicator current;
  private volatile String currentSlot;
  private volatile boolean swapping;
  private volatile Rebuild rebuild;
  private volatile RebuildStatus last = RebuildStatus.IDLE;

  private final java.util.function.UnaryOperator<ReplicatorConfig> buildingConfig;

  /** @param config the service's replicator config: its replica directory, and the base slot name */
  public Replicas(ReplicatorConfig config, SyncHub hub) {
    this(config, hub, c -> c);
  }

  /** For tests: {@code building} changes the config of a rebuild's new replicator (to make it fail, say). */
  Replicas(ReplicatorConfig config, SyncHub hub, java.util.function.UnaryOperator<ReplicatorConfig> building) {
    this.config = config;
    this.hub = hub;
    this.buildingConfig = building;
  }

  /** The slot to continue {@code dir}'s replica with: the one it records when it is one of ours, else the base. */
  static String slotFor(Path dir, String base) {
    return ReplicaStore.recorded(dir).map(ReplicaStore.Recorded::slot)
        .filter(s -> s.equals(base) || s.equals(alternate(base))).orElse(base);
  }

  /** The other slot of the pair. */
  static String alternate(String slot) {
    return slot.endsWith("_b") ? slot.substring(0, slot.length() - 2) : slot + "_b";
  }

  /** Starts the serving replicator (startup checks on this thread, replication in the background). */
  public void start() throws StartupException, SQLException {
    String slot = slotFor(config.replicaDir(), config.slot());
    Replicator r = serving(new Replicator(config.withSlot(slot), hub));
    current = r;
    currentSlot = slot;
    r.start();
    watch(r);
  }

  /**
   * A serving replicator: when its slot is found lost, gone or past the replica, it keeps serving the replica as
   * it is (stale) and an online rebuild starts by itself (automatic recovery, DESIGN §4).
   */
  private Replicator serving(Replicator r) {
    r.onSlotLost(problem -> {
      log.warn("automatic recovery: {}; starting an online rebuild", problem);
      rebuild();
    });
    return r;
  }

  private void watch(Replicator r) {
    r.terminated().whenComplete((v, e) -> {
      if (r == current && !swapping) {
        if (e == null) {
          terminated.complete(null);
        } else {
          terminated.completeExceptionally(e);
        }
      }
    });
  }

  /** The serving replicator. */
  public Replicator current() {
    return current;
  }

  /** The serving replica (for the views). */
  public ReplicaStore store() {
    return current.store();
  }

  /** Completes when the serving replicator stops for good (not when a rebuild swaps it). */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Starts an online rebuild; when one runs already, nothing new starts. Returns its status and whether it started. */
  public synchronized Started rebuild() {
    Rebuild running = rebuild;
    if (running != null && running.status().running()) {
      return new Started(false, running.status());
    }
    Rebuild r = new Rebuild(alternate(currentSlot));
    rebuild = r;
    Thread t = new Thread(r::run, "viewsync-rebuild");
    t.setDaemon(true);
    t.start();
    return new Started(true, r.status());
  }

  /** This as {@code /admin/rebuild} sees it. */
  public io.viewsync.server.http.Rebuilder rebuilder() {
    return new io.viewsync.server.http.Rebuilder() {
      @Override
      public Answer rebuild() {
        Started s = Replicas.this.rebuild();
        return new Answer(s.started(), s.status());
      }

      @Override
      public Object status() {
        return Replicas.this.status();
      }
    };
  }

  /** What {@link #rebuild()} did. */
  public record Started(boolean started, RebuildStatus status) {}

  /** The running rebuild's status, else the last one's, else {@code idle}. */
  public RebuildStatus status() {
    Rebuild r = rebuild;
    return r == null ? last : r.status();
  }

  @Override
  public void close() {
    Rebuild r = rebuild;
    if (r != null) {
      r.cancel();
    }
    Replicator c = current;
    if (c != null) {
      c.close();
    }
  }

  /** One online rebuild. Its thread runs {@link #run}; {@link #status} from any thread. */
  private final class Rebuild {
    private final String slot;
    private final Path dir = config.replicaDir().resolve(REBUILD_DIR);
    private final long startNanos = System.nanoTime();
    private final String startedAt = Instant.now().toString();
    private volatile String state = "copying";
    private volatile String error;
    private volatile String finishedAt;
    private volatile long finishedNanos;
    private volatile Replicator building;
    private volatile boolean cancelled;
    private volatile Long swapMillis;

    Rebuild(String slot) {
      this.slot = slot;
    }

    private volatile long copied; // rows, as of the last look at the copy
    private volatile long estimated;

    /** Notes the copy's progress from the new replicator's status (while it copies). */
    private void noteProgress(ReplicatorStatus st) {
      long done = 0;
      long estimate = 0;
      boolean unknown = false;
      for (ReplicatorStatus.Table t : st.tables()) {
        done += Math.max(0, t.rows()); // copying: rows so far; copied: its row count
        if ("copying".equals(t.state())) {
          unknown |= t.estimate() < 0; // a table Postgres never analyzed
          estimate += Math.max(0, t.estimate());
        } else {
          estimate += Math.max(0, t.rows());
        }
      }
      if (unknown) {
        estimate = -1;
      }
      copied = done;
      estimated = estimate;
    }

    RebuildStatus status() {
      Replicator b = building;
      ReplicatorStatus st = b == null || !running() ? null : b.status();
      if (st != null && "copying".equals(state)) {
        noteProgress(st);
      }
      long done = copied;
      long estimate = estimated;
      long end = finishedNanos == 0 ? System.nanoTime() : finishedNanos;
      double elapsed = (end - startNanos) / 1e9;
      Double eta = "copying".equals(state) && done > 0 && estimate > done ? elapsed * (estimate - done) / done : null;
      return new RebuildStatus(state, startedAt, finishedAt, elapsed, slot, done, estimate, eta, error, swapMillis,
          st == null || !running() ? java.util.List.of() : st.tables());
    }

    private boolean running() {
      return finishedNanos == 0;
    }

    void cancel() {
      cancelled = true;
    }

    void run() {
      log.info("online rebuild: building a new replica in {} from slot {}", dir, slot);
      try {
        Files.createDirectories(dir);
        ReplicaStore.deleteFiles(dir);
        Replicator b = new Replicator(buildingConfig.apply(config.withSlot(slot).withReplicaDir(dir)),
            new ReplicaListener() {
          @Override
          public void versionReady(Lsn version) {}
        });
        b.start();
        building = b;
        Lsn target = null;
        while (true) {
          check(b);
          ReplicatorStatus st = b.status();
          if ("copying".equals(state)) {
            noteProgress(st);
          }
          if ("streaming".equals(st.phase())) {
            if (target == null) {
              b.refreshStatus(); // row counts of the copied tables
              noteProgress(b.status());
              state = "catching-up";
              target = current.watermark(); // what the serving replica had when the copy was done
              log.info("online rebuild: copy done; catching up to {}", target);
            }
            if (b.watermark().compareTo(target) >= 0) {
              break;
            }
          }
          Thread.sleep(50);
        }
        state = "swapping";
        swap(b);
        finish("done", null);
      } catch (Exception | Error e) {
        if (!"swapping".equals(state)) {
          cleanUp();
        } else if (swapping) {
          resumeServing(); // the old replicator was stopped: serve again whatever replica.db now is
        }
        log.error("online rebuild failed{}: {}", "swapping".equals(state) ? " while swapping" : " (the serving "
            + "replica is untouched)", e.getMessage(), e);
        finish("failed", e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }

    /**
     * After a swap failed half-way: starts a replicator on the replica in the service's directory (the old one if
     * the new file was not moved in yet, else the new one), with the slot it records, so the service serves again.
     */
    private void resumeServing() {
      try {
        String s = slotFor(config.replicaDir(), config.slot());
        Replicator r = serving(new Replicator(config.withSlot(s), hub, current.stats()));
        current = r;
        currentSlot = s;
        r.start();
        swapping = false;
        watch(r);
        log.warn("online rebuild: serving again from slot {} after the failed swap", s);
      } catch (Exception | Error e) {
        log.error("online rebuild: cannot serve again after the failed swap", e);
        terminated.completeExceptionally(e);
      }
    }

    private void check(Replicator b) throws Exception {
      if (cancelled) {
        throw new IllegalStateException("cancelled: the service is stopping");
      }
      if (b.terminated().isDone()) {
        b.terminated().join(); // throws the failure
        throw new IllegalStateException("the new replica's replicator stopped");
      }
      if ("failed".equals(b.status().phase())) {
        throw new IllegalStateException("the new replica failed: " + b.status().lastError());
      }
    }

    private void swap(Replicator b) throws Exception {
      Replicator old = current;
      String oldSlot = currentSlot;
      ReplicaStore.Recorded oldRec = ReplicaStore.recorded(config.replicaDir()).orElseThrow(
          () -> new IllegalStateException("the serving replica cannot be read"));
      long t0 = System.nanoTime();
      swapping = true;
      old.close(); // no more versions from it; readers may still read the file
      hub.detach(); // the views let go of the file; clients stay, their messages wait
      Lsn served = old.watermark();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (b.watermark().compareTo(served) < 0 && System.nanoTime() < deadline) {
        Thread.sleep(5); // the last transactions the old one applied
      }
      b.close();
      carryOver(oldRec);
      ReplicaStore.moveFiles(dir, config.replicaDir());
      Files.deleteIfExists(dir);
      Replicator next = serving(new Replicator(config.withSlot(slot), hub, old.stats()));
      current = next;
      currentSlot = slot;
      next.start();
      swapping = false;
      watch(next);
      swapMillis = (System.nanoTime() - t0) / 1_000_000;
      log.info("online rebuild: swapped in {} ms; the replica streams from slot {}", swapMillis, slot);
      dropSlot(oldSlot);
    }

    /**
     * The new replica continues the old one for clients: the same replica id when both are of the same upstream
     * server (cookies and client view records stay valid: versions are its LSNs), and a schema version that never
     * goes back.
     */
    private void carryOver(ReplicaStore.Recorded old) throws SQLException {
      ReplicaStore.Recorded fresh = ReplicaStore.recorded(dir).orElseThrow(
          () -> new IllegalStateException("the new replica cannot be read"));
      long version = Math.max(old.schemaVersion(), fresh.schemaVersion());
      if (!java.util.Objects.equals(old.schemaFingerprint(), fresh.schemaFingerprint())) {
        version++;
      }
      ReplicaStore s = ReplicaStore.open(dir);
      try {
        if (old.upstreamSystemId() != null && old.upstreamSystemId().equals(fresh.upstreamSystemId())) {
          s.putState(ReplicaStore.STATE_REPLICA_ID, old.replicaId());
        } // else: the old one is of another server; its cookies name versions of another WAL and must reset
        s.putState(ReplicaStore.STATE_SCHEMA_VERSION, Long.toString(version));
        s.commit();
      } finally {
        s.close();
      }
    }

    private void dropSlot(String name) {
      for (int i = 0; i < 50; i++) {
        try (Connection c = config.connector().open();
             PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM "
                 + "pg_replication_slots WHERE slot_name = ? AND NOT active")) {
          ps.setString(1, name);
          ps.execute();
          try (PreparedStatement left = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            left.setString(1, name);
            if (!left.executeQuery().next()) {
              log.info("online rebuild: dropped the old slot {}", name);
              return;
            }
          }
          Thread.sleep(200); // still active: its walsender has not noticed the disconnect yet
        } catch (SQLException e) {
          log.warn("online rebuild: dropping the old slot {} failed ({}); retrying", name, e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      log.error("online rebuild: the old slot {} could not be dropped; drop it by hand, it holds WAL", name);
    }

    private void cleanUp() {
      Replicator b = building;
      if (b != null) {
        b.close();
        dropSlot(slot);
      }
      try {
        ReplicaStore.deleteFiles(dir);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.warn("online rebuild: could not delete {}: {}", dir, e.getMessage());
      }
    }

    private void finish(String s, String why) {
      error = why;
      finishedAt = Instant.now().toString();
      finishedNanos = System.nanoTime();
      state = s;
      last = status();
    }
  }
}
