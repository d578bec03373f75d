package io.viewsync.core.query;

/**
 * Bounds on what a client may ask for (DESIGN §8, "query complexity"). Immutable value; safe from any thread.
 *
 * @param maxLimit the largest {@code limit} a query may have; default {@value #DEFAULT_MAX_LIMIT}
 * @param maxDepth how deeply subqueries ({@code related} and {@code exists}) may nest; the top query is depth 0,
 *     its subqueries depth 1, and so on; default {@value #DEFAULT_MAX_DEPTH}
 * @param maxNodes how many nodes a query may have: each query, condition, orderBy term and IN-list element counts
 *     one; default {@value #DEFAULT_MAX_NODES}
 */
public record QueryLimits(long maxLimit, int maxDepth, int maxNodes) {

  public static final long DEFAULT_MAX_LIMIT = 10_000;
  public static final int DEFAULT_MAX_DEPTH = 6;
  public static final int DEFAULT_MAX_NODES = 2_000;

  public static final QueryLimits DEFAULTS = new QueryLimits(DEFAULT_MAX_LIMIT, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);

  public QueryLimits {
    if (maxLimit < 0 || maxDepth < 0 || maxNodes < 1) {
      throw new IllegalArgumentException("query limits must be positive: " + maxLimit + ", " + maxDepth + ", "
          + maxNodes);
    }
  }
}
