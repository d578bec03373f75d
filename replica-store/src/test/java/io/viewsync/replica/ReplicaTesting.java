package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Shared pieces of the replication integration tests. */
public final class ReplicaTesting {
  private ReplicaTesting() {}

  /** Larger workloads with -Dviewsync.stress=true; CI runs the small size, which still catches bugs. */
  public static int scaled(int ciSize, int stressSize) {
    return Boolean.getBoolean("viewsync.stress") ? stressSize : ciSize;
  }

  /** The workload seed: -Dviewsync.seed=N to replay one, else a fresh one (printed by each test). */
  public static long seed() {
    String s = System.getProperty("viewsync.seed");
    long seed = s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s);
    System.out.println("workload seed: " + seed + " (replay with -Dviewsync.seed=" + seed + ")");
    return seed;
  }

  public static PgConnector connector(TestDatabase db) {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    if (db.password() != null) {
      p.setProperty("password", db.password());
    }
    return new PgConnector(db.jdbcUrl(), p);
  }

  public static ReplicatorConfig config(TestDatabase db, Path dir) {
    return ReplicatorConfig.defaults(connector(db), dir).withSlot(slotName(db));
  }

  /** Slots are cluster-wide; one per test database keeps test classes apart. */
  public static String slotName(TestDatabase db) {
    String s = ("vs_" + db.databaseName()).toLowerCase().replaceAll("[^a-z0-9_]", "_");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  public static Replicator startStreaming(ReplicatorConfig config) throws Exception {
    Replicator r = new Replicator(config, lsn -> { });
    r.start();
    boolean streaming = ReplicaOracle.await(120_000, () -> "streaming".equals(r.status().phase()));
    assertThat(streaming).as("replicator reached streaming: %s", r.status()).isTrue();
    return r;
  }

  /** Waits until every table's replica equals upstream; fails with the differences otherwise. */
  public static void assertConverges(TestDatabase db, Path dir, List<String> tables, long timeoutMillis)
      throws Exception {
    List<String> last = new ArrayList<>();
    boolean ok = ReplicaOracle.await(timeoutMillis, () -> {
      try (Connection c = db.connect()) {
        last.clear();
        for (String t : tables) {
          int dot = t.indexOf('.');
          last.addAll(ReplicaOracle.diff(c, dir, dot < 0 ? "public" : t.substring(0, dot), t.substring(dot + 1), 20));
        }
        return last.isEmpty();
      } catch (SQLException e) {
        last.add("oracle failed: " + e);
        return false;
      }
    });
    assertThat(ok).as("replica equals upstream; differences: %s", last).isTrue();
  }

  public static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Creates the marker table {@link #marker} updates (it is replicated like any table; queries do not read it). */
  public static void createMarker(TestDatabase db) throws SQLException {
    db.execute("CREATE TABLE IF NOT EXISTS zz_marker (id int PRIMARY KEY, n bigint)",
        "INSERT INTO zz_marker VALUES (1, 0) ON CONFLICT DO NOTHING");
  }

  /**
   * A marker transaction after everything else; returns a position its commit is at or after and every earlier
   * commit is before, so a replica whose watermark reached it has every transaction so far.
   */
  public static io.viewsync.core.Lsn marker(Connection pg) throws SQLException {
    pg.setAutoCommit(false);
    try (var s = pg.createStatement()) {
      s.executeUpdate("UPDATE zz_marker SET n = n + 1");
      io.viewsync.core.Lsn lsn;
      try (var rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
        rs.next();
        lsn = io.viewsync.core.Lsn.parse(rs.getString(1));
      }
      pg.commit();
      return lsn;
    } finally {
      pg.setAutoCommit(true);
    }
  }
}
