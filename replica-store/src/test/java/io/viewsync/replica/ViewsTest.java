package io.viewsync.replica;

import static io.viewsync.replica.DocsAndTags.row;
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
  private static final TableSpec DOCS = DocsAndTags.DOCS;
  private static final Relation DOCS_REL = DocsAndTags.DOCS_REL;
  private static final Relation TAGS_REL = DocsAndTags.TAGS_REL;

  @TempDir
  Path dir;
  private DocsAndTags replica;
  private Views views;

  @BeforeEach
  void open() throws SQLException {
    replica = new DocsAndTags(dir);
    views = new Views(replica.store, QueryLimits.DEFAULTS, 1000);
  }

  @AfterEach
  void close() throws SQLException {
    views.close();
    replica.close();
  }

  private void tx(long commit, Change... changes) throws SQLException {
    replica.tx(commit, changes);
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
  void aQueryThatNoLongerFitsTheSchemaIsRefusedAtSubscribe() throws SQLException {
    assertThat(views.subscribe(Query.of("nope")).errors()).extracting(e -> e.kind().name())
        .containsExactly("UNKNOWN_TABLE");
    assertThat(views.pipelines()).isZero();
  }
}
