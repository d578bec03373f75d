package io.viewsync.client;

import io.viewsync.core.query.QueryError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A query's result as the client holds it after a poke: its status and its rows, which always go together (read
 * one {@code QueryResult}, never the status and the rows in two calls).
 *
 * <p>Immutable value; safe from any thread.
 *
 * @param status what the server said about the query
 * @param reason why it is {@link Status#UNAVAILABLE} or {@link Status#REJECTED}; null otherwise
 * @param errors the server's errors for a query it failed on or refused (may be empty)
 * @param rows the top rows in the query's order, each with its related rows; empty unless loading or complete
 */
public record QueryResult(Status status, String reason, List<QueryError> errors, List<QueryRow> rows) {

  /** A query's status: the protocol's three ({@code queries} in {@code pokePart}) and one of the client's. */
  public enum Status {
    /**
     * Subscribed, not answered yet. The rows are the query evaluated over what the client already holds (rows other
     * queries of the group brought), which may be fewer than the answer.
     */
    LOADING,
    /** Answered and kept current: the rows are the query's result as of {@link SyncClient#cookie()}. */
    COMPLETE,
    /**
     * The server cannot answer it for this client (it reads a table or column the client's schema lacks on the
     * server, or the server failed on it): no rows; {@code reason} says why.
     */
    UNAVAILABLE,
    /** The server refused the subscription with an error ({@code invalid_query}, {@code too_many_queries}). */
    REJECTED
  }

  static final QueryResult LOADING_EMPTY = new QueryResult(Status.LOADING, null, List.of(), List.of());

  public QueryResult {
    Objects.requireNonNull(status, "status");
    errors = List.copyOf(errors);
    rows = List.copyOf(rows);
  }

  /** Every row of the result tree, depth-first in order (a parent, then its related rows), once per occurrence. */
  public List<QueryRow> allRows() {
    List<QueryRow> out = new ArrayList<>();
    collect(rows, out);
    return out;
  }

  private static void collect(List<QueryRow> rows, List<QueryRow> out) {
    for (QueryRow r : rows) {
      out.add(r);
      r.related().values().forEach(children -> collect(children, out));
    }
  }
}
