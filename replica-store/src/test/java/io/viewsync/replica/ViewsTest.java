package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.RowPatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared pipelines, advancing and resets of {@link Views}, against a real SQLite replica. */
class ViewsTest {
  private static final TableSpec DOCS = new TableSpec(new TableName("public", "docs"), 1,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true), new ColumnSpec("body", PgType.TEXT, "text", false)),
      List.of("id"), "primary key docs_pkey", null);
  private static final TableSpec TAGS = new TableSpec(new TableName("public", "tags"), 2,
      List.of(new ColumnSpec("doc", PgType.INT8, "bigint", true), new ColumnSpec("tag", PgType.TEXT, "text", true)),
      List.of("doc", "tag"), "primary key tags_pkey", null);
  private static final Relation DOCS_REL = new Relation(1, "public", "docs", 'd',
      List.of(new Column(true, "id", 20, -1), new Column(false, "body", 25, -1)));
  private static final Relation TAGS_REL = new Relation(2, "public", "tags", 'd',
      List.of(new Column(true, "doc", 20, -1), new Column(true, "tag", 25, -1)));

  @TempDir
  Path dir;
  private ReplicaStore store;
  private ReplicaWriter writer;
  private Views views;

  @BeforeEach
  void open() throws SQLException {
    store = ReplicaStore.open(dir);
    for (TableSpec t : List.of(DOCS, TAGS)) {
      store.createTable(t, TableState.SYNCING);
      store.createKeyIndex(t);
    }
    store.putState(ReplicaWriter.STATE_WATERMARK, Lsn.of(1000).toString());
    store.commit();
    writer = new ReplicaWriter(store, Lsn.of(1000), Lsn.of(1010), new ApplyStats(), l -> { }, 1_000_000, 60_000,
        ReplicaWriter.Context.NONE);
    views = new Views(store, QueryLimits.DEFAULTS, 1000);
  }

  @AfterEach
  void close() throws SQLException {
    views.close();
    writer.close();
    store.close();
  }

  private static TupleData row(String... values) {
    byte[] kinds = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      kinds[i] = values[i] == null ? TupleData.NULL : TupleData.TEXT;
    }
    return new TupleData(kinds, values);
  }

  private void tx(long commit, Change... changes) throws SQLException {
    writer.accept(new Change.Begin(Lsn.of(commit), 0, 1));
    for (Change c : changes) {
      writer.accept(c);
    }
    writer.accept(new Change.Commit(Lsn.of(commit), Lsn.of(commit + 8), 0));
    writer.flush();
  }

  private static Map<String, Object> doc(long id, String body) {
    return Map.of("id", id, "body", body);
  }


  private static Condition cmp(String column, Op op, Literal value) {
    return new Condition.Compare(column, op, value);
  }

  @Test
  void aThousandSubscriptionsToOneQueryShareOnePipeline() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")));
    Condition gt = cmp("id", Op.GT, new Literal.Int(0));
    Condition ne = cmp("body", Op.NE, new Literal.Text("zzz"));
    Set<QueryHash> hashes = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      // Written four ways that mean the same: conditions in either order, the key spelled out in the order or not.
      Query q = Query.of("docs").withWhere(new Condition.And(i % 2 == 0 ? List.of(gt, ne) : List.of(ne, gt)))
          .withOrderBy(i % 4 < 2 ? List.of(Ordering.desc("body")) : List.of(Ordering.desc("body"), Ordering.asc("id")))
          .withLimit(10L);
      hashes.add(views.subscribe(q).orElseThrow());
    }
    assertThat(hashes).hasSize(1);
    QueryHash hash = hashes.iterator().next();
    assertThat(views.pipelines()).isEqualTo(1);
    Views.Advance first = views.advance();
    assertThat(first.updates()).containsOnlyKeys(hash);
    assertThat(first.updates().get(hash).patches()).extracting(RowPatch::row)
        .containsExactlyInAnyOrder(Row.of("id", 1L, "body", "a"), Row.of("id", 2L, "body", "b"));

    tx(3000, new Change.Update(DOCS_REL, null, row("1", "a2")));
    Views.Advance second = views.advance();
    assertThat(second.version()).isEqualTo(Lsn.of(3000));
    assertThat(second.updates().get(hash).patches()).containsExactly(
        new RowPatch("docs", Row.of("id", 1L), Row.of("id", 1L, "body", "a2")));
    for (int i = 0; i < 999; i++) {
      views.unsubscribe(hash);
    }
    assertThat(views.pipelines()).isEqualTo(1);
    views.unsubscribe(hash);
    assertThat(views.pipelines()).isZero();
  }

  @Test
  void aTruncatedTableRehydratesOnlyTheQueriesThatReadIt() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")),
        new Change.Insert(TAGS_REL, row("1", "x")));
    QueryHash docs = views.subscribe(Query.of("docs")).orElseThrow();
    QueryHash tags = views.subscribe(Query.of("tags")).orElseThrow();
    views.advance();
    Pipeline tagsPipeline = views.pipeline(tags);
    Pipeline docsPipeline = views.pipeline(docs);

    tx(3000, new Change.Truncate(List.of(DOCS_REL)), new Change.Insert(DOCS_REL, row("2", "b")),
        new Change.Insert(DOCS_REL, row("3", "c")), new Change.Insert(TAGS_REL, row("2", "y")));
    Views.Advance a = views.advance();
    assertThat(a.updates().get(docs).patches()).as("the diff against what the view had, not a full reload")
        .containsExactlyInAnyOrder(new RowPatch("docs", Row.of("id", 1L), null),
            new RowPatch("docs", Row.of("id", 3L), Row.of("id", 3L, "body", "c")));
    assertThat(a.updates().get(tags).patches()).containsExactly(
        new RowPatch("tags", Row.of("doc", 2L, "tag", "y"), Row.of("doc", 2L, "tag", "y")));
    assertThat(views.pipeline(tags)).as("tags was not rebuilt").isSameAs(tagsPipeline);
    assertThat(views.pipeline(docs)).as("docs was rebuilt").isNotSameAs(docsPipeline);
  }

  @Test
  void selectsCountTheSourcesFetchesAndSurviveAReset() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")));
    assertThat(views.selects()).isZero();
    views.subscribe(Query.of("docs").withLimit(1L)).orElseThrow();
    views.advance();
    long hydrated = views.selects();
    assertThat(hydrated).as("hydration read the table").isPositive();
    views.advance();
    assertThat(views.selects()).as("an advance without changes reads nothing").isEqualTo(hydrated);

    // The window's only row leaves: the Take reads the row after its bound.
    tx(3000, new Change.Delete(DOCS_REL, row("1", null)));
    views.advance();
    long afterDelete = views.selects();
    assertThat(afterDelete).isGreaterThan(hydrated);

    // A truncate resets the table: its source is closed and replaced, and the count goes on from where it was.
    tx(4000, new Change.Truncate(List.of(DOCS_REL)), new Change.Insert(DOCS_REL, row("3", "c")));
    views.advance();
    assertThat(views.selects()).isGreaterThan(afterDelete);
  }

  @Test
  void aQueryThatNoLongerFitsTheSchemaIsRefusedAtSubscribe() throws SQLException {
    assertThat(views.subscribe(Query.of("nope")).errors()).extracting(e -> e.kind().name())
        .containsExactly("UNKNOWN_TABLE");
    assertThat(views.pipelines()).isZero();
  }
}
