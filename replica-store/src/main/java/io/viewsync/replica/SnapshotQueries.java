package io.viewsync.replica;

import io.viewsync.core.ivm.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs {@link FetchSql.Piece}s of one table on the current read snapshot's connection and reads the rows back as
 * storage values (an INTEGER as {@link Long}). Each run reads its rows into a list and closes its result set: no
 * cursor stays open between runs, so a pipeline may fetch again (recursively, during a push) while an earlier
 * fetch's stream is half read. Prepared statements are cached per connection; when the snapshot supplier hands out
 * a different connection (after an advance) the cache is closed and started anew.
 *
 * <p>Single-threaded: the pipeline's thread.
 */
final class SnapshotQueries implements AutoCloseable {
  /** Beyond this many distinct statements the cache is emptied: a bound on what one table's pipelines can hold. */
  private static final int MAX_CACHED = 256;

  private final String table;
  private final List<String> columns;
  private final Supplier<Connection> snapshot;
  private final Map<String, PreparedStatement> cache = new HashMap<>();
  private Connection cachedFor;
  private long executed;

  SnapshotQueries(String table, List<String> columns, Supplier<Connection> snapshot) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.snapshot = snapshot;
  }

  /** At most {@code limit} rows of {@code piece} (whose SELECT lists {@code columns}, in order). */
  List<Row> run(FetchSql.Piece piece, int limit) {
    try {
      PreparedStatement ps = statement(piece.sql());
      List<Object> params = piece.params();
      for (int i = 0; i < params.size(); i++) {
        ValueBinder.bind(ps, i + 1, params.get(i));
      }
      ps.setInt(params.size() + 1, limit);
      executed++;
      List<Row> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("reading replica table " + table + " failed: " + piece.sql(), e);
    }
  }

  /** How many SELECTs ran: the cost measure of a fetch. */
  long executed() {
    return executed;
  }

  private PreparedStatement statement(String sql) throws SQLException {
    Connection c = snapshot.get();
    if (c != cachedFor) {
      closeStatements();
      cachedFor = c;
    }
    PreparedStatement ps = cache.get(sql);
    if (ps == null) {
      if (cache.size() >= MAX_CACHED) {
        closeStatements();
      }
      ps = c.prepareStatement(sql);
      cache.put(sql, ps);
    }
    return ps;
  }

  private Row row(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Object v = rs.getObject(i + 1);
      m.put(columns.get(i), v instanceof Integer n ? Long.valueOf(n) : v);
    }
    return Row.of(m);
  }

  private void closeStatements() {
    for (PreparedStatement ps : cache.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        // its connection (an old snapshot) may be closed already, which closed the statement too
      }
    }
    cache.clear();
  }

  @Override
  public void close() {
    closeStatements();
    cachedFor = null;
  }
}
