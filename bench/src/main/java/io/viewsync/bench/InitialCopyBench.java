package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import io.viewsync.core.pg.PgBinaries;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * Initial copy of a {@code copyRows}-row table (text key, two text columns, a bigint; md5 text). References: the
 * raw binary {@code COPY … TO STDOUT} drained into a null stream through pgjdbc's CopyManager, and
 * {@code psql -c "\copy … to '/dev/null'"} (text format, includes psql's start). viewsync: a fresh replica
 * directory, from {@code start} until {@code status().phase()} is "streaming" (slot creation, copy, key index,
 * state). The page cache is warmed by one untimed COPY; then each round runs all three, alternating whether
 * viewsync goes first.
 *
 * <p>The replicator runs in a child JVM ({@link ChildReplicator}); runs on the caller's thread.
 */
final class InitialCopyBench {
  private static final String DB = "bench_copy";
  private static final String TABLE = "bench_copy";
  private static final String COPY_QUERY = "SELECT k, a, b, n FROM " + TABLE;

  private final Upstream up;
  private final BenchSize size;
  private final Path work;

  InitialCopyBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  List<ResultTable> run() throws Exception {
    up.createDatabase(DB);
    up.exec(DB, "CREATE TABLE " + TABLE + " (k text PRIMARY KEY, a text, b text, n bigint)",
        "INSERT INTO " + TABLE + " SELECT md5('k' || g), md5('a' || g), md5('b' || g) || md5('c' || g), g::bigint * 7919"
            + " FROM generate_series(1, " + size.copyRows() + ") g",
        "VACUUM (FREEZE, ANALYZE) " + TABLE, "CHECKPOINT");
    String tableSize = up.one(DB, "SELECT pg_size_pretty(pg_table_size('" + TABLE + "'))");
    binaryCopy(); // warms the page cache; not timed
    int rounds = size.rounds();
    double[] bin = new double[rounds];
    double[] psql = new double[rounds];
    double[] vs = new double[rounds];
    ResultTable table = new ResultTable("Initial copy (" + size.copyRows() + " rows, table " + tableSize
        + " in Postgres)", "round", "first", "COPY binary s", "psql \\copy s", "viewsync s", "viewsync / COPY binary");
    long peak;
    try (ChildReplicator child = ChildReplicator.launch(work.resolve("copy-replicator.log"))) {
      viewsyncCopy(child, 99); // uncounted warm-up round: the counted rounds measure a warmed-up JVM
      binaryCopy();
      for (int r = 0; r < rounds; r++) {
        boolean viewsyncFirst = r % 2 == 1;
        if (viewsyncFirst) {
          vs[r] = viewsyncCopy(child, r);
        }
        bin[r] = binaryCopy();
        psql[r] = psqlCopy();
        if (!viewsyncFirst) {
          vs[r] = viewsyncCopy(child, r);
        }
        table.row(r + 1, viewsyncFirst ? "viewsync" : "reference", f(bin[r], 3), f(psql[r], 3), f(vs[r], 3),
            f(vs[r] / bin[r], 2));
      }
      peak = child.peakRssKib();
    }
    up.dropDatabase(DB);
    double[] ratios = new double[vs.length]; // paired per round: median of the ratios
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = vs[i] / bin[i];
    }
    double ratio = Stats.median(ratios);
    table.row("median", "", f(Stats.median(bin), 3), f(Stats.median(psql), 3), f(Stats.median(vs), 3),
        f(ratio, 2) + (ratio <= 4 ? " (target <= 4 met)" : " (target <= 4 MISSED)"));
    ResultTable mem = new ResultTable("Initial copy: replicator child JVM (" + ChildReplicator.HEAP + ")",
        "measure", "value");
    mem.row("peak RSS (VmHWM) after all copy rounds", f(peak / 1024.0, 1) + " MiB");
    return List.of(table, mem);
  }

  private double binaryCopy() throws Exception {
    try (Connection c = up.connect(DB)) {
      long t0 = System.nanoTime();
      long rows = c.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (" + COPY_QUERY + ") TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
      double s = (System.nanoTime() - t0) / 1e9;
      if (rows != size.copyRows()) {
        throw new IllegalStateException("COPY returned " + rows + " rows");
      }
      return s;
    }
  }

  private double psqlCopy() throws Exception {
    Path psql = PgBinaries.discover().tool("psql");
    ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-q", "-h", up.host(), "-p",
        Integer.toString(up.port()), "-U", up.user(), "-d", DB, "-c", "\\copy (" + COPY_QUERY + ") to '/dev/null'")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("psql.log").toFile()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("psql \\copy failed; see " + work.resolve("psql.log"));
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private double viewsyncCopy(ChildReplicator child, int round) throws Exception {
    Path dir = work.resolve("copy-" + round);
    child.open(up.jdbcUrl(DB), up.user(), dir, "viewsync");
    long t0 = System.nanoTime();
    child.start();
    child.awaitStreaming(1800);
    double s = (System.nanoTime() - t0) / 1e9;
    child.closeReplicator();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
      rs.next();
      if (rs.getLong(1) != size.copyRows()) {
        throw new IllegalStateException("replica has " + rs.getLong(1) + " rows, expected " + size.copyRows());
      }
    }
    deleteTree(dir); // about 200 MB each at full size
    return s;
  }

  private static void deleteTree(Path dir) throws IOException {
    io.viewsync.core.FileTrees.delete(dir);
  }
}
