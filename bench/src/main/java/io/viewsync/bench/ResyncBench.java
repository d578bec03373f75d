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
import java.util.Comparator;
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
  private static final double TARGET_MS = 100;
  /** ResyncCopy's line: rows, copy ms, gate held ms, chunks, longest chunk ms. */
  private static final Pattern COPIED = Pattern.compile("resync of \\S+\\.big: (\\d+) rows copied in (\\d+) ms"
      + ".*write gate held (\\d+) ms in (\\d+) chunks, longest ([0-9.]+) ms");
  /** ReplicaWriter's line: replayed, swap ms, drop ms, rename and indexes ms, replay ms, commit ms. */
  private static final Pattern SWAPPED = Pattern.compile("resync of \\S+\\.big swapped in: (\\d+) buffered changes"
      + " replayed, (\\d+) ms \\(drop of the old table (\\d+) ms, rename and indexes (\\d+) ms, replay (\\d+) ms,"
      + " commit (\\d+) ms\\)");

  private final Upstream up;
  private final BenchSize size;
  private final Path work;

  ResyncBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  /** One round's figures; times in seconds or milliseconds as named. */
  private record Round(double bootstrapS, double copyS, double resyncS, double refWindowS, Gaps.Gap refGap,
      Gaps.Gap resyncGap, double swapGapMs, double copyPhaseGapMs, double upstreamRefGapMs,
      double upstreamResyncGapMs, double[] copied, double[] swapped, String largest) {}

  List<ResultTable> run() throws Exception {
    int n = size.resyncRows();
    ResultTable duration = new ResultTable("Per-table resync: duration (" + n + "-row table, "
        + STREAM_ROWS_PER_TX * 1_000_000_000L / STREAM_INTERVAL_NANOS + " rows/s streaming into another table)",
        "round", "bootstrap s", "COPY binary s", "resync s", "resync rows/s", "resync / COPY binary",
        "resync / bootstrap");
    ResultTable phases = new ResultTable("Per-table resync: where its time goes (the replicator's log lines)",
        "round", "copy s", "gate held by the copy s", "chunks", "longest chunk ms", "swap ms", "drop of the old table ms",
        "rename and indexes ms", "replay ms (changes)", "commit ms");
    ResultTable gaps = new ResultTable("Per-table resync: largest gap between watermark advances seen by a reader",
        "round", "window s", "reference ms", "during resync ms", "during / reference", "ending at the swap ms",
        "during the copy ms", "upstream commits: reference / resync ms");
    ResultTable largest = new ResultTable("Per-table resync: the five largest gaps during the resync",
        "round", "gap ms @ seconds after the request");
    List<Round> rounds = new ArrayList<>();
    double previousResync = 0;
    try (ChildReplicator child = ChildReplicator.launch(work.resolve("resync-replicator.log"), childLogLevel())) {
      for (int r = 0; r < size.rounds(); r++) {
        Round x = round(child, r, previousResync);
        previousResync = x.resyncS();
        rounds.add(x);
        duration.row(r + 1, f(x.bootstrapS(), 3), f(x.copyS(), 3), f(x.resyncS(), 3), f(n / x.resyncS(), 0),
            f(x.resyncS() / x.copyS(), 2), f(x.resyncS() / x.bootstrapS(), 2));
        double[] c = x.copied();
        double[] w = x.swapped();
        phases.row(r + 1, f(c[1] / 1000, 3), f(c[2] / 1000, 3), f(c[3], 0), f(c[4], 1), f(w[1], 0), f(w[2], 0),
            f(w[3], 0), f(w[4], 0) + " (" + f(w[0], 0) + ")", f(w[5], 0));
        gaps.row(r + 1, f(x.refWindowS(), 2) + " / " + f(x.resyncS(), 2), f(x.refGap().millis(), 1),
            f(x.resyncGap().millis(), 1), f(x.resyncGap().millis() / x.refGap().millis(), 2), f(x.swapGapMs(), 1),
            f(x.copyPhaseGapMs(), 1), f(x.upstreamRefGapMs(), 1) + " / " + f(x.upstreamResyncGapMs(), 1));
        largest.row(r + 1, x.largest());
      }
    }
    double[] resyncPerCopy = col(rounds, x -> x.resyncS() / x.copyS());
    double[] gapRatio = col(rounds, x -> x.resyncGap().millis() / x.refGap().millis());
    double maxGap = Stats.median(col(rounds, x -> x.resyncGap().millis()));
    double medianResync = Stats.median(col(rounds, Round::resyncS));
    duration.row("median", f(Stats.median(col(rounds, Round::bootstrapS)), 3),
        f(Stats.median(col(rounds, Round::copyS)), 3), f(medianResync, 3), f(n / medianResync, 0),
        f(Stats.median(resyncPerCopy), 2), f(Stats.median(col(rounds, x -> x.resyncS() / x.bootstrapS())), 2));
    phases.row("median", f(Stats.median(col(rounds, x -> x.copied()[1])) / 1000, 3),
        f(Stats.median(col(rounds, x -> x.copied()[2])) / 1000, 3), "",
        f(Stats.median(col(rounds, x -> x.copied()[4])), 1), f(Stats.median(col(rounds, x -> x.swapped()[1])), 0),
        f(Stats.median(col(rounds, x -> x.swapped()[2])), 0), f(Stats.median(col(rounds, x -> x.swapped()[3])), 0),
        f(Stats.median(col(rounds, x -> x.swapped()[4])), 0), f(Stats.median(col(rounds, x -> x.swapped()[5])), 0));
    gaps.row("median", "", f(Stats.median(col(rounds, x -> x.refGap().millis())), 1), f(maxGap, 1),
        f(Stats.median(gapRatio), 2), f(Stats.median(col(rounds, Round::swapGapMs)), 1),
        f(Stats.median(col(rounds, Round::copyPhaseGapMs)), 1),
        f(Stats.median(col(rounds, Round::upstreamRefGapMs)), 1) + " / "
            + f(Stats.median(col(rounds, Round::upstreamResyncGapMs)), 1));
    ResultTable verdict = new ResultTable("Per-table resync: target", "measure", "value");
    verdict.row("largest watermark gap during the resync (median of rounds)", f(maxGap, 1) + " ms"
        + (maxGap < TARGET_MS ? " (target < 100 ms met)"
            : " (target < 100 ms MISSED by " + f(maxGap - TARGET_MS, 1) + " ms)"));
    return List.of(duration, gaps, largest, phases, verdict);
  }

  private Round round(ChildReplicator child, int round, double previousResyncS) throws Exception {
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
      awaitStreamCount(dir, Long.parseLong(up.one(db, "SELECT count(*) FROM " + STREAM_TABLE)));
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
    return finish(child, db, dir, log, logLinesBefore, bootstrap, copy, tRequest, tSynced, preStart, advances,
        commits);
  }

  private Round finish(ChildReplicator child, String db, Path dir, Path log, long logLinesBefore,
      double bootstrap, double copy, long tRequest, long tSynced, long preStart, long[] advances, long[] commits)
      throws Exception {
    child.closeReplicator();
    long count = replicaCount(dir, TABLE);
    if (count != size.resyncRows()) {
      throw new IllegalStateException("replica has " + count + " rows in " + TABLE + ", expected " + size.resyncRows());
    }
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
    deleteTree(dir);
    return new Round(bootstrap, copy, d / 1e9, (tRequest - refFrom) / 1e9, ref, during.get(0), swapGap, copyGap,
        Gaps.max(commits, refFrom, tRequest).millis(), Gaps.max(commits, tRequest, tSynced).millis(), copied, swapped,
        top.toString());
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

  private static void awaitStreamCount(Path dir, long expected) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    long got;
    while ((got = replicaCount(dir, STREAM_TABLE)) != expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replica has " + got + " rows in " + STREAM_TABLE + ", upstream " + expected);
      }
      Thread.sleep(20);
    }
  }

  private static long replicaCount(Path dir, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static double[] col(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    return rounds.stream().mapToDouble(f).toArray();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
