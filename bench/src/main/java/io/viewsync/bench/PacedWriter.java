package io.viewsync.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady upstream load: one transaction of {@code rowsPerTx} inserts into {@code table(v)} every
 * {@code intervalNanos}, on a fixed schedule (a late transaction does not push the later ones back, so the
 * average rate holds). Records when each commit returned, so that a stall of the upstream itself can be told
 * from a stall of the replica.
 *
 * <p>Threads: {@link #run()} on one thread of its own; the other methods from any thread.
 */
final class PacedWriter implements Runnable, AutoCloseable {
  private final Connection connection;
  private final String insert;
  private final long intervalNanos;
  private final int rowsPerTx;
  private final Thread thread;
  private long[] commits = new long[1024];
  private int commitCount;
  private volatile boolean stopped;
  private volatile Throwable failure;

  private PacedWriter(Connection connection, String table, int rowsPerTx, long intervalNanos) {
    this.connection = connection;
    this.rowsPerTx = rowsPerTx;
    this.intervalNanos = intervalNanos;
    this.insert = "INSERT INTO " + table + " (v) SELECT md5(random()::text) FROM generate_series(1, " + rowsPerTx + ")";
    this.thread = new Thread(this, "bench-paced-writer");
    thread.setDaemon(true);
  }

  /** Starts writing on a thread of its own; the connection is closed by {@link #close()}. */
  static PacedWriter start(Connection connection, String table, int rowsPerTx, long intervalNanos)
      throws SQLException {
    connection.setAutoCommit(false);
    PacedWriter w = new PacedWriter(connection, table, rowsPerTx, intervalNanos);
    w.thread.start();
    return w;
  }

  @Override
  public void run() {
    try (Statement s = connection.createStatement()) {
      long next = System.nanoTime();
      while (!stopped) {
        s.executeUpdate(insert);
        connection.commit();
        long now = System.nanoTime();
        synchronized (this) {
          if (commitCount == commits.length) {
            commits = Arrays.copyOf(commits, commitCount * 2);
          }
          commits[commitCount++] = now;
        }
        next += intervalNanos;
        while (!stopped && System.nanoTime() < next) {
          LockSupport.parkNanos(next - System.nanoTime());
        }
      }
    } catch (SQLException | RuntimeException e) {
      failure = e;
    }
  }

  /** When each commit returned, in order. */
  synchronized long[] commits() {
    return Arrays.copyOf(commits, commitCount);
  }

  /** Rows committed so far. */
  synchronized long rows() {
    return (long) commitCount * rowsPerTx;
  }

  /** Stops after the transaction in flight, if any; closes the connection. */
  @Override
  public void close() throws InterruptedException, SQLException {
    stopped = true;
    thread.join(30_000);
    connection.close();
    if (failure != null) {
      throw new IllegalStateException("the paced writer failed: " + failure, failure);
    }
  }
}
