package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Apply throughput: {@code applyTransactions} transactions of {@code applyRowsPerTx} single-row inserts.
 *
 * <p>Drain: the backlog is written while nothing consumes it, then timed twice from the same WAL: the reference,
 * {@code pg_recvlogical --endpos L -f /dev/null} on its own slot (receive only), and viewsync, from starting a
 * replicator on its existing replica and slot until the last row (the marker) is visible to a reader of
 * replica.db. The two run one after the other, in alternating order between rounds.
 *
 * <p>Live: the replicator streams while the workload commits; reported are the upstream commit rate, the
 * end-to-end rate (first insert to marker visible) and the lag at the end (last commit to marker visible).
 *
 * <p>The replicator runs in a child JVM ({@link ChildReplicator}); runs on the caller's thread.
 */
final class ApplyThroughputBench {
  private static final String TABLE = "bench_apply";

  private final Upstream up;
  private final BenchSize size;
  private final Path work;

  ApplyThroughputBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  List<ResultTable> run() throws Exception {
    int n = size.applyRows();
    ResultTable drain = new ResultTable("Apply throughput, drain (" + size.applyTransactions() + " tx x "
        + size.applyRowsPerTx() + " single-row inserts = " + n + " rows)",
        "round", "first", "pg_recvlogical s", "pg_recvlogical rows/s", "viewsync s", "viewsync rows/s",
        "viewsync/reference");
    ResultTable live = new ResultTable("Apply throughput, live (replicator streaming while " + n
        + " rows commit)", "round", "upstream commit rows/s", "end-to-end rows/s", "lag at end ms");
    double[] ref = new double[size.rounds()];
    double[] vs = new double[size.rounds()];
    double[] e2e = new double[size.rounds()];
    double[] lag = new double[size.rounds()];
    long peak;
    try (ChildReplicator child = ChildReplicator.launch(work.resolve("apply-replicator.log"))) {
      // One uncounted round first, so the counted ones measure a warmed-up JVM, as a long-running service is
      // (the cold round alone used to be ~1.6x slower than the rest).
      drainRound(child, 99, false);
      liveRound(child, 99);
      for (int r = 0; r < size.rounds(); r++) {
        double[] d = drainRound(child, r, r % 2 == 1);
        ref[r] = d[0];
        vs[r] = d[1];
        drain.row(r + 1, r % 2 == 1 ? "viewsync" : "reference", f(d[0], 3), f(n / d[0], 0), f(d[1], 3),
            f(n / d[1], 0), f(d[0] / d[1], 2));
        double[] l = liveRound(child, r);
        e2e[r] = l[1];
        lag[r] = l[2];
        live.row(r + 1, f(l[0], 0), f(l[1], 0), f(l[2], 1));
      }
      peak = child.peakRssKib();
    }
    double refMedian = Stats.median(ref);
    double vsMedian = Stats.median(vs);
    // The ratio is paired per round (both consumers drained the same WAL back to back): median of the ratios.
    double[] ratios = new double[ref.length];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = ref[i] / vs[i];
    }
    double ratio = Stats.median(ratios);
    drain.row("median", "", f(refMedian, 3), f(n / refMedian, 0), f(vsMedian, 3), f(n / vsMedian, 0),
        f(ratio, 2) + (ratio >= 0.7 ? " (target >= 0.7 met)" : " (target >= 0.7 MISSED)"));
    live.row("median", "", f(Stats.median(e2e), 0), f(Stats.median(lag), 1));
    ResultTable mem = new ResultTable("Apply throughput: replicator child JVM (" + ChildReplicator.HEAP + ")",
        "measure", "value");
    mem.row("peak RSS (VmHWM) after all drain and live rounds", f(peak / 1024.0, 1) + " MiB");
    return List.of(drain, live, mem);
  }

  /** Returns {reference seconds, viewsync seconds}. */
  private double[] drainRound(ChildReplicator child, int round, boolean viewsyncFirst) throws Exception {
    String db = "bench_apply_" + round;
    Path dir = work.resolve("apply-drain-" + round);
    up.createDatabase(db);
    up.exec(db, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, a text, b text, n bigint)");
    // Once on the empty table: creates the publication, the slot and the (empty) replica.
    child.open(up.jdbcUrl(db), up.user(), dir, "viewsync");
    child.start();
    child.awaitStreaming(120);
    child.closeReplicator();
    up.exec(db, "SELECT pg_create_logical_replication_slot('ref', 'pgoutput')");
    try (Connection c = up.connect(db)) {
      workload(c);
    }
    String endLsn = up.one(db, "SELECT pg_current_wal_lsn()::text");
    double refSeconds = 0;
    double vsSeconds;
    Path log = work.resolve("pg_recvlogical.log");
    if (!viewsyncFirst) {
      refSeconds = RecvLogical.drain(up, db, "ref", endLsn, log) / 1e9;
    }
    try (ReplicaPoller poller = new ReplicaPoller(dir, TABLE, "id")) {
      child.open(up.jdbcUrl(db), up.user(), dir, "viewsync");
      long t0 = System.nanoTime();
      child.start();
      long seen = poller.awaitVisible((long) size.applyRows(), 1_000_000, 600_000_000_000L);
      vsSeconds = (seen - t0) / 1e9;
      child.awaitStreaming(60);
      child.closeReplicator();
    }
    if (viewsyncFirst) {
      refSeconds = RecvLogical.drain(up, db, "ref", endLsn, log) / 1e9;
    }
    checkCount(dir);
    up.dropDatabase(db);
    return new double[] {refSeconds, vsSeconds};
  }

  /** Returns {upstream commit rows/s, end-to-end rows/s, lag at end in ms}. */
  private double[] liveRound(ChildReplicator child, int round) throws Exception {
    String db = "bench_live_" + round;
    Path dir = work.resolve("apply-live-" + round);
    up.createDatabase(db);
    up.exec(db, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, a text, b text, n bigint)");
    child.open(up.jdbcUrl(db), up.user(), dir, "viewsync");
    child.start();
    child.awaitStreaming(120);
    long[] t;
    long seen;
    try (ReplicaPoller poller = new ReplicaPoller(dir, TABLE, "id"); Connection c = up.connect(db)) {
      t = workload(c);
      seen = poller.awaitVisible((long) size.applyRows(), 200_000, 600_000_000_000L);
    }
    child.closeReplicator();
    checkCount(dir);
    up.dropDatabase(db);
    int n = size.applyRows();
    return new double[] {n / ((t[1] - t[0]) / 1e9), n / ((seen - t[0]) / 1e9), (seen - t[1]) / 1e6};
  }

  /** Inserts rows 1..N, one statement per row, committing every applyRowsPerTx; returns {start, last commit} nanos. */
  private long[] workload(Connection c) throws SQLException {
    c.setAutoCommit(false);
    long start = System.nanoTime();
    long id = 0;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, a, b, n) VALUES (?, ?, ?, ?)")) {
      for (int tx = 0; tx < size.applyTransactions(); tx++) {
        for (int i = 0; i < size.applyRowsPerTx(); i++) {
          id++;
          ps.setLong(1, id);
          ps.setString(2, hex(id, 2)); // 32 characters, like an md5
          ps.setString(3, hex(id * 31, 4)); // 64 characters
          ps.setLong(4, id * 7919);
          ps.addBatch(); // pgjdbc sends the batch as separate single-row INSERTs in one round trip
        }
        ps.executeBatch();
        c.commit();
      }
    }
    return new long[] {start, System.nanoTime()};
  }

  private static String hex(long seed, int words) {
    StringBuilder b = new StringBuilder();
    long x = seed;
    for (int i = 0; i < words; i++) {
      x = x * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
      long z = (x ^ (x >>> 31)) * 0xBF58476D1CE4E5B9L;
      b.append(String.format("%016x", z ^ (z >>> 29)));
    }
    return b.toString();
  }

  private void checkCount(Path dir) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
      rs.next();
      if (rs.getLong(1) != size.applyRows()) {
        throw new IllegalStateException("replica has " + rs.getLong(1) + " rows, expected " + size.applyRows());
      }
    }
  }
}
