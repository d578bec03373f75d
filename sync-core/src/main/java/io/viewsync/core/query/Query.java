package io.viewsync.core.query;

import java.util.List;
import java.util.Objects;

/**
 * A query: the rows of {@code table} that match {@code where}, in {@code orderBy} order from {@code start} on,
 * at most {@code limit} of them, each with its {@code related} subqueries. The AST and its JSON are specified in
 * docs/queries.md; {@link QueryJson} reads and writes it, {@link QueryValidator} checks it against a schema,
 * {@link Normalizer} and {@link QueryHash} identify it.
 *
 * <p>Immutable value; safe from any thread.
 *
 * @param table the table's replica name ({@code issues}, or {@code s.issues} outside {@code public})
 * @param where the filter, or null for every row
 * @param orderBy the order; completed with the table key by {@link Normalizer}
 * @param limit the maximum number of rows, or null for no limit
 * @param start the cursor, or null to start at the beginning
 * @param related the named subqueries, possibly empty
 */
public record Query(String table, Condition where, List<Ordering> orderBy, Long limit, Start start,
    List<Related> related) {

  public Query {
    Objects.requireNonNull(table, "table");
    orderBy = List.copyOf(orderBy);
    related = List.copyOf(related);
  }

  /** Every row of {@code table}, in key order. */
  public static Query of(String table) {
    return new Query(table, null, List.of(), null, null, List.of());
  }

  public Query withWhere(Condition newWhere) {
    return new Query(table, newWhere, orderBy, limit, start, related);
  }

  public Query withOrderBy(List<Ordering> newOrderBy) {
    return new Query(table, where, newOrderBy, limit, start, related);
  }

  public Query withLimit(Long newLimit) {
    return new Query(table, where, orderBy, newLimit, start, related);
  }

  public Query withStart(Start newStart) {
    return new Query(table, where, orderBy, limit, newStart, related);
  }

  public Query withRelated(List<Related> newRelated) {
    return new Query(table, where, orderBy, limit, start, newRelated);
  }
}
