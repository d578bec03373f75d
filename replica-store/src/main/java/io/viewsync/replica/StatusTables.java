package io.viewsync.replica;

import io.viewsync.core.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-table part of status: states and reasons as the replica records them, and row counts as last
 * measured. Immutable; the replicator swaps in a new one when something changes.
 */
record StatusTables(List<Entry> entries, long schemaVersion) {
  static final StatusTables EMPTY = new StatusTables(List.of(), 0);

  record Entry(TableName name, String state, String reason, long rows) {}

  /** Reads states from the replica (writer thread: uses the writer connection). */
  static StatusTables of(ReplicaStore store) throws SQLException {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<TableName, ReplicaStore.RecordedTable> e : store.tables().entrySet()) {
      out.add(new Entry(e.getKey(), e.getValue().state().wireName(), e.getValue().reason(), -1));
    }
    long version = Long.parseLong(store.state("schema_version").orElse("0"));
    return new StatusTables(List.copyOf(out), version);
  }

  /** The same entries with fresh row counts, read on a new reader connection (any thread). */
  StatusTables withCounts(ReplicaStore store) throws SQLException {
    List<String> names = new ArrayList<>();
    entries.forEach(e -> names.add(e.name().replicaName()));
    Map<String, Long> counts;
    try (Connection r = store.openReader()) {
      counts = ReplicaStore.rowCounts(r, names);
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      long rows = "unsyncable".equals(e.state()) ? 0 : counts.getOrDefault(e.name().replicaName(), -1L);
      out.add(new Entry(e.name(), e.state(), e.reason(), rows));
    }
    return new StatusTables(List.copyOf(out), schemaVersion);
  }
}
