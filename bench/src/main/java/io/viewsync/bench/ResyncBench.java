package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * Per-table resync under load: a {@code resyncRows}-row table {@code big} is copied again (operator request)
 * while a {@link PacedWriter} commits 1,000 rows/s (100 transactions of 10 rows) into {@code stream_t}.
 * Measured: the resync's duration, from the request to a reader seeing {@code big} "syncing" again, against a
 * raw binary {@code COPY} of the same table in the same round (and the bootstrap copy that started the
 * replicator); and the largest gap between successive watermark advances seen by a reader of replica.db
 * ({@link WatermarkPoller}) during the resync, against the same figure over an equally long window of the same
 * load just before the request. Upstream commit gaps are reported beside them, so that a stall of Postgres
 * itself is not blamed on the replica. Each round is a fresh database and replica.
 *
 * <p>The replicator runs in a child JVM ({@link ChildReplicator}, logging at INFO so that its resync lines give
 * the copy and swap times); runs on the caller's thread plus the poller and writer threads.
 */
final class ResyncBench {
  private static final String TABLE = "big";
  private static final String STREAM_TABLE = "stream_t";
  private static final int STREAM_ROWS_PER_TX = 10;
  private static final long STREAM_INTERVAL_NANOS = 10_000_000; // 100 transactions/s: 1,000 rows/s
  /** ResyncCopy's line: rows, copy ms, gate held ms, chunks, longest chunk ms. */
  private static final Pattern COPIED = Pattern.compile("resync of \\S+\\.big: (\\d+) rows copied in (\\d+) ms"
      + ".*write gate held (\\d+) ms in (\\d+) chunks, longest ([0-9.]+) ms");
  /** ReplicaWriter's line: replayed, swap ms, drop ms, rename and indexes ms, replay ms, commit ms. */
  private static final Pattern SWAPPED = Pattern.compile("resync of \\S+\\.big swapped in: (\\d+) buffered changes"
      + " replayed, (\\d+) ms \\(old table moved aside (\\d+) ms, rename and indexes (\\d+) ms, replay (\\d+) ms,"
      + " commit (\\d+) ms\\)");

  private final Upstream up;
  private final BenchSize size;
  private final Path work;

  ResyncBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  List<ResultTable> run() throws Exception {
    List<ResyncRound> rounds = new ArrayList<>();
    double previousResync = 0;
    try (ChildReplicator child = ChildReplicator.launch(work.resolve("resync-replicator.log"), childLogLevel())) {
      for (int r = 0; r < size.rounds(); r++) {
        ResyncRound x = round(child, r, previousResync);
        previousResync = x.resyncS();
        rounds.add(x);
      }
    }
    return ResyncReport.tables(size.resyncRows(), STREAM_ROWS_PER_TX * 1_000_000_000L / STREAM_INTERVAL_NANOS,
        rounds);
  }

  private ResyncRound round(ChildReplicator child, int round, double previousResyncS) throws Exception {
    String db = "bench_resync_" + round;
    Path dir = work.resolve("resync-" + round);
    up.createDatabase(db);
    up.exec(db, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, n bigint, pad text)",
        "INSERT INTO " + TABLE + " SELECT g, g::bigint * 7919, md5('p' || g) || md5('q' || g)"
            + " FROM generate_series(1, " + size.resyncRows() + ") g",
        "CREATE TABLE " + STREAM_TABLE + " (id bigserial PRIMARY KEY, v text)",
        "VACUUM (FREEZE, ANALYZE) " + TABLE, "CHECKPOINT");
    binaryCopy(db); // warms the page cache; not timed
    child.open(up.jdbcUrl(db), up.user(), dir, "viewsync");
    long t0 = System.nanoTime();
    child.start();
    child.awaitStreaming(1800);
    double bootstrap = (System.nanoTime() - t0) / 1e9;
    Path log = work.resolve("resync-replicator.log");
    long logLinesBefore;
    long preStart;
    long tRequest;
    long tSynced;
    double copy;
    long[] advances;
    long[] commits;
    String check;
    try (WatermarkPoller poller = WatermarkPoller.start(dir, TABLE)) {
      PacedWriter writer = PacedWriter.start(up.connect(db), STREAM_TABLE, STREAM_ROWS_PER_TX, STREAM_INTERVAL_NANOS);
      try {
        Thread.sleep(1000); // the stream settles (and the JIT warms its path) before the reference window
        // The reference window is as long as the resync, cut from the end of this wait: make it long enough.
        long wait = (long) (1000 * Math.max(3, Math.max(4 * bootstrap, 1.5 * previousResyncS)));
        preStart = System.nanoTime();
        Thread.sleep(wait);
        try (Stream<String> lines = Files.lines(log)) {
          logLinesBefore = lines.count();
        }
        tRequest = System.nanoTime();
        String result = child.resync(TABLE);
        if (!"ACCEPTED".equals(result)) {
          throw new IllegalStateException("resync of " + TABLE + " answered " + result);
        }
        long tResyncing = poller.awaitState("resyncing", tRequest, 60_000_000_000L);
        tSynced = poller.awaitState("syncing", tResyncing, 1_800_000_000_000L);
        Thread.sleep(200); // a few advances after the swap, so that the gap it ends is seen
        copy = binaryCopy(db); // under the same streaming load as the resync
      } finally {
        writer.close();
      }
      commits = writer.commits();
      check = check(db, dir);
      advances = poller.advances();
    }
    if (preStart > tRequest - (tSynced - tRequest)) {
      System.err.printf("resync round %d: the reference window is %.2f s, shorter than the resync (%.2f s)%n",
          round + 1, (tRequest - preStart) / 1e9, (tSynced - tRequest) / 1e9);
    }
    String[] st = child.status(TABLE);
    if (!"streaming".equals(st[0]) || !"syncing".equals(st[2])) {
      throw new IllegalStateException("after the resync the replicator says " + String.join(" ", st));
    }
    if (!"ok".equals(check)) {
      System.err.printf("resync round %d: the replica differs from upstream: %s (replica kept in %s)%n", round + 1,
          check, dir);
    }
    return finish(child, db, dir, log, logLinesBefore, bootstrap, copy, tRequest, tSynced, preStart, advances,
        commits, check);
  }

  private ResyncRound finish(ChildReplicator child, String db, Path dir, Path log, long logLinesBefore,
      double bootstrap, double copy, long tRequest, long tSynced, long preStart, long[] advances, long[] commits,
      String check) throws Exception {
    child.closeReplicator();
    long d = tSynced - tRequest;
    long refFrom = Math.max(preStart, tRequest - d);
    Gaps.Gap ref = Gaps.max(advances, refFrom, tRequest);
    List<Gaps.Gap> during = Gaps.overlapping(advances, tRequest, tSynced);
    double swapGap = Double.NaN;
    double copyGap = 0;
    for (Gaps.Gap g : during) {
      if (g.toNanos() == tSynced) {
        swapGap = g.millis(); // the read that first showed "syncing" also showed the swap's watermark
      } else if (g.toNanos() < tSynced) {
        copyGap = Math.max(copyGap, g.millis());
      }
    }
    StringBuilder top = new StringBuilder();
    for (Gaps.Gap g : during.subList(0, Math.min(5, during.size()))) {
      top.append(top.length() == 0 ? "" : ", ").append(f(g.millis(), 0)).append(" @ ")
          .append(f((g.fromNanos() - tRequest) / 1e9, 2)).append(g.toNanos() == tSynced ? " (swap)" : "");
    }
    List<String> lines;
    try (Stream<String> all = Files.lines(log)) {
      lines = all.skip(logLinesBefore).toList();
    }
    double[] copied = logged(lines, COPIED, log);
    double[] swapped = logged(lines, SWAPPED, log);
    up.dropDatabase(db);
    if ("ok".equals(check)) {
      deleteTree(dir); // about 200 MB; a replica that differs is kept for a look
    }
    return new ResyncRound(bootstrap, copy, d / 1e9, (tRequest - refFrom) / 1e9, ref, during.get(0), swapGap, copyGap,
        Gaps.max(commits, refFrom, tRequest).millis(), Gaps.max(commits, tRequest, tSynced).millis(), copied, swapped,
        top.toString(), check);
  }

  /** The numbers of the first line matching {@code p}, in group order. */
  private static double[] logged(List<String> lines, Pattern p, Path log) {
    for (String line : lines) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        double[] v = new double[m.groupCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = Double.parseDouble(m.group(i + 1));
        }
        return v;
      }
    }
    throw new IllegalStateException("no line matching /" + p + "/ in " + log);
  }

  /** The child logs at INFO (its resync lines are read), or finer if VIEWSYNC_LOG_LEVEL asks for it. */
  private static String childLogLevel() {
    String env = System.getenv().getOrDefault("VIEWSYNC_LOG_LEVEL", "INFO");
    return "-DVIEWSYNC_LOG_LEVEL=" + (env.equalsIgnoreCase("DEBUG") || env.equalsIgnoreCase("TRACE") ? env : "INFO");
  }

  private double binaryCopy(String db) throws Exception {
    try (Connection c = up.connect(db)) {
      long t0 = System.nanoTime();
      long rows = c.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (SELECT * FROM " + TABLE + ") TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
      double s = (System.nanoTime() - t0) / 1e9;
      if (rows != size.resyncRows()) {
        throw new IllegalStateException("COPY returned " + rows + " rows");
      }
      return s;
    }
  }

  /**
   * Compares the replica with upstream once the writer has stopped: {@code big} has all its rows, and
   * {@code stream_t} the same ids (waiting up to 15 s for the stream to catch up). Returns "ok" or what differs;
   * a benchmark reports a difference rather than dying on it, with the figures of the other rounds.
   */
  private String check(String db, Path dir) throws Exception {
    List<String> problems = new ArrayList<>();
    long big = replicaCount(dir, TABLE);
    if (big != size.resyncRows()) {
      problems.add(TABLE + " has " + big + " rows, not " + size.resyncRows());
    }
    long upstream = Long.parseLong(up.one(db, "SELECT count(*) FROM " + STREAM_TABLE));
    long deadline = System.nanoTime() + 15_000_000_000L;
    long got;
    while ((got = replicaCount(dir, STREAM_TABLE)) != upstream && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (got != upstream) {
      java.util.Set<Long> ids = new java.util.TreeSet<>();
      try (Connection c = up.connect(db); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT id FROM " + STREAM_TABLE)) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
           Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + STREAM_TABLE)) {
        while (rs.next()) {
          ids.remove(rs.getLong(1));
        }
      }
      problems.add(STREAM_TABLE + " has " + got + " rows, upstream " + upstream + "; missing ids "
          + ids.stream().limit(20).map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
    }
    return problems.isEmpty() ? "ok" : String.join("; ", problems);
  }

  private static long replicaCount(Path dir, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    io.viewsync.core.FileTrees.delete(dir);
  }
}
