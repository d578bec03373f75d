package io.viewsync.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * A reader of the replica file, as a view syncer would read it: its own read-only SQLite connection, a point
 * lookup by primary key per poll, each poll its own short read transaction (autocommit).
 *
 * <p>One thread only.
 */
final class ReplicaPoller implements AutoCloseable {
  private final Connection connection;
  private final PreparedStatement lookup;

  ReplicaPoller(Path replicaDir, String table, String keyColumn) throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + replicaDir.resolve("replica.db") + "?open_mode=1");
    lookup = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?");
  }

  boolean visible(Object key) throws SQLException {
    lookup.setObject(1, key);
    try (ResultSet rs = lookup.executeQuery()) {
      return rs.next();
    } catch (SQLException e) {
      if (e.getMessage().contains("no such table")) {
        return false; // the replica is still being created
      }
      throw e;
    }
  }

  /**
   * Polls until the row is visible, parking {@code pauseNanos} between polls (the machine has 2 cores: a hot
   * spin would take CPU from the replicator it is timing); returns {@link System#nanoTime()} when it was seen.
   */
  long awaitVisible(Object key, long pauseNanos, long timeoutNanos) throws SQLException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      if (visible(key)) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("row " + key + " not visible in the replica after "
            + timeoutNanos / 1_000_000_000 + " s");
      }
      LockSupport.parkNanos(pauseNanos);
    }
  }

  @Override
  public void close() throws SQLException {
    lookup.close();
    connection.close();
  }
}
