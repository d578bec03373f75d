package io.viewsync.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches a replica as a reader of replica.db sees it: about every millisecond, one short read transaction
 * (its own read-only SQLite connection) reads the durable watermark ({@code _viewsync_state}) and the state of
 * one table ({@code _viewsync_tables}). It records when the watermark was first seen to change and when the
 * table's state was first seen to change; both come from the same read, so the poll that first shows a swapped-in
 * resync also shows the watermark its commit wrote.
 *
 * <p>Threads: {@link #run()} on one thread of its own; the other methods from any thread.
 */
final class WatermarkPoller implements Runnable, AutoCloseable {
  private static final long PAUSE_NANOS = 1_000_000;

  /** The table's state as first seen at {@code nanos} ({@link System#nanoTime()}). */
  record StateChange(long nanos, String state) {}

  private final Path replicaDir;
  private final String table;
  private long[] advances = new long[1024];
  private int advanceCount;
  private final List<StateChange> states = new ArrayList<>();
  private volatile boolean stopped;
  private volatile Throwable failure;
  private final Thread thread;

  private WatermarkPoller(Path replicaDir, String table) {
    this.replicaDir = replicaDir;
    this.table = table;
    this.thread = new Thread(this, "bench-watermark-poller");
    thread.setDaemon(true);
  }

  /** Starts polling {@code replicaDir/replica.db} on a thread of its own. */
  static WatermarkPoller start(Path replicaDir, String table) {
    WatermarkPoller p = new WatermarkPoller(replicaDir, table);
    p.thread.start();
    return p;
  }

  @Override
  public void run() {
    String sql = "SELECT (SELECT value FROM _viewsync_state WHERE key = 'watermark'),"
        + " (SELECT state FROM _viewsync_tables WHERE name = ?)";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replicaDir.resolve("replica.db") + "?open_mode=1");
         PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table);
      String lastWatermark = null;
      String lastState = null;
      while (!stopped) {
        String watermark;
        String state;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          watermark = rs.getString(1);
          state = rs.getString(2);
        }
        long now = System.nanoTime();
        synchronized (this) {
          if (lastWatermark != null && !Objects.equals(watermark, lastWatermark)) {
            if (advanceCount == advances.length) {
              advances = Arrays.copyOf(advances, advanceCount * 2);
            }
            advances[advanceCount++] = now;
          }
          if (!Objects.equals(state, lastState)) {
            states.add(new StateChange(now, state));
          }
        }
        lastWatermark = watermark;
        lastState = state;
        // A park, not a spin: the machine has 2 cores and the replicator being watched needs them.
        LockSupport.parkNanos(PAUSE_NANOS);
      }
    } catch (SQLException | RuntimeException e) {
      failure = e;
    }
  }

  /**
   * Waits until the table is first seen in {@code state} at or after {@code afterNanos}; returns when. Checks
   * every 10 ms (the time returned is the poller's, not this method's).
   */
  long awaitState(String state, long afterNanos, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      if (failure != null) {
        throw new IllegalStateException("the watermark poller failed: " + failure, failure);
      }
      synchronized (this) {
        for (StateChange s : states) {
          if (s.nanos() >= afterNanos && state.equals(s.state())) {
            return s.nanos();
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table " + table + " not seen " + state + " within "
            + timeoutNanos / 1_000_000_000 + " s");
      }
      Thread.sleep(10);
    }
  }

  /** Times at which watermark advances were first seen, in order. */
  synchronized long[] advances() {
    return Arrays.copyOf(advances, advanceCount);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(5_000);
    if (failure != null) {
      throw new IllegalStateException("the watermark poller failed: " + failure, failure);
    }
  }
}
