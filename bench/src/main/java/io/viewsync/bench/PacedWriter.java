package io.viewsync.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady upstream load: one transaction every {@code intervalNanos}, on a fixed schedule (a late transaction
 * does not push the later ones back, so the average rate holds): {@code rowsPerTx} inserts into {@code table(v)},
 * or any {@link Transaction}. Records when each commit returned, so that a stall of the upstream itself can be
 * told from a stall of the replica.
 *
 * <p>Threads: {@link #run()} on one thread of its own; the other methods from any thread.
 */
final class PacedWriter implements Runnable, AutoCloseable {
  /** One paced transaction, committed before it returns. Runs on the writer's thread. */
  @FunctionalInterface
  interface Transaction {
    /** @param seq 0 for the first transaction, then 1, 2, … */
    void run(Connection connection, long seq) throws SQLException;
  }

  private final Connection connection;
  private final Transaction transaction;
  private final long intervalNanos;
  private final int rowsPerTx;
  private final Thread thread;
  private long[] commits = new long[1024];
  private int commitCount;
  private volatile boolean stopped;
  private volatile Throwable failure;

  private PacedWriter(Connection connection, Transaction transaction, int rowsPerTx, long intervalNanos) {
    this.connection = connection;
    this.transaction = transaction;
    this.rowsPerTx = rowsPerTx;
    this.intervalNanos = intervalNanos;
    this.thread = new Thread(this, "bench-paced-writer");
    thread.setDaemon(true);
  }

  /**
   * Starts inserting {@code rowsPerTx} rows ({@code v} = an md5 string) into {@code table} per transaction, on a
   * thread of its own; the connection is closed by {@link #close()}.
   */
  static PacedWriter start(Connection connection, String table, int rowsPerTx, long intervalNanos)
      throws SQLException {
    connection.setAutoCommit(false);
    String insert = "INSERT INTO " + table + " (v) SELECT md5(random()::text) FROM generate_series(1, " + rowsPerTx
        + ")";
    Statement s = connection.createStatement(); // closed with the connection
    return start(connection, (c, seq) -> {
      s.executeUpdate(insert);
      c.commit();
    }, rowsPerTx, intervalNanos);
  }

  /**
   * Starts running {@code transaction} (which commits, and writes {@code rowsPerTx} rows) every
   * {@code intervalNanos} on a thread of its own; the connection, as the caller set it up, is closed by
   * {@link #close()}.
   */
  static PacedWriter start(Connection connection, Transaction transaction, int rowsPerTx, long intervalNanos) {
    PacedWriter w = new PacedWriter(connection, transaction, rowsPerTx, intervalNanos);
    w.thread.start();
    return w;
  }

  @Override
  public void run() {
    try {
      long next = System.nanoTime();
      for (long seq = 0; !stopped; seq++) {
        transaction.run(connection, seq);
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
