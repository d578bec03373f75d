package io.viewsync.core.schema;

import java.util.List;

/**
 * A valid upstream index of a table. {@code columns} are its plain key columns in index order; an index with
 * expressions ({@code expressions}) or a predicate ({@code partial}) lists only its plain columns. The replica
 * mirrors an index only as a plain (non-unique) index, and only when it is {@link #expressible()}: upstream
 * enforces uniqueness, the replica never re-checks it. Immutable.
 */
public record IndexSpec(String name, List<String> columns, boolean unique, boolean primary, boolean replicaIdentity,
    boolean partial, boolean expressions) {

  public IndexSpec {
    columns = List.copyOf(columns);
  }

  /** Plain columns only, no predicate: SQLite can index exactly these columns. */
  public boolean expressible() {
    return !partial && !expressions && !columns.isEmpty();
  }
}
