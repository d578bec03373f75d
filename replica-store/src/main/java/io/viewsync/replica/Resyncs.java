package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-table resyncs (DESIGN §5): one table is copied again from a fresh snapshot while every other table
 * keeps streaming. This class holds the requests and the running jobs; it outlives the stream sessions of
 * the replicator (a reconnect does not restart a copy) but not the process (a restart starts every unfinished
 * resync over).
 *
 * <p>Life of a job: {@link #request} (any thread) queues it; the replication thread, at a transaction
 * boundary, {@link #begin begins} it (from then on it buffers the table's stream changes) and the copy runs on
 * a worker thread ({@link ResyncCopy}) from a temporary slot's snapshot at LSN C; when it has finished, the
 * replication thread swaps the copy in and replays the buffered changes committed at or after C, all in one
 * replica transaction. A failed job is retried with backoff.
 *
 * <p>Threads: {@link #request}, {@link #requestLater}, {@link #progress} and {@link #isQueuedOrRunning} from any
 * thread; everything else on the replication thread. Job fields written by the worker are volatile.
 */
final class Resyncs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resyncs.class);
  static final long MAX_BACKOFF_MILLIS = 300_000;

  /** A job's copy, as the worker leaves it. */
  enum Phase { COPYING, READY, FAILED, GONE }

  /** One table being resynced. Its relations list numbers the Relation messages its buffered rows refer to. */
  static final class Job {
    final int oid;
    final String reason;
    final int attempt;
    final long id;
    volatile Phase phase = Phase.COPYING;
    volatile Lsn consistent;
    volatile TableSpec spec;
    volatile String shadow;
    volatile String failure;
    volatile boolean tableFault;
    volatile boolean cancelled;
    volatile Copy copy;
    final AtomicLong rowsDone = new AtomicLong();
    volatile long estimate = -1;
    final List<Relation> relations = new ArrayList<>();
    final Map<Relation, Integer> relationIds = new IdentityHashMap<>();

    Job(int oid, String reason, int attempt, long id) {
      this.oid = oid;
      this.reason = reason;
      this.attempt = attempt;
      this.id = id;
    }

    /** The number under which buffered rows refer to this Relation. */
    int relationId(Relation r) {
      Integer id = relationIds.get(r);
      if (id == null) {
        id = relations.size();
        relations.add(r);
        relationIds.put(r, id);
      }
      return id;
    }
  }

  /**
   * The copy half of a job ({@link ResyncCopy}): runs on a worker thread, leaves its result in the job and calls
   * the {@code done} it was made with; {@link #cancel} may come from the replication thread at any time.
   */
  interface Copy extends Runnable {
    void cancel();
  }

  /** Makes the copy for a job. */
  interface CopyFactory {
    Copy create(Job job, Runnable done);
  }

  /** A request: by upstream oid (the replicator's own) or by replica name (an operator's). */
  record Request(Integer oid, String replicaName, String reason, int attempt) {}

  private final Map<String, Request> requests = new LinkedHashMap<>();
  private final Map<Integer, Job> jobs = new HashMap<>();
  private final Map<Integer, Integer> failures = new HashMap<>();
  private final Map<Integer, Long> lastFailure = new HashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "viewsync-resync-timer");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "viewsync-resync");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean work;
  private volatile Runnable wake = () -> { };
  private volatile Map<String, Job> visible = Map.of();

  /** Called when there is something for the replication thread to do (it may be blocked on an idle stream). */
  void onWork(Runnable wake) {
    this.wake = wake;
  }

  /** Queues a resync; a second request for the same table while one is queued is dropped. Any thread. */
  synchronized boolean request(Request r) {
    String k = r.oid() != null ? "#" + r.oid() : r.replicaName();
    if (requests.containsKey(k)) {
      return false;
    }
    requests.put(k, r);
    signal();
    return true;
  }

  /** Queues a resync after {@code delayMillis}. Any thread. */
  void requestLater(Request r, long delayMillis) {
    timers.schedule(() -> request(r), delayMillis, TimeUnit.MILLISECONDS);
  }

  /** The backoff before retrying a table that failed {@code failures} times in a row: 1 s, 2 s, 4 s … 5 min. */
  static long backoffMillis(int failures) {
    return Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(20, Math.max(0, failures - 1)));
  }

  /**
   * Counts one more failure of this table and returns how many in a row: a failure more than
   * {@link #QUIET_MILLIS} after the previous one starts the count over. Replication thread.
   */
  int failed(int oid) {
    long now = System.currentTimeMillis();
    Long last = lastFailure.put(oid, now);
    if (last != null && now - last > QUIET_MILLIS) {
      failures.remove(oid);
    }
    return failures.merge(oid, 1, Integer::sum);
  }

  /** A table that ran this long without failing gets a fresh backoff. */
  static final long QUIET_MILLIS = 600_000;

  synchronized boolean isQueued(String replicaName, int oid) {
    return requests.containsKey(replicaName) || requests.containsKey("#" + oid);
  }

  /** Takes every queued request (replication thread). */
  synchronized List<Request> takeRequests() {
    List<Request> out = new ArrayList<>(requests.values());
    requests.clear();
    return out;
  }

  private void signal() {
    work = true;
    wake.run();
  }

  /** Replaced tables waiting to be emptied and dropped: {@code _viewsync_trash_<oid>_<job>}. */
  static final String TRASH_PREFIX = "_viewsync_trash_";
  private static final int TRASH_CHUNK_ROWS = 8192;

  /**
   * Empties and drops a table the replica no longer uses (one a resync replaced), on a worker thread, in short
   * transactions under the write gate, so the stream never waits for more than one chunk. Any thread; a
   * failure is logged and the table is left for the next start ({@code Replicator} drops leftovers).
   */
  void discard(ReplicaStore store, String table) {
    workers.submit(() -> {
      String q = ReplicaStore.q(table);
      try (java.sql.Connection side = store.openSideWriter(); java.sql.Statement s = side.createStatement()) {
        java.util.concurrent.locks.ReentrantLock gate = store.writeGate();
        int deleted;
        do {
          gate.lock();
          try {
            deleted = s.executeUpdate("DELETE FROM " + q + " WHERE rowid IN (SELECT rowid FROM " + q + " LIMIT "
                + TRASH_CHUNK_ROWS + ")");
            side.commit();
          } finally {
            gate.unlock();
          }
        } while (deleted > 0 && !Thread.currentThread().isInterrupted());
        gate.lock();
        try {
          s.execute("DROP TABLE IF EXISTS " + q);
          side.commit();
        } finally {
          gate.unlock();
        }
        log.debug("dropped {}", table);
      } catch (java.sql.SQLException | RuntimeException e) {
        log.warn("could not drop the replaced table {} ({}); it is dropped at the next start", table, e.toString());
      }
    });
  }

  /** A finished copy still waits for the stream to reach its snapshot: keep {@link #hasWork()} up. */
  void stillWaiting() {
    work = true;
  }

  /** True when requests or finished copies wait for the replication thread; cheap, any thread. */
  boolean hasWork() {
    return work;
  }

  /** Starts a job (replication thread): from now on the table's stream changes are buffered. */
  Job begin(int oid, String reason, int attempt, CopyFactory copies) {
    Job old = jobs.remove(oid);
    if (old != null) {
      cancel(old);
    }
    Job job = new Job(oid, reason, attempt, ids.incrementAndGet());
    jobs.put(oid, job);
    Copy copy = copies.create(job, () -> {
      work = true;
      wake.run();
    });
    job.copy = copy;
    workers.submit(copy);
    return job;
  }

  /** The job buffering this table's changes, or null. Replication thread. */
  Job job(int oid) {
    return jobs.get(oid);
  }

  Map<Integer, Job> jobs() {
    return jobs;
  }

  /** Stops a job (the table was dropped, changed shape, or its resync starts over). Replication thread. */
  void cancel(int oid) {
    Job job = jobs.remove(oid);
    if (job != null) {
      cancel(job);
    }
  }

  private static void cancel(Job job) {
    job.cancelled = true;
    Copy c = job.copy;
    if (c != null) {
      c.cancel();
    }
  }

  /** Jobs whose copy has finished (ready, failed or gone), for the replication thread to act on. */
  List<Job> finished() {
    work = false;
    List<Job> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (j.phase != Phase.COPYING) {
        out.add(j);
      }
    }
    synchronized (this) {
      if (!requests.isEmpty()) {
        work = true;
      }
    }
    return out;
  }

  /** Removes a finished job. Replication thread. */
  void done(Job job) {
    jobs.remove(job.oid, job);
  }

  /** Publishes per-table copy progress for status: replica name → {rows done, estimate}. Replication thread. */
  void publishProgress(Map<Integer, TableName> names) {
    Map<String, Job> v = new HashMap<>();
    for (Job j : jobs.values()) {
      TableName n = names.get(j.oid);
      if (n != null) {
        v.put(n.replicaName(), j);
      }
    }
    visible = Map.copyOf(v);
  }

  /** Rows copied so far and the estimate, per replica table being resynced; any thread. */
  Map<String, long[]> progress() {
    Map<String, long[]> p = new HashMap<>();
    visible.forEach((name, j) -> p.put(name, new long[] {j.rowsDone.get(), j.estimate}));
    return p;
  }

  @Override
  public void close() {
    for (Job j : jobs.values()) {
      cancel(j);
    }
    timers.shutdownNow();
    workers.shutdownNow();
    log.debug("resyncs closed");
  }
}
