package io.viewsync.client;

import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows the client holds: per declared table, by declared primary key, the client group's rows as the pokes put
 * and deleted them (docs/protocol.md, "pokePart"). Each table is also a {@link MemorySource}, so the pipelines of
 * the client's queries ({@link QueryView}) read it and are pushed its changes, as the server's read the replica.
 *
 * <p>A put of a held key replaces the row (an edit when it differs); a del of a key not held is ignored: the
 * server sends each row once per group, and a del for a row the client never got (say, after a reset it missed)
 * needs no undoing.
 *
 * <p>{@link MemorySource} sorts a table on every fetch: fine for the rows one client group holds (its queries'
 * results), not for a whole database.
 *
 * <p>Not thread-safe: the client's thread only.
 */
final class LocalStore {

  private static final class Table {
    final MemorySource source;
    final Map<Row, Row> rows = new HashMap<>(); // key -> row

    Table(MemorySource source) {
      this.source = source;
    }
  }

  private final Map<String, Table> tables = new HashMap<>();

  LocalStore(DeclaredSchema schema) {
    schema.schema().tables().forEach((name, t) -> tables.put(name,
        new Table(new MemorySource(name, List.copyOf(t.columns().keySet()), t.primaryKey()))));
  }

  /** The source of a declared table, for {@link io.viewsync.core.view.PipelineBuilder}. */
  Source source(String table) {
    return table(table).source;
  }

  /** Applies one decoded change; returns whether the store changed. */
  boolean apply(RowDecoder.Change change) {
    Table t = table(change.table());
    Row old = t.rows.get(change.key());
    if (change.row() == null) {
      if (old == null) {
        return false;
      }
      t.rows.remove(change.key());
      t.source.remove(old);
      return true;
    }
    if (old == null) {
      t.rows.put(change.key(), change.row());
      t.source.add(change.row());
      return true;
    }
    if (old.equals(change.row())) {
      return false;
    }
    t.rows.put(change.key(), change.row());
    t.source.edit(old, change.row());
    return true;
  }

  /** The rows of a declared table, in no particular order. */
  List<Row> rows(String table) {
    return List.copyOf(table(table).rows.values());
  }

  /** How many rows the client holds over all tables. */
  int size() {
    return tables.values().stream().mapToInt(t -> t.rows.size()).sum();
  }

  private Table table(String name) {
    Table t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException("table " + name + " is not declared");
    }
    return t;
  }
}
