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
}
