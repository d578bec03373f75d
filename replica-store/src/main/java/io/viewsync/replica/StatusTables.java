package io.viewsync.replica;

import io.viewsync.core.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-table part of status: states and reasons as the replica records them. Immutable; the replication
 * thread swaps in a new one when something changes. Row counts are measured apart ({@link #counts}) and kept
 * beside it, so a slow count never overwrites a newer state.
 */
record StatusTables(List<Entry> entries, long schemaVersion, String schemaFingerprint) {
  static final StatusTables EMPTY = new StatusTables(List.of(), 0, null);

  record Entry(TableName name, int oid, String state, String reason) {}

  /** Reads states from the replica (writer thread: uses the writer connection). */
  static StatusTables of(ReplicaStore store) throws SQLException {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<TableName, ReplicaStore.RecordedTable> e : store.tables().entrySet()) {
      out.add(new Entry(e.getKey(), e.getValue().spec().oid(), e.getValue().state().wireName(),
          e.getValue().reason()));
    }
    long version = Long.parseLong(store.state(SchemaVersions.STATE_VERSION).orElse("0"));
    return new StatusTables(List.copyOf(out), version, store.state(SchemaVersions.STATE_FINGERPRINT).orElse(null));
  }

  /** Row counts of the synced tables, read on a new reader connection (any thread). */
  Map<String, Long> counts(ReplicaStore store) throws SQLException {
    List<String> names = new ArrayList<>();
    entries.stream().filter(e -> !"unsyncable".equals(e.state())).forEach(e -> names.add(e.name().replicaName()));
    try (Connection r = store.openReader()) {
      return Map.copyOf(ReplicaStore.rowCounts(r, names));
    }
  }
}
