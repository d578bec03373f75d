package io.viewsync.client;

import io.viewsync.core.ivm.Row;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a query's result and, under it, the rows of the query's {@code related} subqueries (docs/queries.md),
 * each list in its subquery's order. Values are storage values as the replica holds them (docs/replica.md):
 * {@code null}, {@link Long} (integers, bools as 0/1, timestamps as microseconds since the epoch), {@link Double},
 * {@link String} (text, numeric, date, uuid, json, and arrays as their JSON text), {@code byte[]} (bytea).
 *
 * <p>Immutable value (the related map and lists are unmodifiable copies); safe from any thread.
 *
 * @param table the row's table (replica name)
 * @param row the row: every column the client declared for the table
 * @param related the related subqueries' rows for this row, by relationship name (names sorted)
 */
public record QueryRow(String table, Row row, Map<String, List<QueryRow>> related) {

  public QueryRow {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(row, "row");
    Map<String, List<QueryRow>> copy = new LinkedHashMap<>();
    related.forEach((name, rows) -> copy.put(name, List.copyOf(rows)));
    related = Collections.unmodifiableMap(copy);
  }

  /** The value of {@code column}; a column the client did not declare throws {@link IllegalArgumentException}. */
  public Object get(String column) {
    return row.get(column);
  }

  /** The rows of the related subquery {@code name}; an unknown name throws {@link IllegalArgumentException}. */
  public List<QueryRow> related(String name) {
    List<QueryRow> rows = related.get(name);
    if (rows == null) {
      throw new IllegalArgumentException("no related " + name + " (the query has " + related.keySet() + ")");
    }
    return rows;
  }
}
