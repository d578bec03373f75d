package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle latency: single-row commits, spaced {@code latencySpacingMillis} apart, on a tiny table while both
 * consumers stream live. For each commit, t0 is taken just before {@code COMMIT} is issued; viewsync's time is
 * when a reader of replica.db (point lookup, 50 µs parks between polls) first sees the row; the reference's is
 * when {@code pg_recvlogical -f -} (own slot, stdout piped into this JVM) first shows the row's marker text.
 *
 * <p>The reader only starts polling once {@code commit()} has returned; viewsync is never that fast (it fsyncs
 * the replica first), so this does not bias the figures. Runs on the caller's thread plus one scanner thread.
 */
final class IdleLatencyBench {
  private static final String DB = "bench_latency";
  private static final String TABLE = "bench_tiny";

  private final Upstream up;
  private final BenchSize size;
  private final Path work;

  IdleLatencyBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  List<ResultTable> run() throws Exception {
    int total = size.latencyWarmup() + size.latencyCommits();
    double[] vs = new double[size.latencyCommits()];
    double[] ref = new double[size.latencyCommits()];
    double[] extra = new double[size.latencyCommits()];
    Path dir = work.resolve("latency");
    up.createDatabase(DB);
    up.exec(DB, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, tag text)");
    long peak;
    try (ChildReplicator child = ChildReplicator.launch(work.resolve("latency-replicator.log"))) {
      child.open(up.jdbcUrl(DB), up.user(), dir, "viewsync");
      child.start();
      child.awaitStreaming(120);
      up.exec(DB, "SELECT pg_create_logical_replication_slot('ref', 'pgoutput')");
      try (RecvLogical recv = RecvLogical.stream(up, DB, "ref", work.resolve("pg_recvlogical.log"));
           ReplicaPoller poller = new ReplicaPoller(dir, TABLE, "id");
           Connection c = up.connect(DB)) {
        MarkerScanner scanner = new MarkerScanner(recv.output(), total);
        Thread t = new Thread(scanner, "bench-recvlogical-scanner");
        t.setDaemon(true);
        t.start();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, tag) VALUES (?, ?)")) {
          for (int k = 0; k < total; k++) {
            ps.setLong(1, k);
            ps.setString(2, MarkerScanner.marker(k));
            ps.executeUpdate();
            long t0 = System.nanoTime();
            c.commit();
            long seenVs = poller.awaitVisible((long) k, 50_000, 30_000_000_000L);
            long seenRef = awaitMarker(scanner, k);
            if (k >= size.latencyWarmup()) {
              int i = k - size.latencyWarmup();
              vs[i] = (seenVs - t0) / 1e6;
              ref[i] = (seenRef - t0) / 1e6;
              extra[i] = vs[i] - ref[i];
            }
            long next = t0 + size.latencySpacingMillis() * 1_000_000;
            while (System.nanoTime() < next) {
              LockSupport.parkNanos(next - System.nanoTime());
            }
          }
        }
      }
      child.closeReplicator();
      peak = child.peakRssKib();
    }
    up.dropDatabase(DB);
    ResultTable table = new ResultTable("Idle latency (" + size.latencyCommits() + " single-row commits, "
        + size.latencySpacingMillis() + " ms apart, after " + size.latencyWarmup() + " warm-up commits)",
        "from just before COMMIT to", "median ms", "p90 ms", "p99 ms", "max ms");
    row(table, "pg_recvlogical shows the row", ref);
    row(table, "viewsync replica shows the row", vs);
    row(table, "extra delay (viewsync - reference)", extra);
    double m = Stats.median(extra);
    ResultTable verdict = new ResultTable("Idle latency: target and memory", "measure", "value");
    verdict.row("median extra delay", f(m, 2) + " ms" + (m < 2 ? " (target < 2 ms met)" : " (target < 2 ms MISSED)"));
    verdict.row("replicator child peak RSS (VmHWM)", f(peak / 1024.0, 1) + " MiB");
    return List.of(table, verdict);
  }

  private static void row(ResultTable t, String what, double[] v) {
    double max = Stats.percentile(v, 100);
    t.row(what, f(Stats.median(v), 2), f(Stats.percentile(v, 90), 2), f(Stats.percentile(v, 99), 2), f(max, 2));
  }

  private static long awaitMarker(MarkerScanner scanner, int k) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long seen;
    while ((seen = scanner.seenAt(k)) == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pg_recvlogical did not show marker " + k + " within 30 s");
      }
      LockSupport.parkNanos(50_000);
    }
    return seen;
  }
}
