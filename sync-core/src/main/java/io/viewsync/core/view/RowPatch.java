package io.viewsync.core.view;

import io.viewsync.core.ivm.Row;
import java.util.Objects;

/**
 * One row change of a query's output between two versions: {@code row} put (added or changed), or, when
 * {@code row} is null, the row with this key deleted from the query's rows. Immutable; any thread.
 *
 * @param table the row's table (replica name)
 * @param key the row's key columns and values
 * @param row the whole row, or null for a delete
 */
public record RowPatch(String table, Row key, Row row) {
  public RowPatch {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
  }

  public boolean isDelete() {
    return row == null;
  }
}
