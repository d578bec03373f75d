package io.viewsync.replica;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.TableSpec;
import java.sql.SQLException;
import java.util.Map;

/** TEMPORARY STUB until the schema-applier branch lands. */
final class SchemaApplier {
  record Outcome(boolean changed, boolean rebuilt, String resyncReason) {}

  private final ReplicaStore store;

  SchemaApplier(ReplicaStore store) {
    this.store = store;
  }

  void create(TableSpec spec, TableState state, String reason) throws SQLException {
    store.createTable(spec, state);
    if (spec.syncable()) {
      store.createKeyIndex(spec);
    }
  }

  void drop(TableName name) throws SQLException {
    throw new UnsupportedOperationException();
  }

  Outcome alter(TableSpec from, TableSpec to, Map<String, String> missingValues) throws SQLException {
    throw new UnsupportedOperationException();
  }

  void mirrorIndexes(TableSpec spec) throws SQLException {
  }
}
