package io.viewsync.replica;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQLite's query plan of a {@link FetchSql.Piece}, for tests that a fetch seeks an index and never sorts. */
final class QueryPlans {
  private QueryPlans() {}

  /** The detail lines of EXPLAIN QUERY PLAN for {@code piece} with its values bound, on {@code c}. */
  static List<String> plan(Connection c, FetchSql.Piece piece) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + piece.sql())) {
      for (int i = 0; i < piece.params().size(); i++) {
        ValueBinder.bind(ps, i + 1, piece.params().get(i));
      }
      ps.setInt(piece.params().size() + 1, 16);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString("detail"));
        }
      }
    }
    return out;
  }

  /**
   * Whether every step of the plan searches by {@code index} (an index name, or null for the rowid), or looks one
   * row up by its rowid, and none scans the table or sorts.
   */
  static boolean seeks(List<String> plan, String index) {
    String by = index == null ? "USING INTEGER PRIMARY KEY" : "INDEX " + index + " ";
    return !plan.isEmpty() && plan.stream().allMatch(d -> !d.contains("TEMP B-TREE") && d.startsWith("SEARCH ")
        && (d.contains(by) || d.endsWith("USING INTEGER PRIMARY KEY (rowid=?)")));
  }
}
