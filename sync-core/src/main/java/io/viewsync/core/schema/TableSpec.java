package io.viewsync.core.schema;

import io.viewsync.core.TableName;
import java.util.List;
import java.util.Optional;

/**
 * An upstream table as the replica mirrors it: columns in upstream order and the row key (DESIGN §4), or,
 * for a table that cannot be synced, the reason. Immutable.
 */
public record TableSpec(TableName name, int oid, List<ColumnSpec> columns, List<String> keyColumns,
    String keySource, String unsyncableReason) {

  public TableSpec {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    if (unsyncableReason == null && keyColumns.isEmpty()) {
      throw new IllegalArgumentException("a syncable table needs key columns: " + name);
    }
  }

  public boolean syncable() {
    return unsyncableReason == null;
  }

  public Optional<ColumnSpec> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  public int columnIndex(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }
}
