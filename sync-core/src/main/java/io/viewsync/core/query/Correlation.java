package io.viewsync.core.query;

import java.util.List;

/**
 * How a subquery's rows belong to a parent row: {@code child[i] = parent[i]} for every {@code i} (SQL equality,
 * so a NULL on either side correlates with nothing). Validity (same count, columns exist, types agree) is checked
 * by {@link QueryValidator}. Immutable value; safe from any thread.
 */
public record Correlation(List<String> parent, List<String> child) {
  public Correlation {
    parent = List.copyOf(parent);
    child = List.copyOf(child);
  }
}
