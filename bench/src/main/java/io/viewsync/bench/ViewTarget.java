package io.viewsync.bench;

import io.viewsync.core.Lsn;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.PgOracleSql;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.RowRef;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.Snapshotter;
import io.viewsync.replica.Views;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One table size of the view benchmark: its upstream database ({@code issues}, {@code comments}, {@code users}),
 * a replicator running in this JVM on its own replica, the {@link Views} over that replica, a bare
 * {@link Snapshotter} (the reference: reading the change log and the rows before and after, which any advance
 * needs), and the workload that writes to it.
 *
 * <p>Single-threaded (the bench's thread), apart from the replicator's own threads.
 */
final class ViewTarget implements AutoCloseable {
  /** Larger than any batch: every advance is pushed incrementally, never turned into a re-hydration. */
  private static final int MAX_INCREMENTAL = 1_000_000;

  final int rows;
  final String db;
  final Path dir;
  final double copySeconds;
  final Replicator replicator;
  final Views views;
  final Snapshotter reference;
  final ViewWorkload workload;
  final List<Long> owned;
  private final Upstream up;
  private final Connection writer;
  private Lsn written = Lsn.ZERO;

  private ViewTarget(Upstream up, int rows, String db, Path dir, double copySeconds, Replicator replicator,
      Connection writer, List<Long> owned) throws SQLException {
    this.up = up;
    this.rows = rows;
    this.db = db;
    this.dir = dir;
    this.copySeconds = copySeconds;
    this.replicator = replicator;
    this.views = new Views(replicator.store(), QueryLimits.DEFAULTS, MAX_INCREMENTAL);
    this.reference = new Snapshotter(replicator.store());
    this.writer = writer;
    this.owned = owned;
    this.workload = new ViewWorkload(writer, rows, 42);
  }

  /**
   * Creates the database ({@code rows} issues and comments, 1,000 users; seeded, so every run has the same data),
   * replicates it into a fresh replica in {@code work} (the initial copy) and opens the views.
   */
  static ViewTarget create(Upstream up, Path work, int rows) throws Exception {
    String db = "bench_views_" + rows;
    Path dir = work.resolve("views-" + rows);
    up.createDatabase(db);
    // No upstream index besides the keys: the replica would mirror it, and the query indexes the views need are
    // what is measured.
    up.exec(db, "CREATE TABLE users (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE issues (id bigint PRIMARY KEY, status text, modified bigint, owner_id bigint, title text)",
        "CREATE TABLE comments (id bigint PRIMARY KEY, issue_id bigint, created bigint, author_id bigint, body text)",
        "SELECT setseed(0.25)",
        "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, " + ViewWorkload.USERS + ") g",
        "INSERT INTO issues SELECT g, CASE WHEN random() < 0.3 THEN 'open' ELSE 'closed' END, "
            + ViewWorkload.T0 + " + floor(random() * " + ViewWorkload.SPAN + ")::bigint, "
            + "1 + floor(random() * " + ViewWorkload.USERS + ")::bigint, 'issue ' || g || ' ' || md5(g::text)"
            + " FROM generate_series(1, " + rows + ") g",
        "INSERT INTO comments SELECT g, 1 + floor(random() * " + rows + ")::bigint, "
            + ViewWorkload.T0 + " + floor(random() * " + ViewWorkload.SPAN + ")::bigint, "
            + "1 + floor(random() * " + ViewWorkload.USERS + ")::bigint, md5(g::text) || md5((-g)::text)"
            + " FROM generate_series(1, " + rows + ") g",
        "VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
    List<Long> owned = new ArrayList<>();
    try (Connection c = up.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id FROM issues WHERE owner_id = " + ViewWorkload.OWNER + " ORDER BY id")) {
      while (rs.next()) {
        owned.add(rs.getLong(1));
      }
    }
    Properties p = new Properties();
    p.setProperty("user", up.user());
    ReplicatorConfig config = ReplicatorConfig.defaults(new PgConnector(up.jdbcUrl(db), p), dir)
        .withSlot("vs_" + db);
    Replicator r = new Replicator(config, lsn -> { });
    long t0 = System.nanoTime();
    r.start();
    long deadline = t0 + 1_800_000_000_000L;
    while (!"streaming".equals(r.status().phase())) {
      if (r.terminated().isCompletedExceptionally() || System.nanoTime() > deadline) {
        r.close();
        throw new IllegalStateException("the replicator of " + db + " did not reach streaming: " + r.status());
      }
      Thread.sleep(1);
    }
    double copy = (System.nanoTime() - t0) / 1e9;
    return new ViewTarget(up, rows, db, dir, copy, r, up.connect(db), owned);
  }

  /** Runs one workload transaction; remembers its position, so that {@link #awaitReplica} waits for it. */
  void write(ViewWorkload.Kind kind, ViewWorkload.Picks picks) throws SQLException {
    remember(workload.run(kind, picks));
  }

  void moveToEnd(long issue) throws SQLException {
    remember(workload.moveToEnd(issue));
  }

  private void remember(Lsn lsn) {
    if (lsn != null && written.isAtOrBefore(lsn)) {
      written = lsn;
    }
  }

  /** Waits until the replica has applied every transaction written so far. */
  void awaitReplica() throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!written.isAtOrBefore(replicator.watermark())) {
      if (System.nanoTime() > deadline || replicator.terminated().isDone()) {
        throw new IllegalStateException("replica of " + db + " did not reach " + written + ": " + replicator.status());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
  }

  /** The keys (one-column {@code id}) of {@code table}'s rows in a view now, sorted. */
  List<Long> ids(QueryHash view, String table) {
    List<Long> out = new ArrayList<>();
    for (RowRef ref : views.rows(view).keySet()) {
      if (ref.table().equals(table)) {
        out.add((Long) ref.key().get("id"));
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Change-log entries (rows changed) in (from, to]; read on the views' current snapshot. */
  long changesBetween(Lsn from, Lsn to) throws SQLException {
    try (PreparedStatement ps = views.snapshot().connection().prepareStatement(
        "SELECT count(*) FROM _viewsync_changes WHERE version > ? AND version <= ?")) {
      ps.setLong(1, from.value());
      ps.setLong(2, to.value());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The query indexes recorded in the replica (name → columns), read on the views' current snapshot. */
  Map<String, String> queryIndexes() throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Connection c = replicator.store().openReader(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, table_name, columns FROM _viewsync_query_indexes")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2) + " (" + rs.getString(3) + ")");
      }
    }
    return out;
  }

  /** Size of replica.db (and its WAL) in MiB. */
  double replicaMib() throws IOException {
    long bytes = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
    }
    return bytes / 1048576.0;
  }

  /**
   * Compares a view with its query run on Postgres ({@link PgOracleSql}) now, once the replica and the views have
   * every transaction: the ordered result tree of the pipeline's fetch, and the view's rows (membership and values).
   * Returns "ok" or what differs.
   */
  String check(QueryHash view, Query query) throws SQLException {
    Map<String, TableSpec> specs = views.snapshot().tables();
    Query normalized = new Normalizer(specs).normalize(query);
    List<ResultNode> expected;
    try (Connection pg = up.connect(db)) {
      expected = PgOracleSql.evaluate(pg, normalized, specs);
    }
    Pipeline p = views.pipeline(view);
    if (p == null) {
      return "no pipeline";
    }
    List<ResultNode> fetched = ResultNode.of(p.input().fetch(FetchRequest.ALL), p.input().schema());
    List<String> problems = new ArrayList<>();
    if (!ResultNode.render(fetched).equals(ResultNode.render(expected))) {
      problems.add("the pipeline's fetch differs from Postgres (" + fetched.size() + " top rows, Postgres "
          + expected.size() + ")");
    }
    Map<RowRef, Row> want = new HashMap<>();
    collect(expected, want);
    Map<RowRef, Row> have = views.rows(view);
    if (!have.equals(want)) {
      long missing = want.keySet().stream().filter(k -> !have.containsKey(k)).count();
      long extra = have.keySet().stream().filter(k -> !want.containsKey(k)).count();
      problems.add("the view's rows differ from Postgres: " + have.size() + " rows, Postgres " + want.size()
          + " (" + missing + " missing, " + extra + " extra)");
    }
    return problems.isEmpty() ? "ok" : String.join("; ", problems);
  }

  private static void collect(List<ResultNode> nodes, Map<RowRef, Row> out) {
    for (ResultNode n : nodes) {
      out.put(new RowRef(n.table(), n.key()), n.row());
      n.related().values().forEach(children -> collect(children, out));
    }
  }

  /** Issues of view A, B and the owned list, for the workload's picks. */
  ViewWorkload.Picks picks(QueryHash a, QueryHash b) {
    return new ViewWorkload.Picks(ids(a, "issues"), ids(b, "issues"), ids(b, "comments"), ids(b, "users"), owned);
  }

  @Override
  public void close() throws Exception {
    close(false);
  }

  /** Closes everything and drops the database; {@code deleteReplica}: the replica directory too. */
  void close(boolean deleteReplica) throws Exception {
    try {
      views.close();
      reference.close();
      writer.close();
    } finally {
      replicator.close();
      up.dropDatabase(db);
    }
    if (deleteReplica) {
      io.viewsync.core.FileTrees.delete(dir);
    }
  }
}
