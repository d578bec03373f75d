package io.viewsync.server.rebuild;

import io.viewsync.core.Lsn;
import io.viewsync.replica.ReplicaListener;
import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.ReplicatorStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One online rebuild of the service's replica ({@link Replicas} says how it goes): copying, catching-up, swapping,
 * then done or failed. Its own thread runs {@link #run}; {@link #status} and {@link #cancel} from any thread.
 */
final class OnlineRebuild {
  private static final Logger log = LoggerFactory.getLogger(OnlineRebuild.class);
  private final Replicas replicas;
  private final ReplicatorConfig config;
  private final String slot;
  private final Path dir;
  private final long startNanos = System.nanoTime();
  private final String startedAt = Instant.now().toString();
  private volatile String state = "copying";
  private volatile String error;
  private volatile String finishedAt;
  private volatile long finishedNanos;
  private volatile Replicator building;
  private volatile boolean cancelled;
  private volatile Long swapMillis;

  /** A rebuild of {@code replicas}' replica from {@code slot}; {@link #run} on its own thread. */
  OnlineRebuild(Replicas replicas, String slot) {
    this.replicas = replicas;
    this.config = replicas.config();
    this.slot = slot;
    this.dir = config.replicaDir().resolve(Replicas.REBUILD_DIR);
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
    ReplicatorStatus st = b == null || !running() ? null : b.status(); // progress: noted by the run loop
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
      // Nobody reads the new replica before the swap: its versions go unheard.
      ReplicaListener unheard = version -> { };
      Replicator b = new Replicator(replicas.buildingConfig().apply(config.withSlot(slot).withReplicaDir(dir)),
          unheard);
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
            target = replicas.current().watermark(); // what the serving replica had when the copy was done
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
      } else if (replicas.swapping()) {
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
      String s = Replicas.slotFor(config.replicaDir(), config.slot());
      replicas.serveFrom(new Replicator(config.withSlot(s), replicas.hub(), replicas.current().stats()), s);
      log.warn("online rebuild: serving again from slot {} after the failed swap", s);
    } catch (Exception | Error e) {
      log.error("online rebuild: cannot serve again after the failed swap", e);
      replicas.failed(e);
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
    Replicator old = replicas.current();
    String oldSlot = replicas.currentSlot();
    ReplicaStore.Recorded oldRec = ReplicaStore.recorded(config.replicaDir()).orElseThrow(
        () -> new IllegalStateException("the serving replica cannot be read"));
    long t0 = System.nanoTime();
    replicas.swapping(true);
    old.close(); // no more versions from it; readers may still read the file
    replicas.hub().detach(); // the views let go of the file; clients stay, their messages wait
    Lsn served = old.watermark();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (b.watermark().compareTo(served) < 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // the last transactions the old one applied
    }
    b.close();
    carryOver(oldRec);
    ReplicaStore.moveFiles(dir, config.replicaDir());
    Files.deleteIfExists(dir);
    replicas.serveFrom(new Replicator(config.withSlot(slot), replicas.hub(), old.stats()), slot);
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
    replicas.finished(status());
  }
}
