package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.change.Change;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import io.viewsync.core.value.PgType;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * A real SQLite replica with two tables, {@code docs(id, body)} and {@code tags(doc, tag)}, at watermark 1000, and
 * a writer to apply transactions to it as the stream would: the fixture of the tests that read the replica
 * ({@link SnapshotterTest}, {@link ViewsTest}). One test thread.
 */
final class DocsAndTags implements AutoCloseable {
  static final TableSpec DOCS = new TableSpec(new TableName("public", "docs"), 1,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true), new ColumnSpec("body", PgType.TEXT, "text", false)),
      List.of("id"), "primary key docs_pkey", null);
  static final TableSpec TAGS = new TableSpec(new TableName("public", "tags"), 2,
      List.of(new ColumnSpec("doc", PgType.INT8, "bigint", true), new ColumnSpec("tag", PgType.TEXT, "text", true)),
      List.of("doc", "tag"), "primary key tags_pkey", null);
  static final Relation DOCS_REL = new Relation(1, "public", "docs", 'd',
      List.of(new Column(true, "id", 20, -1), new Column(false, "body", 25, -1)));
  static final Relation TAGS_REL = new Relation(2, "public", "tags", 'd',
      List.of(new Column(true, "doc", 20, -1), new Column(true, "tag", 25, -1)));

  final ReplicaStore store;
  private final ReplicaWriter writer;

  DocsAndTags(Path dir) throws SQLException {
    store = ReplicaStore.open(dir);
    for (TableSpec t : List.of(DOCS, TAGS)) {
      store.createTable(t, TableState.SYNCING);
      store.createKeyIndex(t);
    }
    store.putState(ReplicaWriter.STATE_WATERMARK, Lsn.of(1000).toString());
    store.commit();
    writer = new ReplicaWriter(store, Lsn.of(1000), Lsn.of(1010), new ApplyStats(), l -> { }, 1_000_000, 60_000,
        ReplicaWriter.Context.NONE);
  }

  /** A tuple of text values (null for SQL NULL), as pgoutput sends it. */
  static TupleData row(String... values) {
    byte[] kinds = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      kinds[i] = values[i] == null ? TupleData.NULL : TupleData.TEXT;
    }
    return new TupleData(kinds, values);
  }

  /** Applies one upstream transaction committed at {@code commit} and makes it durable. */
  void tx(long commit, Change... changes) throws SQLException {
    writer.accept(new Change.Begin(Lsn.of(commit), 0, 1));
    for (Change c : changes) {
      writer.accept(c);
    }
    writer.accept(new Change.Commit(Lsn.of(commit), Lsn.of(commit + 8), 0));
    writer.flush();
  }

  @Override
  public void close() throws SQLException {
    writer.close();
    store.close();
  }
}
