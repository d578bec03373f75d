package io.viewsync.core.query;

import java.util.Objects;

/**
 * A named correlated subquery whose rows are sent along with each parent row: one-to-many when the child's
 * correlation columns are not its key, many-to-one when they are. Immutable value; safe from any thread.
 */
public record Related(String name, Correlation correlation, Query query) {
  public Related {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(correlation, "correlation");
    Objects.requireNonNull(query, "query");
  }
}
