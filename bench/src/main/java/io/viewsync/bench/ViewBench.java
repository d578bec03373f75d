package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import io.viewsync.core.Lsn;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Result;
import io.viewsync.core.query.Start;
import io.viewsync.replica.Views;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Incremental views over the replica, in this JVM, at two table sizes (docs/benchmarks.md §7). Per size: an
 * upstream database ({@code issues}, {@code comments} with an author, {@code users}), a replicator on its own
 * replica and {@link Views} over it ({@link ViewTarget}). Measured:
 *
 * <ol>
 *   <li>Subscribe (the query indexes it creates, under the write gate) and hydration (the first advance after it)
 *       of view A ({@code issues where status = 'open' orderBy modified desc limit 50}) and view B (issues of owner
 *       7, newest 20, each with its oldest 10 comments, each comment with its author: related two levels deep).
 *   <li>Per-change cost: rounds of seeded single-row upstream transactions ({@link ViewWorkload}), the replica
 *       catches up, then one timed {@code advance()} per batch; cost = time inside advance / rows changed in the
 *       advanced range (the change log). Both sizes run the same rounds back to back; the ratio is the median of
 *       the per-round ratios. Beside it, a bare {@code Snapshotter} over the same range (reading the change log
 *       and each changed row before and after, which any advance does) as the reference. Then the same broken down
 *       by kind of transaction (single-kind batches). The mix is measured twice: without the user renames first,
 *       then whole.
 *   <li>Deep limit maintenance: {@code issues orderBy modified limit 100} starting at the row a tenth of the way
 *       into the table (100,000 rows into 1M), against the same window at the start of the table: updates that move
 *       window rows to the end, so that each forces the window to refill from past its bound.
 * </ol>
 *
 * Every view is compared with its query on Postgres after each round ({@link ViewTarget#check}). Runs on the
 * caller's thread (and the replicators' threads).
 */
final class ViewBench {
  static final Query VIEW_A = Query.of("issues")
      .withWhere(new Condition.Compare("status", Op.EQ, new Literal.Text("open")))
      .withOrderBy(List.of(Ordering.desc("modified"))).withLimit(50L);
  static final Query VIEW_B = Query.of("issues")
      .withWhere(new Condition.Compare("owner_id", Op.EQ, new Literal.Int(ViewWorkload.OWNER)))
      .withOrderBy(List.of(Ordering.desc("modified"))).withLimit(20L)
      .withRelated(List.of(new Related("comments", new Correlation(List.of("id"), List.of("issue_id")),
          Query.of("comments").withOrderBy(List.of(Ordering.asc("created"))).withLimit(10L)
              .withRelated(List.of(new Related("author", new Correlation(List.of("author_id"), List.of("id")),
                  Query.of("users")))))));
  static final Query HEAD = Query.of("issues").withOrderBy(List.of(Ordering.asc("modified"))).withLimit(100L);
  private static final int HYDRATIONS = 3;

  private final Upstream up;
  private final BenchSize size;
  private final Path work;
  private final List<ResultTable> tables = new ArrayList<>();
  private final Map<String, int[]> checks = new LinkedHashMap<>(); // "view @ size" -> {ok, total}
  private final java.util.Set<ViewTarget> differed = new java.util.HashSet<>();

  ViewBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  /** Per size: the views' hashes. */
  private static final class Subs {
    QueryHash a;
    QueryHash b;
    QueryHash head;
    QueryHash deep;
    Query deepQuery;
  }

  /**
   * Nanoseconds inside advance() and in the reference, the rows changed, and the SELECTs the views' sources ran,
   * summed over batches.
   */
  private static final class Cost {
    long viewNanos;
    long refNanos;
    long changes;
    long selects;

    void add(Cost c) {
      viewNanos += c.viewNanos;
      refNanos += c.refNanos;
      changes += c.changes;
      selects += c.selects;
    }

    double selectsPerChange() {
      return (double) selects / changes;
    }

    double micros() {
      return viewNanos / 1e3 / changes;
    }

    double refMicros() {
      return refNanos / 1e3 / changes;
    }
  }

  List<ResultTable> run() throws Exception {
    List<ViewTarget> targets = new ArrayList<>();
    try {
      for (int n : size.viewRows()) {
        targets.add(ViewTarget.create(up, work, n));
      }
      setupTable(targets);
      List<Subs> subs = new ArrayList<>();
      for (int i = 0; i < targets.size(); i++) {
        subs.add(new Subs());
      }
      ResultTable subscribe = new ResultTable("Incremental views: subscribe (query indexes created under the write"
          + " gate)", "view", "table size", "subscribe ms", "indexes created");
      ResultTable hydrate = new ResultTable("Incremental views: hydration (the advance after subscribe)", "view",
          "table size", "first ms", "median of " + HYDRATIONS + " more ms", "SELECTs", "rows in the view");
      views(targets, subs, subscribe, hydrate, "A", i -> VIEW_A, (x, h) -> x.a = h);
      views(targets, subs, subscribe, hydrate, "B", i -> VIEW_B, (x, h) -> x.b = h);
      // Without renames first: once a user's rename has gone through view B, the comments' Take reads across
      // its partitions for good (see docs/benchmarks.md §7), which would colour the other series too.
      mixed(targets, subs, false);
      mixed(targets, subs, true);
      byKind(targets, subs);
      for (int i = 0; i < targets.size(); i++) {
        targets.get(i).views.unsubscribe(subs.get(i).a);
        targets.get(i).views.unsubscribe(subs.get(i).b);
        targets.get(i).views.advance();
        targets.get(i).reference.advance();
        subs.get(i).deepQuery = deepQuery(targets.get(i));
      }
      views(targets, subs, subscribe, hydrate, "head", i -> HEAD, (x, h) -> x.head = h);
      views(targets, subs, subscribe, hydrate, "deep", i -> subs.get(i).deepQuery, (x, h) -> x.deep = h);
      tables.add(1, subscribe);
      tables.add(2, hydrate);
      deep(targets, subs);
      checkTable();
    } finally {
      for (ViewTarget t : targets) {
        try {
          t.close(!differed.contains(t)); // a replica whose view differed from Postgres is kept for a look
        } catch (Exception e) {
          System.err.println("closing the view target of " + t.db + ": " + e);
        }
      }
    }
    return tables;
  }

  private void setupTable(List<ViewTarget> targets) throws Exception {
    ResultTable t = new ResultTable("Incremental views: data and initial copy", "table size", "issues",
        "comments", "users", "issues of owner 7", "initial copy s", "replica MiB");
    for (ViewTarget x : targets) {
      t.row(label(x.rows), f(x.rows, 0), f(x.rows, 0), f(ViewWorkload.USERS, 0), f(x.owned.size(), 0),
          f(x.copySeconds, 2), f(x.replicaMib(), 0));
    }
    tables.add(t);
  }

  private QueryHash subscribe(ViewTarget t, String name, Query q, ResultTable out) throws Exception {
    Map<String, String> before = t.queryIndexes();
    long t0 = System.nanoTime();
    Result<QueryHash> r = t.views.subscribe(q);
    double ms = (System.nanoTime() - t0) / 1e6;
    Map<String, String> after = t.queryIndexes();
    List<String> created = new ArrayList<>();
    after.forEach((k, v) -> {
      if (!before.containsKey(k)) {
        created.add(v.replace("\"", ""));
      }
    });
    Collections.sort(created);
    out.row(name, label(t.rows), f(ms, 1), created.isEmpty() ? "none (served)" : String.join("; ", created));
    return r.orElseThrow();
  }

  /**
   * Subscribes each size's view (timed: the query indexes are made here) and hydrates it (the advance after the
   * subscribe), then unsubscribes and subscribes again {@link #HYDRATIONS} times, the sizes alternating, and reports
   * the first hydration and the median of the others.
   */
  private void views(List<ViewTarget> targets, List<Subs> subs, ResultTable subscribeTable, ResultTable out,
      String name, IntFunction<Query> query, BiConsumer<Subs, QueryHash> set) throws Exception {
    double[] first = new double[targets.size()];
    double[][] again = new double[targets.size()][HYDRATIONS];
    long[] selects = new long[targets.size()];
    QueryHash[] hash = new QueryHash[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      hash[i] = subscribe(targets.get(i), name, query.apply(i), subscribeTable);
      set.accept(subs.get(i), hash[i]);
      first[i] = hydrate(targets.get(i));
    }
    for (int h = 0; h < HYDRATIONS; h++) {
      for (int i = 0; i < targets.size(); i++) {
        ViewTarget t = targets.get(i);
        t.views.unsubscribe(hash[i]);
        if (!t.views.subscribe(query.apply(i)).orElseThrow().equals(hash[i])) {
          throw new IllegalStateException("the same query hashed differently");
        }
        long before = t.views.selects();
        again[i][h] = hydrate(t);
        selects[i] = t.views.selects() - before;
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      ViewTarget t = targets.get(i);
      out.row(name, label(t.rows), f(first[i], 1), f(Stats.median(again[i]), 1), f(selects[i], 0),
          f(t.views.rows(hash[i]).size(), 0));
      check(t, name, hash[i], query.apply(i));
    }
  }

  /** Milliseconds of the advance(s) that hydrate what was just subscribed. */
  private static double hydrate(ViewTarget t) throws Exception {
    long t0 = System.nanoTime();
    Views.Advance a = t.views.advance();
    for (int i = 0; a.pending() && i < 10; i++) {
      a = t.views.advance();
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (a.pending()) {
      throw new IllegalStateException("a view of " + t.db + " is still not hydrated");
    }
    t.reference.advance(); // keeps the reference at the views' version
    return ms;
  }

  /**
   * Rounds of the mixed workload on every size, the sizes alternating which goes first; {@code renames}: with
   * the user renames (the whole mix), else the mix without them.
   */
  private void mixed(List<ViewTarget> targets, List<Subs> subs, boolean renames) throws Exception {
    int rounds = size.rounds();
    int n = size.viewChanges();
    if (!renames) {
      for (int i = 0; i < targets.size(); i++) { // warm-up: the JIT, the caches, the query indexes' pages
        mixedRound(targets.get(i), subs.get(i), n / 2, false);
      }
    }
    ResultTable t = new ResultTable("Incremental views: per-change cost, mixed workload" + (renames ? ""
        : " without user renames") + " (" + n + " single-row transactions per round, advance() every "
        + size.viewBatch() + "; views A and B)",
        "round", header(targets, "rows changed"), header(targets, "advance ms"), header(targets, "us/change"),
        header(targets, "change-log read us/change"), header(targets, "SELECTs/change"),
        label(targets.get(1).rows) + " / " + label(targets.get(0).rows));
    double[][] micros = new double[targets.size()][rounds];
    double[][] refMicros = new double[targets.size()][rounds];
    double[][] selects = new double[targets.size()][rounds];
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      Cost[] c = new Cost[targets.size()];
      for (int k = 0; k < targets.size(); k++) {
        int i = r % 2 == 0 ? k : targets.size() - 1 - k; // alternate which size goes first
        c[i] = mixedRound(targets.get(i), subs.get(i), n, renames);
        check(targets.get(i), "A", subs.get(i).a, VIEW_A);
        check(targets.get(i), "B", subs.get(i).b, VIEW_B);
      }
      for (int i = 0; i < targets.size(); i++) {
        micros[i][r] = c[i].micros();
        refMicros[i][r] = c[i].refMicros();
        selects[i][r] = c[i].selectsPerChange();
      }
      ratio[r] = micros[1][r] / micros[0][r];
      t.row(r + 1, pair(f(c[0].changes, 0), f(c[1].changes, 0)), pair(f(c[0].viewNanos / 1e6, 1),
          f(c[1].viewNanos / 1e6, 1)), pair(f(micros[0][r], 1), f(micros[1][r], 1)),
          pair(f(refMicros[0][r], 1), f(refMicros[1][r], 1)), pair(f(selects[0][r], 1), f(selects[1][r], 1)),
          f(ratio[r], 2));
    }
    double m = Stats.median(ratio);
    t.row("median", "", "", pair(f(Stats.median(micros[0]), 1), f(Stats.median(micros[1]), 1)),
        pair(f(Stats.median(refMicros[0]), 1), f(Stats.median(refMicros[1]), 1)),
        pair(f(Stats.median(selects[0]), 1), f(Stats.median(selects[1]), 1)),
        f(m, 2) + (m <= 1.5 ? " (target <= 1.5 met)" : " (target <= 1.5 MISSED)"));
    tables.add(t);
  }

  /** {@code changes} transactions of the mixed workload, advancing every batch; the summed cost. */
  private Cost mixedRound(ViewTarget t, Subs s, int changes, boolean renames) throws Exception {
    Cost total = new Cost();
    int batchNo = 0;
    for (int done = 0; done < changes; done += size.viewBatch()) {
      ViewWorkload.Picks p = t.picks(s.a, s.b);
      for (int i = 0; i < Math.min(size.viewBatch(), changes - done); i++) {
        t.write(t.workload.nextKind(renames), p);
      }
      total.add(advance(t, batchNo++ % 2 == 0));
    }
    return total;
  }

  /**
   * Waits for the replica, then times the reference (a bare Snapshotter over the same range) and the views'
   * advance, in the order given.
   */
  private static Cost advance(ViewTarget t, boolean referenceFirst) throws Exception {
    t.awaitReplica();
    Lsn from = t.views.snapshot().version();
    Cost c = new Cost();
    if (referenceFirst) {
      c.refNanos = reference(t);
    }
    long selects = t.views.selects();
    long t0 = System.nanoTime();
    Views.Advance a = t.views.advance();
    c.viewNanos = System.nanoTime() - t0;
    c.selects = t.views.selects() - selects;
    if (!referenceFirst) {
      c.refNanos = reference(t);
    }
    if (a.pending()) {
      throw new IllegalStateException("an advance left a hydration pending");
    }
    c.changes = t.changesBetween(from, a.version());
    return c;
  }

  private static long reference(ViewTarget t) throws Exception {
    long t0 = System.nanoTime();
    t.reference.advance();
    return System.nanoTime() - t0;
  }

  private void byKind(List<ViewTarget> targets, List<Subs> subs) throws Exception {
    int rounds = size.rounds();
    ViewWorkload.Kind[] kinds = ViewWorkload.Kind.values();
    double[][][] micros = new double[kinds.length][targets.size()][rounds];
    double[][][] refMicros = new double[kinds.length][targets.size()][rounds];
    long[][] changes = new long[kinds.length][targets.size()];
    long[][] selects = new long[kinds.length][targets.size()];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < kinds.length; k++) {
        for (int j = 0; j < targets.size(); j++) {
          int i = (r + k) % 2 == 0 ? j : targets.size() - 1 - j;
          ViewTarget t = targets.get(i);
          ViewWorkload.Picks p = t.picks(subs.get(i).a, subs.get(i).b);
          for (int x = 0; x < size.viewKindBatch(); x++) {
            t.write(kinds[k], p);
          }
          Cost c = advance(t, (r + k) % 2 == 0);
          micros[k][i][r] = c.micros();
          refMicros[k][i][r] = c.refMicros();
          changes[k][i] += c.changes;
          selects[k][i] += c.selects;
        }
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      check(targets.get(i), "A", subs.get(i).a, VIEW_A);
      check(targets.get(i), "B", subs.get(i).b, VIEW_B);
    }
    ResultTable t = new ResultTable("Incremental views: per-change cost by kind (batches of " + size.viewKindBatch()
        + " transactions of one kind, median of " + rounds + ")", "kind", "share of the mix", "what",
        header(targets, "rows changed"), header(targets, "us/change"), header(targets, "change-log read us/change"),
        header(targets, "SELECTs/change"), label(targets.get(1).rows) + " / " + label(targets.get(0).rows));
    double[] weighted = new double[2];
    double[] weightedNoRename = new double[2];
    for (int k = 0; k < kinds.length; k++) {
      double small = Stats.median(micros[k][0]);
      double large = Stats.median(micros[k][1]);
      t.row(kinds[k].name().toLowerCase(), kinds[k].weight + "%", kinds[k].what,
          pair(f(changes[k][0], 0), f(changes[k][1], 0)), pair(f(small, 1), f(large, 1)),
          pair(f(Stats.median(refMicros[k][0]), 1), f(Stats.median(refMicros[k][1]), 1)),
          pair(f((double) selects[k][0] / changes[k][0], 1), f((double) selects[k][1] / changes[k][1], 1)),
          f(large / small, 2));
      weighted[0] += kinds[k].weight * small / 100;
      weighted[1] += kinds[k].weight * large / 100;
      if (kinds[k] != ViewWorkload.Kind.USER_RENAME) {
        weightedNoRename[0] += kinds[k].weight * small / (100.0 - ViewWorkload.Kind.USER_RENAME.weight);
        weightedNoRename[1] += kinds[k].weight * large / (100.0 - ViewWorkload.Kind.USER_RENAME.weight);
      }
    }
    t.row("weighted by the mix", "100%", "", "", pair(f(weighted[0], 1), f(weighted[1], 1)), "", "",
        f(weighted[1] / weighted[0], 2));
    t.row("weighted, without user_rename", (100 - ViewWorkload.Kind.USER_RENAME.weight) + "%", "", "",
        pair(f(weightedNoRename[0], 1), f(weightedNoRename[1], 1)), "", "",
        f(weightedNoRename[1] / weightedNoRename[0], 2));
    tables.add(t);
  }

  /** The deep window: 100 rows in {@code modified} order from the row a tenth of the way into the table. */
  private Query deepQuery(ViewTarget t) throws Exception {
    int offset = t.rows / 10;
    try (Connection c = up.connect(t.db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT modified, id FROM issues ORDER BY modified, id OFFSET " + (offset - 1)
             + " LIMIT 1")) {
      rs.next();
      Map<String, Literal> row = new LinkedHashMap<>();
      row.put("modified", new Literal.Int(rs.getLong(1)));
      row.put("id", new Literal.Int(rs.getLong(2)));
      return HEAD.withStart(new Start(row, false));
    }
  }

  private void deep(List<ViewTarget> targets, List<Subs> subs) throws Exception {
    int rounds = size.rounds();
    int batch = Math.min(50, size.viewBatch());
    ResultTable t = new ResultTable("Incremental views: deep limit maintenance (limit 100 from a tenth into the"
        + " table vs at its start; " + size.viewDeepUpdates() + " updates per window and round, each moving a window"
        + " row to the end, advance() every " + batch + ")", "table size", "round", "start of table updates/s",
        "deep window updates/s", "SELECTs/update start / deep", "deep / start");
    Random random = new Random(7);
    double[][] ratios = new double[targets.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < targets.size(); j++) {
        int i = r % 2 == 0 ? j : targets.size() - 1 - j;
        ViewTarget x = targets.get(i);
        Cost head = new Cost();
        Cost deep = new Cost();
        for (int done = 0; done < size.viewDeepUpdates(); done += batch) {
          for (int w = 0; w < 2; w++) {
            boolean isDeep = (w + done / batch + r) % 2 == 0;
            List<Long> ids = new ArrayList<>(x.ids(isDeep ? subs.get(i).deep : subs.get(i).head, "issues"));
            Collections.shuffle(ids, random);
            for (long id : ids.subList(0, Math.min(batch, ids.size()))) {
              x.moveToEnd(id);
            }
            (isDeep ? deep : head).add(advance(x, w % 2 == 0));
          }
        }
        check(x, "head", subs.get(i).head, HEAD);
        check(x, "deep", subs.get(i).deep, subs.get(i).deepQuery);
        double headRate = head.changes / (head.viewNanos / 1e9);
        double deepRate = deep.changes / (deep.viewNanos / 1e9);
        ratios[i][r] = deepRate / headRate;
        t.row(label(x.rows), r + 1, f(headRate, 0), f(deepRate, 0),
            pair(f(head.selectsPerChange(), 1), f(deep.selectsPerChange(), 1)), f(ratios[i][r], 2));
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      t.row(label(targets.get(i).rows), "median", "", "", "", f(Stats.median(ratios[i]), 2));
    }
    tables.add(t);
  }

  private void check(ViewTarget t, String view, QueryHash h, Query q) throws Exception {
    String result = t.check(h, q);
    int[] c = checks.computeIfAbsent(view + "\t" + label(t.rows), k -> new int[2]);
    c[1]++;
    if ("ok".equals(result)) {
      c[0]++;
    } else {
      differed.add(t);
      System.err.println("CHECK FAILED: view " + view + " at " + label(t.rows) + ": " + result + " (replica kept in "
          + t.dir + ")");
    }
  }

  private void checkTable() {
    ResultTable t = new ResultTable("Incremental views: checks against Postgres (the pipeline's ordered result and"
        + " the view's rows equal the query run on Postgres)", "view", "table size", "checks", "equal");
    checks.forEach((k, c) -> {
      String[] p = k.split("\t");
      t.row(p[0], p[1], c[1], c[0] == c[1] ? "all" : (c[1] - c[0]) + " DIFFERED");
    });
    tables.add(t);
  }

  private static String header(List<ViewTarget> targets, String what) {
    return what + " " + label(targets.get(0).rows) + " / " + label(targets.get(1).rows);
  }

  private static String pair(String a, String b) {
    return a + " / " + b;
  }

  static String label(int rows) {
    return rows >= 1_000_000 && rows % 1_000_000 == 0 ? rows / 1_000_000 + "M"
        : rows >= 1000 && rows % 1000 == 0 ? rows / 1000 + "k" : Integer.toString(rows);
  }
}
