package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.NaiveEvaluator;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.PipelineBuilder;
import io.viewsync.core.view.RandomChanges;
import io.viewsync.core.view.RandomQueries;
import io.viewsync.core.view.RandomSchema;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import io.viewsync.core.view.ViewRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupRowsTest {

  private static Row r(long id, String v) {
    return Row.of("id", id, "v", v);
  }

  private static RowPatch put(long id, String v) {
    return new RowPatch("t", Row.of("id", id), r(id, v));
  }

  private static RowPatch del(long id) {
    return new RowPatch("t", Row.of("id", id), null);
  }

  @Test
  void aRowHeldByTwoQueriesIsSentOnceAndDeletedWhenTheLastLetsGo() {
    GroupRows g = new GroupRows();
    g.apply("a", List.of(put(1, "x"), put(2, "y")));
    g.apply("b", List.of(put(1, "x")));
    assertThat(g.drain()).containsExactly(put(1, "x"), put(2, "y"));
    assertThat(g.holders(new RowRef("t", Row.of("id", 1L)))).isEqualTo(2);
    g.apply("a", List.of(del(1)));
    assertThat(g.drain()).as("b still holds 1").isEmpty();
    g.apply("b", List.of(put(1, "x2")));
    g.drop("b");
    assertThat(g.drain()).as("one change per row: the last").containsExactly(del(1));
    g.drop("a");
    assertThat(g.drain()).containsExactly(del(2));
    assertThat(g.size()).isZero();
  }

  @Test
  void aQueryJoiningWithRowsTheGroupHasAddsOnlyWhatIsNewOrChanged() {
    GroupRows g = new GroupRows();
    g.apply("a", List.of(put(1, "x"), put(2, "y")));
    g.drain();
    g.load("b", Map.of(new RowRef("t", Row.of("id", 2L)), r(2, "y"), new RowRef("t", Row.of("id", 3L)), r(3, "z")));
    assertThat(g.drain()).containsExactly(put(3, "z"));
    assertThat(g.all()).containsExactlyInAnyOrder(put(1, "x"), put(2, "y"), put(3, "z"));
  }

  @Test
  void aQueryAnsweredAnewOnAnotherReplicaSendsOnlyTheDifference() {
    GroupRows g = new GroupRows();
    g.apply("a", List.of(put(1, "x"), put(2, "y"), put(3, "z")));
    g.apply("b", List.of(put(3, "z")));
    g.drain();
    g.replace("a", Map.of(new RowRef("t", Row.of("id", 1L)), r(1, "x"), new RowRef("t", Row.of("id", 2L)), r(2, "y2"),
        new RowRef("t", Row.of("id", 4L)), r(4, "w")));
    assertThat(g.drain()).as("2 changed, 4 new; 1 the same; 3 still held by b").containsExactlyInAnyOrder(
        put(2, "y2"), put(4, "w"));
    assertThat(g.holders(new RowRef("t", Row.of("id", 3L)))).isEqualTo(1);
    g.replace("b", Map.of());
    assertThat(g.drain()).containsExactly(del(3));
    assertThat(g.all()).containsExactlyInAnyOrder(put(1, "x"), put(2, "y2"), put(4, "w"));
  }

  @Test
  void aClientCatchesUpWithTheRowsStampedAfterItsVersion() {
    GroupRows g = new GroupRows();
    g.apply("a", List.of(put(1, "x"), put(2, "y"), put(3, "z")));
    g.commit(10);
    g.apply("a", List.of(put(1, "x2"), del(2)));
    GroupRows.Commit c = g.commit(20);
    assertThat(c.changes()).containsExactly(put(1, "x2"), del(2));
    assertThat(c.records()).extracting(GroupRows.Record::version, GroupRows.Record::holders)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(20L, 1), org.assertj.core.groups.Tuple.tuple(20L, 0));
    assertThat(g.since(10)).containsExactlyInAnyOrder(put(1, "x2"), del(2));
    assertThat(g.since(20)).isEmpty();
    assertThat(g.since(5)).containsExactlyInAnyOrder(put(1, "x2"), put(3, "z"), del(2));
    g.pruneTombstones(0);
    assertThat(g.horizon()).as("a client below 20 may lack the delete of 2").isEqualTo(20);
  }

  @Test
  void restoredRecordsKeepTheirVersionsAndOnlyWhatChangedMeanwhileIsNew() {
    GroupRows g = new GroupRows(); // after a restart: the queries' rows are loaded again
    g.load("a", Map.of(new RowRef("t", Row.of("id", 1L)), r(1, "x"), new RowRef("t", Row.of("id", 3L)), r(3, "new")));
    g.restore(new RowRef("t", Row.of("id", 1L)), 10); // unchanged since the record
    g.touch(new RowRef("t", Row.of("id", 2L))); // recorded live, gone now
    g.restore(new RowRef("t", Row.of("id", 4L)), 8); // a tombstone on record
    assertThat(g.commit(30).changes()).containsExactlyInAnyOrder(put(3, "new"), del(2));
    assertThat(g.since(10)).containsExactlyInAnyOrder(put(3, "new"), del(2));
    assertThat(g.since(5)).containsExactlyInAnyOrder(put(1, "x"), put(3, "new"), del(2), del(4));
  }

  /**
   * Client groups of random queries over random data: after every change, the rows a client builds from the
   * group's drained patches equal the union of its queries' results evaluated from scratch, while queries are
   * subscribed and dropped along the way. Seeded by {@code -Dviewsync.seed}.
   */
  @Test
  void aClientBuiltFromTheGroupsPatchesHoldsTheUnionOfItsQueries() {
    long seed = Long.getLong("viewsync.seed", System.nanoTime());
    System.out.println("GroupRowsTest seed " + seed);
    int checks = 0;
    for (int n = 0; n < (Boolean.getBoolean("viewsync.stress") ? 1000 : 100); n++) {
      Random random = new Random(seed * 31 + n);
      RandomSchema schema = RandomSchema.random(random);
      Map<String, MemorySource> sources = new LinkedHashMap<>();
      for (String t : schema.names()) {
        MemorySource s = new MemorySource(t, RandomSchema.COLUMNS, List.of("id"));
        for (long id = 0; id < RandomSchema.IDS; id++) {
          if (random.nextBoolean()) {
            s.add(RandomSchema.randomRow(random, id));
          }
        }
        sources.put(t, s);
      }
      RandomQueries generator = new RandomQueries(random, schema);
      GroupRows group = new GroupRows();
      Map<RowRef, Row> client = new HashMap<>();
      Map<RowRef, Row> lagging = new HashMap<>(); // catches up now and then, from its cookie
      long laggingCookie = -1;
      Map<RowRef, GroupRows.Record> persisted = new HashMap<>();
      Map<String, Query> queries = new LinkedHashMap<>();
      Map<String, ViewRows> views = new LinkedHashMap<>();
      Map<String, Pipeline> pipelines = new HashMap<>();
      for (int step = 0; step < 30; step++) {
        String what;
        if (step % 7 == 0 || queries.isEmpty()) {
          String id = "q" + step;
          Query raw = generator.next();
          assertThat(new QueryValidator(schema.tables(), QueryLimits.DEFAULTS).validate(raw).errors()).isEmpty();
          Query q = new Normalizer(schema.tables()).normalize(raw);
          Pipeline p = new PipelineBuilder(sources::get).build(q);
          ViewRows rows = new ViewRows(p);
          rows.drain();
          group.load(id, rows.rows());
          queries.put(id, q);
          views.put(id, rows);
          pipelines.put(id, p);
          what = "subscribe " + id;
        } else if (step % 11 == 0) {
          String id = new ArrayList<>(queries.keySet()).get(random.nextInt(queries.size()));
          group.drop(id);
          pipelines.remove(id).close();
          queries.remove(id);
          views.remove(id);
          what = "drop " + id;
        } else {
          what = RandomChanges.apply(random, sources);
          views.forEach((id, v) -> group.apply(id, v.drain()));
        }
        GroupRows.Commit commit = group.commit(step);
        applyTo(client, commit.changes());
        commit.records().forEach(r -> persisted.put(r.ref(), r));
        if (random.nextInt(3) == 0) {
          group.pruneTombstones(random.nextInt(4));
        }
        if (random.nextInt(4) == 0) {
          if (laggingCookie < group.horizon()) { // it cannot be caught up: a reset
            lagging.clear();
            applyTo(lagging, group.all());
          } else {
            applyTo(lagging, group.since(laggingCookie));
          }
          laggingCookie = step;
          assertThat(lagging).as("caught up: seed %d case %d step %d", seed, n, step).isEqualTo(client);
        }
        Map<String, List<Row>> tables = new HashMap<>();
        sources.forEach((t, s) -> tables.put(t, s.rows()));
        Map<RowRef, Row> expected = new HashMap<>();
        for (Query q : queries.values()) {
          collect(NaiveEvaluator.evaluate(q, tables, schema.tables()), expected);
        }
        assertThat(client).as("seed %d case %d step %d (%s), queries %s", seed, n, step, what,
            queries.values().stream().map(QueryJson::write).toList()).isEqualTo(expected);
        assertThat(group.size()).isEqualTo(expected.size());
        Map<RowRef, Integer> liveRecords = new HashMap<>();
        persisted.values().stream().filter(GroupRows.Record::live)
            .forEach(r -> liveRecords.put(r.ref(), r.holders()));
        Map<RowRef, Integer> holders = new HashMap<>();
        expected.keySet().forEach(ref -> holders.put(ref, group.holders(ref)));
        assertThat(liveRecords).as("the records hold every row with its holders").isEqualTo(holders);
        checks++;
      }
      pipelines.values().forEach(Pipeline::close);
    }
    System.out.println("GroupRowsTest: " + checks + " group checks");
  }

  private static void applyTo(Map<RowRef, Row> client, List<RowPatch> patches) {
    for (RowPatch p : patches) {
      RowRef ref = new RowRef(p.table(), p.key());
      if (p.isDelete()) {
        client.remove(ref);
      } else {
        client.put(ref, p.row());
      }
    }
  }

  private static void collect(List<ResultNode> nodes, Map<RowRef, Row> out) {
    for (ResultNode n : nodes) {
      out.put(new RowRef(n.table(), n.key()), n.row());
      n.related().values().forEach(c -> collect(c, out));
    }
  }
}
