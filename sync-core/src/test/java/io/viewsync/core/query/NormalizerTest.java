package io.viewsync.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.query.Condition.And;
import io.viewsync.core.query.Condition.Compare;
import io.viewsync.core.query.Condition.Exists;
import io.viewsync.core.query.Condition.Not;
import io.viewsync.core.query.Condition.Or;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizerTest {
  private final Normalizer normalizer = new Normalizer(Schemas.SCHEMA);

  private static final Compare A = new Compare("status", Op.EQ, new Literal.Text("open"));
  private static final Compare B = new Compare("priority", Op.GT, new Literal.Int(2));
  private static final Compare C = new Compare("title", Op.LIKE, new Literal.Text("%x%"));
  private static final Correlation ISSUE_COMMENTS = new Correlation(List.of("id"), List.of("issue_id"));

  private Condition where(Condition c) {
    return normalizer.normalize(Query.of("issues").withWhere(c)).where();
  }

  @Test
  void theOrderIsCompletedWithTheKeyAscending() {
    Query q = normalizer.normalize(Query.of("labels").withOrderBy(List.of(Ordering.desc("name"))));

    assertThat(q.orderBy()).containsExactly(Ordering.desc("name"), Ordering.asc("issue_id"));
  }

  @Test
  void aKeyColumnAlreadyInTheOrderKeepsItsDirection() {
    Query q = normalizer.normalize(Query.of("issues").withOrderBy(List.of(Ordering.desc("id"))));

    assertThat(q.orderBy()).containsExactly(Ordering.desc("id"));
  }

  @Test
  void aRepeatedOrderColumnKeepsOnlyItsFirstDirection() {
    Query q = normalizer.normalize(Query.of("issues")
        .withOrderBy(List.of(Ordering.asc("created"), Ordering.desc("created"))));

    assertThat(q.orderBy()).containsExactly(Ordering.asc("created"), Ordering.asc("id"));
  }

  @Test
  void nestedAndsAreFlattenedSortedAndDeduplicated() {
    Condition normalized = where(new And(List.of(C, new And(List.of(B, A)), C)));

    assertThat(normalized).isInstanceOf(And.class);
    assertThat(((And) normalized).conditions()).containsExactlyInAnyOrder(A, B, C);
    assertThat(where(new And(List.of(A, new And(List.of(C, B)))))).isEqualTo(normalized);
  }

  @Test
  void anOrInsideAnAndIsNotFlattenedIntoIt() {
    Condition normalized = where(new And(List.of(A, new Or(List.of(B, C)))));

    assertThat(((And) normalized).conditions()).hasSize(2).anySatisfy(c -> assertThat(c).isInstanceOf(Or.class));
  }

  @Test
  void aJunctionOfOneIsItsChild() {
    assertThat(where(new Or(List.of(new And(List.of(A)))))).isEqualTo(A);
  }

  @Test
  void anEmptyAndWhereIsRemovedButAnEmptyOrIsKept() {
    assertThat(where(new And(List.of()))).isNull();
    assertThat(where(new Or(List.of()))).isEqualTo(new Or(List.of()));
  }

  @Test
  void doubleNegationIsRemoved() {
    assertThat(where(new Not(new Not(new Not(new Not(A)))))).isEqualTo(A);
    assertThat(where(new Not(new Not(new Not(A))))).isEqualTo(new Not(A));
  }

  @Test
  void notExistsIsANegatedExists() {
    Condition normalized = where(new Not(new Exists(ISSUE_COMMENTS, Query.of("comments"), false)));

    assertThat(normalized).isInstanceOf(Exists.class);
    assertThat(((Exists) normalized).negated()).isTrue();
  }

  @Test
  void inListsAreTypedDeduplicatedAndSorted() {
    Condition normalized = where(new Compare("priority", Op.IN, new Literal.ListOf(List.of(
        new Literal.Int(3), new Literal.Real(1.0), new Literal.Int(1), new Literal.Int(-2)))));

    assertThat(normalized).isEqualTo(new Compare("priority", Op.IN, new Literal.ListOf(List.of(
        new Literal.Int(-2), new Literal.Int(1), new Literal.Int(3)))));
  }

  @Test
  void numbersTakeTheKindOfTheirColumn() {
    assertThat(where(new Compare("priority", Op.EQ, new Literal.Real(1.0))))
        .isEqualTo(new Compare("priority", Op.EQ, new Literal.Int(1)));
    assertThat(where(new Compare("score", Op.EQ, new Literal.Int(1))))
        .isEqualTo(new Compare("score", Op.EQ, new Literal.Real(1.0)));
  }

  @Test
  void theStartRowKeepsOnlyTheOrderColumnsTyped() {
    Query q = normalizer.normalize(Query.of("issues").withOrderBy(List.of(Ordering.desc("score")))
        .withStart(new Start(Map.of("score", new Literal.Int(3), "id", new Literal.Real(4.0),
            "title", new Literal.Text("extra")), true)));

    assertThat(q.start()).isEqualTo(new Start(Map.of("score", new Literal.Real(3.0), "id", new Literal.Int(4)), true));
  }

  @Test
  void relatedAreSortedByNameAndNormalizedThemselves() {
    Query q = normalizer.normalize(Query.of("issues").withRelated(List.of(
        new Related("labels", ISSUE_COMMENTS, Query.of("labels")),
        new Related("comments", ISSUE_COMMENTS, Query.of("comments")))));

    assertThat(q.related()).extracting(Related::name).containsExactly("comments", "labels");
    assertThat(q.related().get(0).query().orderBy()).containsExactly(Ordering.asc("id"));
  }

  @Test
  void correlationPairsAreSortedTogether() {
    Correlation twoColumns = new Correlation(List.of("owner_id", "id"), List.of("name", "issue_id"));
    Query q = normalizer.normalize(Query.of("issues").withRelated(List.of(
        new Related("l", twoColumns, Query.of("labels")))));

    assertThat(q.related().get(0).correlation())
        .isEqualTo(new Correlation(List.of("id", "owner_id"), List.of("issue_id", "name")));
  }

  @Test
  void anExistsSubqueryWithoutLimitLosesItsOrderAndRelated() {
    Query sub = Query.of("comments").withOrderBy(List.of(Ordering.desc("created")))
        .withRelated(List.of(new Related("author", new Correlation(List.of("author_id"), List.of("id")),
            Query.of("users"))));

    Exists normalized = (Exists) where(new Exists(ISSUE_COMMENTS, sub, false));

    assertThat(normalized.query()).isEqualTo(Query.of("comments").withOrderBy(List.of(Ordering.asc("id"))));
  }

  @Test
  void anExistsSubqueryWithALimitKeepsItsOrder() {
    Query sub = Query.of("comments").withOrderBy(List.of(Ordering.desc("created"))).withLimit(1L);

    Exists normalized = (Exists) where(new Exists(ISSUE_COMMENTS, sub, false));

    assertThat(normalized.query().orderBy()).containsExactly(Ordering.desc("created"), Ordering.asc("id"));
  }

  @Test
  void normalizingIsIdempotent() {
    Query q = normalizer.normalize(QueryJson.parse(QueryJsonTest.FULL).orElseThrow());

    assertThat(normalizer.normalize(q)).isEqualTo(q);
  }

  @Test
  void aQueryThatWasNotValidatedIsRefused() {
    assertThatThrownBy(() -> normalizer.normalize(Query.of("nope"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> normalizer.normalize(Query.of("issues").withWhere(new Compare("nope", Op.EQ,
        Literal.Null.INSTANCE)))).isInstanceOf(IllegalArgumentException.class);
  }
}
