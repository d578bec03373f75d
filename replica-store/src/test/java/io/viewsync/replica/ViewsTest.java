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

  // ------------------------------------------------------------------ helpers that check views against the oracle

  private final Map<QueryHash, Query> subscribed = new java.util.LinkedHashMap<>();
  private final Map<QueryHash, Map<io.viewsync.core.view.RowRef, Row>> clients = new java.util.HashMap<>();

  private QueryHash sub(Query q) throws SQLException {
    QueryHash h = views.subscribe(q).orElseThrow();
    subscribed.put(h, q);
    clients.putIfAbsent(h, new java.util.HashMap<>());
    return h;
  }

  /** Advances until nothing is pending, applying the patches as a client would. */
  private Views.Advance advance() throws SQLException {
    Views.Advance a = views.advance();
    applyPatches(a);
    for (int i = 0; a.pending() && i < 3; i++) {
      a = views.advance();
      applyPatches(a);
    }
    return a;
  }

  private void applyPatches(Views.Advance a) {
    a.updates().forEach((h, u) -> {
      Map<io.viewsync.core.view.RowRef, Row> client = clients.get(h);
      if (client == null) {
        return;
      }
      for (RowPatch p : u.patches()) {
        io.viewsync.core.view.RowRef ref = new io.viewsync.core.view.RowRef(p.table(), p.key());
        if (p.isDelete()) {
          assertThat(client.remove(ref)).as("delete of a row the client has: %s", ref).isNotNull();
        } else {
          client.put(ref, p.row());
        }
      }
    });
  }

  /** Every subscribed view's rows, and what its client holds, equal the query evaluated on the snapshot. */
  private void checkAll() throws SQLException {
    Map<String, TableSpec> specs = views.snapshot().tables();
    Map<String, List<Row>> tables = new java.util.HashMap<>();
    for (String t : specs.keySet()) {
      List<Row> rows = new ArrayList<>();
      try (Statement s = views.snapshot().connection().createStatement();
           ResultSet rs = s.executeQuery("SELECT * FROM " + ReplicaStore.q(t))) {
        while (rs.next()) {
          Map<String, Object> m = new java.util.LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            Object v = rs.getObject(i);
            m.put(rs.getMetaData().getColumnName(i), v instanceof Integer n ? Long.valueOf(n) : v);
          }
          rows.add(Row.of(m));
        }
      }
      tables.put(t, rows);
    }
    for (Map.Entry<QueryHash, Query> e : subscribed.entrySet()) {
      Query normalized = new io.viewsync.core.query.Normalizer(specs).normalize(e.getValue());
      Map<io.viewsync.core.view.RowRef, Row> expected = new java.util.HashMap<>();
      collect(io.viewsync.core.ivm.NaiveEvaluator.evaluate(normalized, tables, specs), expected);
      String query = io.viewsync.core.query.QueryJson.write(e.getValue());
      assertThat(views.rows(e.getKey())).as("view rows of %s", query).isEqualTo(expected);
      assertThat(clients.get(e.getKey())).as("client rows of %s", query).isEqualTo(expected);
    }
  }

  private static void collect(List<io.viewsync.core.ivm.ResultNode> nodes,
      Map<io.viewsync.core.view.RowRef, Row> out) {
    for (io.viewsync.core.ivm.ResultNode n : nodes) {
      out.put(new io.viewsync.core.view.RowRef(n.table(), n.key()), n.row());
      n.related().values().forEach(children -> collect(children, out));
    }
  }

  private static Query docsWithTags(long limitPerDoc) {
    return Query.of("docs").withRelated(List.of(new io.viewsync.core.query.Related("tags",
        new io.viewsync.core.query.Correlation(List.of("id"), List.of("doc")),
        Query.of("tags").withOrderBy(List.of(Ordering.desc("tag"))).withLimit(limitPerDoc))));
  }

  private static Query docsWithATag(boolean negated) {
    return Query.of("docs").withWhere(new Condition.Exists(
        new io.viewsync.core.query.Correlation(List.of("id"), List.of("doc")), Query.of("tags"), negated));
  }

  @Test
  void aTableResetWhoseSourceHasNoPipelineLeftRehydratesLaterSubscribersAtTheNewState() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(TAGS_REL, row("1", "x")));
    QueryHash docs = views.subscribe(Query.of("docs")).orElseThrow();
    QueryHash tags = sub(Query.of("tags"));
    advance();
    views.unsubscribe(docs); // the docs source stays, with no connection
    tx(3000, new Change.Truncate(List.of(DOCS_REL)), new Change.Insert(DOCS_REL, row("2", "b")),
        new Change.Insert(TAGS_REL, row("2", "y")));
    advance();
    sub(docsWithTags(5));
    sub(docsWithATag(false));
    advance();
    checkAll();
    tx(4000, new Change.Insert(DOCS_REL, row("1", "c")), new Change.Delete(TAGS_REL, row("2", "y")));
    advance();
    checkAll();
    assertThat(views.rows(tags)).hasSize(1);
  }

  @Test
  void anOversizedTableResetsWhileAnotherTableIsPushedInTheSameAdvance() throws SQLException {
    views.close();
    views = new Views(replica.store, QueryLimits.DEFAULTS, 2);
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(TAGS_REL, row("1", "x")),
        new Change.Insert(TAGS_REL, row("1", "y")));
    sub(docsWithTags(1));
    sub(docsWithATag(true));
    QueryHash tags = sub(Query.of("tags").withWhere(cmp("tag", Op.NE, new Literal.Text("z"))));
    sub(Query.of("docs").withOrderBy(List.of(Ordering.desc("body"))).withLimit(2L));
    advance();
    checkAll();
    Pipeline tagsPipeline = views.pipeline(tags);
    // Three docs changes (more than 2: reset), two tags changes (pushed), in interleaved versions.
    tx(3000, new Change.Insert(DOCS_REL, row("2", "b")), new Change.Insert(TAGS_REL, row("2", "z")));
    tx(3100, new Change.Update(DOCS_REL, null, row("1", "a2")), new Change.Delete(TAGS_REL, row("1", "y")));
    tx(3200, new Change.Insert(DOCS_REL, row("3", "c")));
    advance();
    checkAll();
    assertThat(views.pipeline(tags)).as("tags only: pushed, not rebuilt").isSameAs(tagsPipeline);
    // Then both small: both pushed.
    tx(4000, new Change.Delete(DOCS_REL, row("3", null)), new Change.Insert(TAGS_REL, row("3", "w")),
        new Change.Insert(TAGS_REL, row("1", "zz")));
    advance();
    checkAll();
  }

  @Test
  void severalTransactionsOverTwoTablesInOneAdvanceArePushedInOrder() throws SQLException {
    sub(docsWithTags(1));
    sub(docsWithTags(2));
    sub(docsWithATag(false));
    sub(docsWithATag(true));
    sub(Query.of("tags").withRelated(List.of(new io.viewsync.core.query.Related("doc",
        new io.viewsync.core.query.Correlation(List.of("doc"), List.of("id")), Query.of("docs")))));
    advance();
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(TAGS_REL, row("1", "x")));
    tx(2100, new Change.Insert(TAGS_REL, row("1", "y")), new Change.Insert(DOCS_REL, row("2", "b")));
    tx(2200, new Change.Update(DOCS_REL, null, row("1", "a2")), new Change.Delete(TAGS_REL, row("1", "x")),
        new Change.Insert(TAGS_REL, row("2", "x")));
    tx(2300, new Change.Delete(DOCS_REL, row("2", null)), new Change.Insert(TAGS_REL, row("1", "x")));
    advance();
    checkAll();
    tx(2400, new Change.Insert(DOCS_REL, row("2", "b")), new Change.Delete(TAGS_REL, row("1", "y")));
    tx(2500, new Change.Delete(DOCS_REL, row("1", null)), new Change.Insert(DOCS_REL, row("1", "a3")));
    advance();
    checkAll();
  }

  @Test
  void aViewWaitingForItsIndexCanBeUnsubscribed() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")));
    Query byBody = Query.of("docs").withOrderBy(List.of(Ordering.desc("body"))).withLimit(1L);
    QueryHash h = views.subscribe(byBody).orElseThrow();
    // The index made at subscribe goes away before the view is hydrated: hydration makes it again and waits.
    try (Statement s = replica.store.writer().createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM " + QueryIndexes.TABLE)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      assertThat(names).isNotEmpty();
      for (String n : names) {
        s.execute("DROP INDEX " + ReplicaStore.q(n));
      }
    }
    replica.store.commit();
    Views.Advance a = views.advance();
    assertThat(a.pending()).isTrue();
    assertThat(views.pipeline(h)).isNull();
    assertThat(views.unsubscribe(h)).isTrue();
    assertThat(views.pipelines()).isZero();
    assertThat(views.advance().updates()).isEmpty();
    QueryHash again = sub(byBody);
    advance();
    checkAll();
    assertThat(views.rows(again)).hasSize(1);
  }

  @Test
  void aPipelineThatFailsIsRebuiltFromWhatItsSubscribersHoldAndTheOthersGoOn() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")));
    QueryHash all = sub(Query.of("docs"));
    QueryHash few = sub(Query.of("docs").withWhere(cmp("id", Op.LT, new Literal.Int(5))));
    advance();
    Pipeline fewPipeline = views.pipeline(few);
    // A row written behind the change log's back: the next snapshot shows it, but no pipeline was told, so
    // the logged delete that follows is a Remove of a row the view of every doc does not have: it throws.
    try (Statement s = replica.store.writer().createStatement()) {
      s.execute("INSERT INTO docs (id, body) VALUES (9, 'ghost')");
    }
    replica.store.commit();
    assertThat(views.advance().updates()).isEmpty();
    tx(3000, new Change.Delete(DOCS_REL, row("9", null)), new Change.Update(DOCS_REL, null, row("1", "a2")),
        new Change.Insert(DOCS_REL, row("3", "c")));
    Views.Advance a = advance();
    checkAll();
    assertThat(a.updates().get(all).status()).as("still available: it was rebuilt").isNull();
    assertThat(a.updates().get(all).patches()).containsExactlyInAnyOrder(
        new RowPatch("docs", Row.of("id", 1L), Row.of("id", 1L, "body", "a2")),
        new RowPatch("docs", Row.of("id", 3L), Row.of("id", 3L, "body", "c")));
    assertThat(views.pipeline(few)).as("the other view was not disturbed").isSameAs(fewPipeline);
    assertThat(views.status(all)).isEqualTo(Views.Status.AVAILABLE);
  }

  @Test
  void anAdvanceThatFailsOutsideAPipelineLeavesNoViewHalfAdvanced() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")));
    QueryHash all = sub(Query.of("docs"));
    advance();
    // A column added behind the change log's back: the next change's rows do not fit the source, and staging
    // them throws before anything is pushed.
    try (Statement s = replica.store.writer().createStatement()) {
      s.execute("ALTER TABLE docs ADD COLUMN extra TEXT");
    }
    replica.store.commit();
    tx(3000, new Change.Update(DOCS_REL, null, row("1", "a2")));
    Views.Advance failed = views.advance();
    assertThat(failed.pending()).as("the views are built again at the next advance").isTrue();
    assertThat(failed.updates()).isEmpty();
    assertThat(views.pipeline(all)).isNull();
    try (Statement s = replica.store.writer().createStatement()) {
      s.execute("ALTER TABLE docs DROP COLUMN extra");
    }
    replica.store.commit();
    tx(4000, new Change.Insert(DOCS_REL, row("3", "c")));
    Views.Advance a = advance();
    assertThat(a.updates().get(all).patches()).as("a diff against what the subscribers held")
        .containsExactlyInAnyOrder(new RowPatch("docs", Row.of("id", 1L), Row.of("id", 1L, "body", "a2")),
            new RowPatch("docs", Row.of("id", 3L), Row.of("id", 3L, "body", "c")));
    checkAll();
  }

  @Test
  @org.junit.jupiter.api.Disabled("design question, not fixed: a view keeps the raw query of its first subscriber"
      + " and is re-normalized from it after a reset, so queries that only meant the same under the old schema"
      + " (here: the old key completed both orders alike) keep sharing one view and one hash")
  void queriesThatMeantTheSameUnderTheOldKeyDoNotShareAViewAfterAKeyChange() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "b")), new Change.Insert(DOCS_REL, row("2", "a")));
    QueryHash byId = views.subscribe(Query.of("docs").withOrderBy(List.of(Ordering.asc("id"))).withLimit(1L))
        .orElseThrow();
    QueryHash byKey = views.subscribe(Query.of("docs").withLimit(1L)).orElseThrow();
    assertThat(byKey).as("order by the key, spelled out or not").isEqualTo(byId);
    advance();
    // The key becomes (body), as a key change upstream would make it (a rebuild, so a reset of docs).
    TableSpec byBody = new TableSpec(DOCS.name(), DOCS.oid(), List.of(new ColumnSpec("id", PgType.INT8, "bigint",
        true), new ColumnSpec("body", PgType.TEXT, "text", true)), List.of("body"), "primary key docs_pkey", null);
    replica.store.recordSpec(byBody, TableState.SYNCING, null);
    replica.store.putState(ReplicaWriter.STATE_WATERMARK, Lsn.of(3000).toString());
    replica.store.commit();
    advance();
    assertThat(views.rows(byKey)).as("docs limit 1 now means the first by body")
        .containsOnlyKeys(new io.viewsync.core.view.RowRef("docs", Row.of("body", "a")));
  }
}
