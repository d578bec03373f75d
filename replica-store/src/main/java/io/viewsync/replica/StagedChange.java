package io.viewsync.replica;

import io.viewsync.core.ivm.Row;
import java.util.Map;

/**
 * One change of a replica table that a {@link ReplicaSource} is about to push: the row before it (null: the row
 * is new) and after it (null: the row is gone), with the same key. Immutable; any thread.
 */
public record StagedChange(Row before, Row after) {
  public StagedChange {
    if (before == null && after == null) {
      throw new IllegalArgumentException("a change needs a row before or after it");
    }
  }

  /** The change a {@link Snapshotter} reports for a row, as rows of storage values. */
  public static StagedChange of(Snapshotter.RowChange change) {
    return new StagedChange(row(change.before()), row(change.after()));
  }

  private static Row row(Map<String, Object> values) {
    return values == null ? null : Row.of(values);
  }
}
