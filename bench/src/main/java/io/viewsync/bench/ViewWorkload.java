package io.viewsync.bench;

import io.viewsync.core.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

/**
 * The upstream transactions of the view benchmark ({@link ViewBench}): each commits one single-row change to
 * {@code issues}, {@code comments} or {@code users}, of a kind drawn with fixed weights. Rows are picked so that the
 * views' windows really move: some at random over the whole table, some among the rows a view holds now
 * ({@link Picks}), and timestamps set to "now" (a counter above every initial value) make rows enter at the top of
 * a window ordered by {@code modified desc}.
 *
 * <p>The kinds are drawn from one random generator and the values from another, both seeded alike for every
 * table size, so each size gets the same sequence of kinds whatever it picks.
 *
 * <p>Single-threaded: one connection (autocommit off).
 */
final class ViewWorkload {
  /** Initial timestamps (microseconds) lie in [{@code T0}, {@code T0 + SPAN}); "now" starts above them. */
  static final long T0 = 1_600_000_000_000_000L;
  static final long SPAN = 100_000_000_000_000L;
  static final long OWNER = 7;
  static final int USERS = 1000;

  /** A kind of transaction, its weight (out of 100) in the mixed workload, and what it does. */
  enum Kind {
    ISSUE_TOUCH(36, "issue: modified = now, status open or closed (random issue)"),
    ISSUE_CLOSE(15, "issue of view A: status = closed (leaves A)"),
    OWNER_TOUCH(10, "issue of owner 7: modified = now (enters B at the top)"),
    OWNER_AGE(5, "issue of view B: modified = an old value (leaves B)"),
    ISSUE_RETITLE(8, "issue: title changed (no order column)"),
    ISSUE_INSERT(5, "issue inserted, modified = now, open or closed"),
    ISSUE_DELETE(4, "issue deleted (random)"),
    COMMENT_INSERT(10, "comment inserted on an issue of B (half) or a random one"),
    COMMENT_DELETE(5, "comment deleted: one of B (half) or a random one"),
    USER_RENAME(2, "user renamed: an author in B (half) or a random user");

    final int weight;
    final String what;

    Kind(int weight, String what) {
      this.weight = weight;
      this.what = what;
    }
  }

  /** Rows the views hold now, to pick from; every list sorted, so that picks depend only on the seed. */
  record Picks(List<Long> aIssues, List<Long> bIssues, List<Long> bComments, List<Long> bUsers, List<Long> owned) {}

  private final Connection pg;
  private final int rows;
  private final Random kinds;
  private final Random values;
  private long now = T0 + SPAN;
  private long nextIssue;
  private long nextComment;

  /** {@code rows}: the initial size of {@code issues} and {@code comments} (ids 1..rows). */
  ViewWorkload(Connection pg, int rows, long seed) throws SQLException {
    this.pg = pg;
    this.rows = rows;
    this.kinds = new Random(seed);
    this.values = new Random(seed ^ 0x5DEECE66DL);
    this.nextIssue = rows + 1L;
    this.nextComment = rows + 1L;
    pg.setAutoCommit(false);
  }

  /** The next kind of the mixed workload; without {@code renames}, a rename drawn is drawn again. */
  Kind nextKind(boolean renames) {
    Kind k;
    do {
      k = draw();
    } while (!renames && k == Kind.USER_RENAME);
    return k;
  }

  private Kind draw() {
    int x = kinds.nextInt(100);
    for (Kind k : Kind.values()) {
      if (x < k.weight) {
        return k;
      }
      x -= k.weight;
    }
    throw new IllegalStateException("weights do not add up to 100");
  }

  /** A timestamp above every one set so far: the row moves to the top of a {@code modified desc} order. */
  long now() {
    return ++now;
  }

  /**
   * Commits one transaction of kind {@code k}; returns the WAL insert position just before its commit, or null if
   * it changed no row (its commit writes nothing a replica would apply).
   */
  Lsn run(Kind k, Picks p) throws SQLException {
    int changed = switch (k) {
      case ISSUE_TOUCH -> update("UPDATE issues SET modified = ?, status = ? WHERE id = ?", now(),
          values.nextBoolean() ? "open" : "closed", randomId());
      case ISSUE_CLOSE -> update("UPDATE issues SET status = 'closed' WHERE id = ?", pick(p.aIssues()));
      case OWNER_TOUCH -> update("UPDATE issues SET modified = ? WHERE id = ?", now(), pick(p.owned()));
      case OWNER_AGE -> update("UPDATE issues SET modified = ? WHERE id = ?", T0 + (long) (values.nextDouble() * SPAN),
          pick(p.bIssues()));
      case ISSUE_RETITLE -> update("UPDATE issues SET title = ? WHERE id = ?", "retitled " + values.nextInt(),
          randomId());
      case ISSUE_INSERT -> update("INSERT INTO issues VALUES (?, ?, ?, ?, ?)", nextIssue++,
          values.nextBoolean() ? "open" : "closed", now(), 1L + values.nextInt(USERS), "new issue");
      case ISSUE_DELETE -> update("DELETE FROM issues WHERE id = ?", randomId());
      case COMMENT_INSERT -> update("INSERT INTO comments VALUES (?, ?, ?, ?, ?)", nextComment++,
          values.nextBoolean() ? pick(p.bIssues()) : randomId(), now(), 1L + values.nextInt(USERS), "new comment");
      case COMMENT_DELETE -> update("DELETE FROM comments WHERE id = ?",
          values.nextBoolean() ? pick(p.bComments()) : randomId());
      case USER_RENAME -> update("UPDATE users SET name = ? WHERE id = ?", "renamed " + values.nextInt(),
          values.nextBoolean() ? pick(p.bUsers()) : 1L + values.nextInt(USERS));
    };
    return finish(changed);
  }

  /** Moves issue {@code id} to the end of a {@code modified asc} order (after every row): it leaves any window. */
  Lsn moveToEnd(long id) throws SQLException {
    return finish(update("UPDATE issues SET modified = ? WHERE id = ?", now(), id));
  }

  private Lsn finish(int changed) throws SQLException {
    Lsn lsn = null;
    if (changed > 0) {
      try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
        rs.next();
        lsn = Lsn.parse(rs.getString(1));
      }
    }
    pg.commit();
    return lsn;
  }

  private long randomId() {
    return 1L + values.nextInt(rows);
  }

  /** One of {@code ids} (a random id of the table when it is empty); always draws one value. */
  private long pick(List<Long> ids) {
    int i = values.nextInt(Integer.MAX_VALUE);
    return ids.isEmpty() ? 1L + i % rows : ids.get(i % ids.size());
  }

  private int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = pg.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }
}
