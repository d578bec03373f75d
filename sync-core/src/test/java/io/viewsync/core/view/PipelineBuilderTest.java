package io.viewsync.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.Change;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.MemorySource;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PipelineBuilderTest {
  private final RandomSchema schema = RandomSchema.random(new Random(1));
  private final MemorySource t0 = new MemorySource("t0", RandomSchema.COLUMNS, List.of("id"));
  private final MemorySource t1 = new MemorySource("t1", RandomSchema.COLUMNS, List.of("id"));
  private final Map<String, MemorySource> sources = Map.of("t0", t0, "t1", t1);

  private Query normalized(Query q) {
    return new Normalizer(schema.tables()).normalize(q);
  }

  private static Row row(long id, Long p) {
    return Row.of("id", id, "p", p, "a", null, "s", null, "f", null, "b", null);
  }

  @Test
  void aPipelineThatThrowsStopsTakingPushesAndTheOthersOnItsSourceGoOn() {
    Pipeline broken = new PipelineBuilder(sources::get).build(normalized(Query.of("t0")));
    broken.input().setOutput(change -> {
      throw new IllegalStateException("a bug");
    });
    Pipeline fine = new PipelineBuilder(sources::get).build(normalized(Query.of("t0")));
    List<Change> seen = new ArrayList<>();
    fine.input().setOutput(seen::add);

    t0.add(row(1, null));
    t0.add(row(2, null));
    assertThat(broken.failure()).hasMessage("a bug");
    assertThat(seen).as("the later pipeline on the same source got both changes").hasSize(2);
  }

  @Test
  void existsAnywhereInAConditionIsAHiddenRelationshipThatNeverCollidesWithARelatedName() {
    Condition exists = new Condition.Exists(new Correlation(List.of("id"), List.of("p")), Query.of("t1"), false);
    Query q = normalized(Query.of("t0")
        .withWhere(new Condition.Or(List.of(new Condition.Compare("id", Op.EQ, new Literal.Int(1)), exists)))
        .withRelated(List.of(new Related("exists#0", new Correlation(List.of("id"), List.of("p")), Query.of("t1")))));
    Pipeline p = new PipelineBuilder(sources::get).build(q);
    ViewRows rows = new ViewRows(p);
    t0.add(row(1, null));
    t0.add(row(2, null));
    t0.add(row(3, null));
    t1.add(row(10, 2L));
    assertThat(p.input().fetch(FetchRequest.ALL).map(n -> n.row().get("id")).toList())
        .as("row 1 by its id, row 2 by its child, not row 3").containsExactly(1L, 2L);
    assertThat(p.input().schema().relationships()).containsKey("exists#0").containsKey("#exists#0");
    assertThat(rows.rows().keySet()).containsExactlyInAnyOrder(new RowRef("t0", Row.of("id", 1L)),
        new RowRef("t0", Row.of("id", 2L)), new RowRef("t1", Row.of("id", 10L)));
    assertThat(p.tables()).containsExactlyInAnyOrder("t0", "t1");
  }

  @Test
  void accessesNameEveryConnectionAndTheColumnsItsFetchesConstrain() {
    Query q = normalized(Query.of("t0").withRelated(List.of(new Related("kids",
        new Correlation(List.of("id"), List.of("p")), Query.of("t1")
            .withOrderBy(List.of(io.viewsync.core.query.Ordering.desc("a")))))));
    assertThat(PipelineBuilder.accesses(q)).containsExactly(
        new PipelineBuilder.Access("t0", new Ordering(List.of(Ordering.asc("id"))), List.of()),
        new PipelineBuilder.Access("t0", new Ordering(List.of(Ordering.asc("id"))), List.of("id")),
        new PipelineBuilder.Access("t1", new Ordering(List.of(Ordering.desc("a"), Ordering.asc("id"))),
            List.of("p")));
  }

  @Test
  void equalitiesInTheWhereBecomeConstraintsOfEveryAccessSoAnIndexServesThem() {
    Query q = normalized(Query.of("t0").withWhere(new Condition.And(List.of(
        new Condition.Compare("s", Op.EQ, new Literal.Text("open")),
        new Condition.Compare("b", Op.IS, new Literal.Bool(true)),
        new Condition.Compare("a", Op.EQ, Literal.Null.INSTANCE),
        new Condition.Compare("f", Op.GT, new Literal.Real(1.0))))));
    assertThat(PipelineBuilder.fixed(q.where())).isEqualTo(Row.of("b", 1L, "s", "open"));
    assertThat(PipelineBuilder.accesses(q)).extracting(PipelineBuilder.Access::constrained)
        .containsExactly(List.of("b", "s"));
  }

  private static Row withA(long id, long a) {
    return Row.of("id", id, "p", null, "a", a, "s", null, "f", null, "b", null);
  }

  private List<Object> ids(Pipeline p) {
    return p.input().fetch(FetchRequest.ALL).map(n -> n.row().get("id")).toList();
  }

  @Test
  void aParentFirstCountedByAFetchDuringAChildChangeIsNotCountedTwice() {
    // t0 where exists(t1 on a = a) order by id limit 1. Removing child 10 reaches parents 1, 2, 3 in turn: 1
    // leaves, so Take refills past 2 (known: still has a child, until its own push) ... when 2 leaves, Take refills
    // past 3, which Exists counts for the first time — the input already without child 10. Its own push of that
    // removal must not subtract it again.
    for (long id : new long[] {1, 2, 3}) {
      t0.add(withA(id, 7));
    }
    t0.add(withA(4, 8));
    t1.add(withA(10, 7));
    t1.add(withA(11, 8));
    Query q = normalized(Query.of("t0").withWhere(new Condition.Exists(new Correlation(List.of("a"), List.of("a")),
        Query.of("t1"), false)).withLimit(1L));
    Pipeline p = new PipelineBuilder(sources::get).build(q);
    ViewRows rows = new ViewRows(p);
    assertThat(ids(p)).containsExactly(1L);

    t1.remove(withA(10, 7));
    assertThat(ids(p)).containsExactly(4L);
    t1.add(withA(12, 7)); // 1, 2 and 3 have a child again
    assertThat(ids(p)).containsExactly(1L);
    t0.remove(withA(1, 7));
    t0.remove(withA(2, 7));
    assertThat(ids(p)).as("3 has child 12").containsExactly(3L);
    assertThat(rows.rows().keySet()).containsExactly(new RowRef("t0", Row.of("id", 3L)));
  }

  private static Row child(long id, Long p, long a) {
    return Row.of("id", id, "p", p, "a", a, "s", null, "f", null, "b", null);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "limit in the exists subquery: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aChildMovingBetweenParentsIsNotSeenByTheNewParentsBeforeItsAdd(boolean limited) {
    // t0 where exists(t1 on a = a) order by id limit 1. Child 10 moves from a = 7 to a = 8: Join pushes its
    // removal to parents 1 and 2 (a = 7), whose refills reach parent 3 (a = 8), then its addition to parent 3.
    // During the removal parent 3 must not see the child yet, or its addition counts it twice. With a limit in
    // the exists subquery, Take splits the move instead, and hides the row from its new partition (and from a
    // window built for it meanwhile) until it pushes the Add.
    t0.add(withA(1, 7));
    t0.add(withA(2, 7));
    t0.add(withA(3, 8));
    t0.add(withA(4, 9));
    t1.add(withA(10, 7));
    t1.add(withA(11, 9));
    Query q = normalized(Query.of("t0").withWhere(new Condition.Exists(new Correlation(List.of("a"), List.of("a")),
        limited ? Query.of("t1").withLimit(2L) : Query.of("t1"), false)).withLimit(1L));
    Pipeline p = new PipelineBuilder(sources::get).build(q);
    ViewRows rows = new ViewRows(p);
    assertThat(ids(p)).containsExactly(1L);
    t1.edit(withA(10, 7), withA(10, 8));
    assertThat(ids(p)).containsExactly(3L);
    t1.remove(withA(10, 8));
    assertThat(ids(p)).as("3 has no child left").containsExactly(4L);
    assertThat(rows.rows().keySet()).containsExactly(new RowRef("t0", Row.of("id", 4L)));
  }

  @Test
  void aChildEditedOutOfAndBackIntoAnExistsInsideAnExistsIsCountedOnce() {
    // t0 where exists(t1 on id = p where exists(t1 on a = a)) order by id limit 1: child 10 of parent 2 changes
    // the column of the inner correlation, which the inner Join splits into Remove and Add of the same row.
    // While the Remove is pushed, the outer Exists must not see the row as already added.
    MemorySource t2 = new MemorySource("t2", RandomSchema.COLUMNS, List.of("id"));
    Map<String, MemorySource> three = Map.of("t0", t0, "t1", t1, "t2", t2);
    t0.add(withA(0, 0));
    t0.add(withA(1, 0));
    t0.add(withA(2, 0));
    t1.add(child(9, 0L, 5));
    t1.add(child(8, 1L, 5));
    t1.add(child(10, 2L, 5));
    t2.add(withA(20, 5));
    t2.add(withA(21, 6));
    Condition inner = new Condition.Exists(new Correlation(List.of("a"), List.of("a")), Query.of("t2"), false);
    Query q = new Normalizer(Map.of("t0", schema.tables().get("t0"), "t1", schema.tables().get("t1"), "t2",
        schema.tables().get("t0"))).normalize(Query.of("t0").withWhere(new Condition.Exists(
            new Correlation(List.of("id"), List.of("p")), Query.of("t1").withWhere(inner), false)).withLimit(1L));
    Pipeline p = new PipelineBuilder(three::get).build(q);
    ViewRows rows = new ViewRows(p);
    assertThat(ids(p)).containsExactly(0L);
    t1.edit(child(10, 2L, 5), child(10, 2L, 6));
    t1.edit(child(10, 2L, 6), child(10, 2L, 7)); // no t2 row has a = 7: parent 2 has no child passing
    t0.remove(withA(0, 0));
    t0.remove(withA(1, 0));
    assertThat(ids(p)).as("parent 2's only child fails the inner exists").isEmpty();
    assertThat(rows.rows()).isEmpty();
  }

}
