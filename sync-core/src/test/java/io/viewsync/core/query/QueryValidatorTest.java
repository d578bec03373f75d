package io.viewsync.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.query.Condition.And;
import io.viewsync.core.query.Condition.Compare;
import io.viewsync.core.query.Condition.Exists;
import io.viewsync.core.query.Condition.Not;
import io.viewsync.core.query.QueryError.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryValidatorTest {
  private final QueryValidator validator = new QueryValidator(Schemas.SCHEMA, QueryLimits.DEFAULTS);

  private static Compare cmp(String column, Op op, Literal value) {
    return new Compare(column, op, value);
  }

  private static Literal.ListOf list(Literal... values) {
    return new Literal.ListOf(List.of(values));
  }

  private static final Correlation ISSUE_COMMENTS = new Correlation(List.of("id"), List.of("issue_id"));

  private List<QueryError> errors(Query q) {
    return validator.validate(q).errors();
  }

  @Test
  void aValidQueryComesBackUnchanged() {
    Query q = QueryJson.parse(QueryJsonTest.FULL).orElseThrow();

    assertThat(validator.validate(q)).isEqualTo(new Result.Ok<>(q));
  }

  @Test
  void anUnknownTableIsReportedAtItsPath() {
    Query q = Query.of("issues").withRelated(List.of(new Related("x", ISSUE_COMMENTS, Query.of("nope"))));

    assertThat(errors(q)).containsExactly(new QueryError(Kind.UNKNOWN_TABLE, "related[0].query.table",
        "no table \"nope\""));
  }

  @Test
  void anUnsyncableTableIsUnavailableWithItsReason() {
    assertThat(errors(Query.of("audit"))).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.TABLE_UNAVAILABLE);
      assertThat(e.message()).contains("no primary key");
    });
  }

  @Test
  void unknownColumnsInWhereOrderByAndStartAreEachReported() {
    Query q = Query.of("issues").withWhere(new And(List.of(cmp("status", Op.EQ, new Literal.Text("x")),
            cmp("nope", Op.EQ, new Literal.Int(1)))))
        .withOrderBy(List.of(Ordering.asc("nah")))
        .withStart(new Start(Map.of("nah", new Literal.Int(1), "id", new Literal.Int(1), "zip", new Literal.Int(1)),
            true));

    assertThat(errors(q)).extracting(QueryError::kind, QueryError::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(Kind.UNKNOWN_COLUMN, "orderBy[0]"),
        org.assertj.core.groups.Tuple.tuple(Kind.UNKNOWN_COLUMN, "where.conditions[1].column"),
        org.assertj.core.groups.Tuple.tuple(Kind.UNKNOWN_COLUMN, "start.row.nah"),
        org.assertj.core.groups.Tuple.tuple(Kind.UNKNOWN_COLUMN, "start.row.zip"));
  }

  @Test
  void aStringComparedWithAnIntegerColumnIsATypeMismatch() {
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.LT, new Literal.Text("3")))))
        .extracting(QueryError::kind, QueryError::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.TYPE_MISMATCH, "where.value"));
  }

  @Test
  void literalsMustFitTheirColumnKind() {
    List<Compare> bad = List.of(
        cmp("open", Op.EQ, new Literal.Int(1)),          // bool column takes booleans only
        cmp("priority", Op.EQ, new Literal.Bool(true)),
        cmp("priority", Op.EQ, new Literal.Real(1.5)),   // an integer column takes whole numbers only
        cmp("score", Op.EQ, new Literal.Text("1.5")),
        cmp("title", Op.EQ, new Literal.Int(1)),
        cmp("attachment", Op.EQ, new Literal.Text("x")));
    for (Compare c : bad) {
      assertThat(errors(Query.of("issues").withWhere(c))).as(c.toString())
          .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
    }
  }

  @Test
  void numbersFitNumberColumnsWhateverTheirJsonForm() {
    List<Compare> good = List.of(
        cmp("priority", Op.EQ, new Literal.Real(2.0)),
        cmp("score", Op.GE, new Literal.Int(2)),
        cmp("created", Op.GT, new Literal.Int(1_700_000_000_000_000L)),
        cmp("open", Op.EQ, new Literal.Bool(false)),
        cmp("title", Op.EQ, Literal.Null.INSTANCE));
    for (Compare c : good) {
      assertThat(errors(Query.of("issues").withWhere(c))).as(c.toString()).isEmpty();
    }
  }

  @Test
  void inTakesAListOfNonNullValuesOfTheColumnsKind() {
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.IN, new Literal.Int(1)))))
        .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.NOT_IN,
        list(new Literal.Int(1), Literal.Null.INSTANCE, new Literal.Text("a"))))))
        .extracting(QueryError::path).containsExactly("where.value[1]", "where.value[2]");
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.IN, list())))).isEmpty();
  }

  @Test
  void scalarComparisonsRefuseALiteralList() {
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.EQ, list(new Literal.Int(1))))))
        .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
  }

  @Test
  void likeNeedsATextColumnAndAStringPattern() {
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.LIKE, new Literal.Text("1%")))))
        .extracting(QueryError::path).containsExactly("where.op");
    assertThat(errors(Query.of("issues").withWhere(cmp("title", Op.ILIKE, new Literal.Int(1)))))
        .extracting(QueryError::path).containsExactly("where.value");
    assertThat(errors(Query.of("users").withWhere(cmp("name", Op.LIKE, new Literal.Text("a\\%%"))))).isEmpty();
    assertThat(errors(Query.of("users").withWhere(cmp("name", Op.LIKE, new Literal.Text("a\\\\"))))).isEmpty();
    assertThat(errors(Query.of("users").withWhere(cmp("name", Op.LIKE, new Literal.Text("a\\\\\\")))))
        .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
  }

  @Test
  void isTakesNullOrABooleanOnABoolColumn() {
    assertThat(errors(Query.of("issues").withWhere(cmp("title", Op.IS, Literal.Null.INSTANCE)))).isEmpty();
    assertThat(errors(Query.of("issues").withWhere(cmp("attachment", Op.IS_NOT, Literal.Null.INSTANCE)))).isEmpty();
    assertThat(errors(Query.of("issues").withWhere(cmp("open", Op.IS_NOT, new Literal.Bool(true))))).isEmpty();
    assertThat(errors(Query.of("issues").withWhere(cmp("title", Op.IS, new Literal.Text("x")))))
        .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
    assertThat(errors(Query.of("issues").withWhere(cmp("priority", Op.IS, new Literal.Bool(true)))))
        .extracting(QueryError::kind).containsExactly(Kind.TYPE_MISMATCH);
  }

  @Test
  void aLimitMustBeBetweenZeroAndTheConfiguredMaximum() {
    var small = new QueryValidator(Schemas.SCHEMA, new QueryLimits(100, 6, 2000));

    assertThat(small.validate(Query.of("issues").withLimit(-1L)).errors()).extracting(QueryError::kind)
        .containsExactly(Kind.BAD_LIMIT);
    assertThat(small.validate(Query.of("issues").withLimit(101L)).errors()).extracting(QueryError::kind)
        .containsExactly(Kind.BAD_LIMIT);
    assertThat(small.validate(Query.of("issues").withLimit(0L)).errors()).isEmpty();
    assertThat(small.validate(Query.of("issues").withLimit(100L)).errors()).isEmpty();
  }

  @Test
  void subqueriesNestedDeeperThanTheLimitAreTooDeep() {
    var shallow = new QueryValidator(Schemas.SCHEMA, new QueryLimits(100, 2, 2000));
    Query level3 = Query.of("comments");
    Query level2 = Query.of("issues").withWhere(new Not(new Exists(ISSUE_COMMENTS, level3, false)));
    Query level1 = Query.of("comments").withRelated(List.of(new Related("issue",
        new Correlation(List.of("issue_id"), List.of("id")), level2)));
    Query top = Query.of("issues").withRelated(List.of(new Related("comments", ISSUE_COMMENTS, level1)));

    assertThat(shallow.validate(top).errors()).containsExactly(new QueryError(Kind.TOO_DEEP,
        "related[0].query.related[0].query.where.condition.query", "subqueries nest deeper than 2 levels"));
    assertThat(shallow.validate(level1).errors()).isEmpty();
  }

  @Test
  void aQueryWithMoreNodesThanTheLimitIsTooLarge() {
    var tiny = new QueryValidator(Schemas.SCHEMA, new QueryLimits(100, 6, 10));
    List<Literal> ids = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ids.add(new Literal.Int(i));
    }
    Query nineIds = Query.of("issues").withWhere(cmp("id", Op.IN, new Literal.ListOf(ids)));

    assertThat(tiny.validate(nineIds).errors()).extracting(QueryError::kind).containsExactly(Kind.TOO_LARGE);
    assertThat(tiny.validate(nineIds.withWhere(cmp("id", Op.IN, new Literal.ListOf(ids.subList(0, 8)))))
        .errors()).isEmpty();
  }

  @Test
  void aStartRowNeedsEveryOrderAndKeyColumn() {
    Query q = Query.of("issues").withOrderBy(List.of(Ordering.desc("created")))
        .withStart(new Start(Map.of("created", new Literal.Int(5)), true));

    assertThat(errors(q)).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.BAD_START);
      assertThat(e.message()).contains("\"id\"");
    });
    assertThat(errors(q.withStart(new Start(Map.of("created", Literal.Null.INSTANCE, "id", new Literal.Int(1)),
        false)))).isEmpty();
  }

  @Test
  void startValuesMustFitTheirColumns() {
    Query q = Query.of("issues").withStart(new Start(Map.of("id", new Literal.Text("1")), true));

    assertThat(errors(q)).extracting(QueryError::kind, QueryError::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.TYPE_MISMATCH, "start.row.id"));
  }

  @Test
  void correlationsNeedMatchingCountsKnownColumnsAndAgreeingTypes() {
    assertThat(errors(related(new Correlation(List.of("id", "owner_id"), List.of("issue_id")))))
        .extracting(QueryError::kind, QueryError::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.BAD_CORRELATION, "related[0].correlation"));
    assertThat(errors(related(new Correlation(List.of(), List.of())))).extracting(QueryError::kind)
        .containsExactly(Kind.BAD_CORRELATION);
    assertThat(errors(related(new Correlation(List.of("nope"), List.of("issue_id")))))
        .extracting(QueryError::path).containsExactly("related[0].correlation.parent[0]");
    assertThat(errors(related(new Correlation(List.of("id"), List.of("nope")))))
        .extracting(QueryError::path).containsExactly("related[0].correlation.child[0]");
    assertThat(errors(related(new Correlation(List.of("title"), List.of("issue_id")))))
        .extracting(QueryError::kind).containsExactly(Kind.BAD_CORRELATION);
    assertThat(errors(related(ISSUE_COMMENTS))).isEmpty();
  }

  @Test
  void existsCorrelationsAreCheckedLikeRelatedOnes() {
    Query q = Query.of("issues").withWhere(new Exists(new Correlation(List.of("title"), List.of("issue_id")),
        Query.of("comments"), true));

    assertThat(errors(q)).extracting(QueryError::kind, QueryError::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.BAD_CORRELATION, "where.correlation"));
  }

  @Test
  void twoRelatedSubqueriesMayNotShareAName() {
    Query q = Query.of("issues").withRelated(List.of(new Related("c", ISSUE_COMMENTS, Query.of("comments")),
        new Related("c", ISSUE_COMMENTS, Query.of("comments"))));

    assertThat(errors(q)).extracting(QueryError::kind, QueryError::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.DUPLICATE_NAME, "related[1].name"));
  }

  @Test
  void parseAndValidateReportsMalformedJsonFirst() {
    assertThat(validator.parseAndValidate("{").errors()).extracting(QueryError::kind)
        .containsExactly(Kind.MALFORMED);
    assertThat(validator.parseAndValidate("{\"table\":\"nope\"}").errors()).extracting(QueryError::kind)
        .containsExactly(Kind.UNKNOWN_TABLE);
  }

  private static Query related(Correlation correlation) {
    return Query.of("issues").withRelated(List.of(new Related("comments", correlation, Query.of("comments"))));
  }
}
