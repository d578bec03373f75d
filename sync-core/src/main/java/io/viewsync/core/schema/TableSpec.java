package io.viewsync.core.schema;

import io.viewsync.core.TableName;
import java.util.List;
import java.util.Optional;

/**
 * An upstream table as the replica mirrors it: columns in upstream order, the row key (DESIGN §4) or, for a
 * table that cannot be synced, the reason, and its valid indexes. {@code oid} is the table's identity across
 * renames. Immutable.
 */
public record TableSpec(TableName name, int oid, List<ColumnSpec> columns, List<String> keyColumns,
    String keySource, String unsyncableReason, List<IndexSpec> indexes) {

  public TableSpec {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    indexes = List.copyOf(indexes);
    if (unsyncableReason == null && keyColumns.isEmpty()) {
      throw new IllegalArgumentException("a syncable table needs key columns: " + name);
    }
  }

  public TableSpec(TableName name, int oid, List<ColumnSpec> columns, List<String> keyColumns, String keySource,
      String unsyncableReason) {
    this(name, oid, columns, keyColumns, keySource, unsyncableReason, List.of());
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

  /** The same table under another name (a rename). */
  public TableSpec withName(TableName newName) {
    return new TableSpec(newName, oid, columns, keyColumns, keySource, unsyncableReason, indexes);
  }

  /** The same columns and indexes, not syncable for {@code reason}. */
  public TableSpec unsyncable(String reason) {
    return new TableSpec(name, oid, columns, List.of(), null, reason, indexes);
  }
}
