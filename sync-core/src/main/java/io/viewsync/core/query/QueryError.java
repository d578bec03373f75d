package io.viewsync.core.query;

import java.util.Objects;

/**
 * Why a query was refused: a kind (sent to the client and used as a metric tag), where in the query
 * ({@code related[0].query.where.conditions[1]}; empty for the whole query) and a sentence for a person.
 * Immutable value; safe from any thread.
 */
public record QueryError(Kind kind, String path, String message) {

  public QueryError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** Sent on the wire and used as a metric tag: values only grow, never rename one. */
  public enum Kind {
    /** Not JSON, or JSON of the wrong shape (missing or unknown field, wrong JSON type, unknown op). */
    MALFORMED,
    /** No such table in the schema. */
    UNKNOWN_TABLE,
    /** The table exists but cannot be synced (it has no usable key). */
    TABLE_UNAVAILABLE,
    /** No such column in the table. */
    UNKNOWN_COLUMN,
    /** A literal that the column or the operator cannot take. */
    TYPE_MISMATCH,
    /** A negative limit, or one over {@link QueryLimits#maxLimit()}. */
    BAD_LIMIT,
    /** Subqueries nested deeper than {@link QueryLimits#maxDepth()}. */
    TOO_DEEP,
    /** More nodes than {@link QueryLimits#maxNodes()}. */
    TOO_LARGE,
    /** A start row without a value for a column of the order, or with a value of the wrong type. */
    BAD_START,
    /** Correlation lists empty or of different lengths, unknown columns, or column types that differ. */
    BAD_CORRELATION,
    /** Two related subqueries of one query with the same name. */
    DUPLICATE_NAME,
    /**
     * Not the query's fault: the server failed to evaluate it (a bug, logged with the query hash). The view is
     * built again at the next reset of any table, or a minute later.
     */
    INTERNAL
  }
}
