package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.TableName;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Result;
import io.viewsync.core.query.Start;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed results on tiny tables: the reference must be right before anything is compared with it. */
class NaiveEvaluatorTest {

  static final Map<String, TableSpec> SCHEMA = Map.of(
      "users", table("users", List.of("id"), col("id", PgType.INT8), col("name", PgType.TEXT)),
      "issues", table("issues", List.of("id"), col("id", PgType.INT8), col("title", PgType.TEXT),
          col("owner_id", PgType.INT8), col("open", PgType.BOOL)),
      "comments", table("comments", List.of("id"), col("id", PgType.INT8), col("issue_id", PgType.INT8),
          col("author_id", PgType.INT8)),
      "labels", table("labels", List.of("issue_id", "name"), col("issue_id", PgType.INT8), col("name", PgType.TEXT)));

  static final Map<String, List<Row>> TABLES = Map.of(
      "users", List.of(Row.of("id", 1L, "name", "ann"), Row.of("id", 2L, "name", "bob")),
      "issues", List.of(
          Row.of("id", 1L, "title", "a", "owner_id", 1L, "open", 1L),
          Row.of("id", 2L, "title", "b", "owner_id", 2L, "open", 0L),
          Row.of("id", 3L, "title", "c", "owner_id", null, "open", 1L),
          Row.of("id", 4L, "title", null, "owner_id", 1L, "open", null)),
      "comments", List.of(
          Row.of("id", 10L, "issue_id", 1L, "author_id", 2L),
          Row.of("id", 11L, "issue_id", 1L, "author_id", 1L),
          Row.of("id", 12L, "issue_id", 1L, "author_id", null),
          Row.of("id", 13L, "issue_id", 2L, "author_id", 1L),
          Row.of("id", 14L, "issue_id", null, "author_id", 1L)),
      "labels", List.of(
          Row.of("issue_id", 1L, "name", "bug"),
          Row.of("issue_id", 3L, "name", "bug"),
          Row.of("issue_id", 3L, "name", "ui")));

  private static final Correlation ISSUE_COMMENTS = new Correlation(List.of("id"), List.of("issue_id"));

  @Test
  void allRowsInKeyOrder() {
    assertThat(ids(Query.of("issues"))).isEqualTo("1 2 3 4");
    assertThat(ids(Query.of("comments"))).isEqualTo("10 11 12 13 14");
  }

  @Test
  void whereIsThreeValued() {
    assertThat(ids(Query.of("issues").withWhere(cmp("open", Op.EQ, new Literal.Bool(true))))).isEqualTo("1 3");
    assertThat(ids(Query.of("issues").withWhere(new Condition.Not(cmp("open", Op.EQ, new Literal.Bool(true))))))
        .isEqualTo("2"); // not 4: not(NULL = true) is unknown
    assertThat(ids(Query.of("issues").withWhere(cmp("open", Op.IS_NOT, new Literal.Bool(true))))).isEqualTo("2 4");
    assertThat(ids(Query.of("issues").withWhere(cmp("title", Op.NE, new Literal.Text("a"))))).isEqualTo("2 3");
  }

  @Test
  void relatedOneToManyIsLimitedPerParent() {
    Query q = Query.of("issues").withRelated(List.of(new Related("comments", ISSUE_COMMENTS,
        Query.of("comments").withOrderBy(List.of(Ordering.desc("id"))).withLimit(2L))));
    assertThat(render(q)).isEqualTo("""
        {id=1, open=1, owner_id=1, title='a'}
          comments: {author_id=null, id=12, issue_id=1}
          comments: {author_id=1, id=11, issue_id=1}
        {id=2, open=0, owner_id=2, title='b'}
          comments: {author_id=1, id=13, issue_id=2}
        {id=3, open=1, owner_id=null, title='c'}
        {id=4, open=null, owner_id=1, title=null}
        """);
  }

  @Test
  void relatedManyToOneAndNullCorrelation() {
    Query q = Query.of("comments").withRelated(List.of(new Related("author",
        new Correlation(List.of("author_id"), List.of("id")), Query.of("users"))));
    assertThat(render(q)).isEqualTo("""
        {author_id=2, id=10, issue_id=1}
          author: {id=2, name='bob'}
        {author_id=1, id=11, issue_id=1}
          author: {id=1, name='ann'}
        {author_id=null, id=12, issue_id=1}
        {author_id=1, id=13, issue_id=2}
          author: {id=1, name='ann'}
        {author_id=1, id=14, issue_id=null}
          author: {id=1, name='ann'}
        """);
  }

  @Test
  void aNullParentValueCorrelatesWithNothingEvenANullChild() {
    // comments.issue_id NULL (14) and issues.owner_id NULL (3): correlating those NULLs must not pair them.
    Query q = Query.of("issues").withWhere(cmp("id", Op.EQ, new Literal.Int(3))).withRelated(List.of(
        new Related("x", new Correlation(List.of("owner_id"), List.of("issue_id")), Query.of("comments"))));
    assertThat(render(q)).isEqualTo("{id=3, open=1, owner_id=null, title='c'}\n");
  }

  @Test
  void relatedNestedTwoLevels() {
    Query q = Query.of("issues").withLimit(2L).withRelated(List.of(new Related("comments", ISSUE_COMMENTS,
        Query.of("comments").withLimit(2L).withRelated(List.of(new Related("author",
            new Correlation(List.of("author_id"), List.of("id")), Query.of("users")))))));
    assertThat(render(q)).isEqualTo("""
        {id=1, open=1, owner_id=1, title='a'}
          comments: {author_id=2, id=10, issue_id=1}
            author: {id=2, name='bob'}
          comments: {author_id=1, id=11, issue_id=1}
            author: {id=1, name='ann'}
        {id=2, open=0, owner_id=2, title='b'}
          comments: {author_id=1, id=13, issue_id=2}
            author: {id=1, name='ann'}
        """);
    assertThat(ResultNode.membership(NaiveEvaluator.evaluate(normalize(q), TABLES, SCHEMA))).containsExactly(
        member("issues", "id", 1L), member("comments", "id", 10L), member("users", "id", 2L),
        member("comments", "id", 11L), member("users", "id", 1L),
        member("issues", "id", 2L), member("comments", "id", 13L));
  }

  @Test
  void existsAndNotExists() {
    Condition bug = new Condition.Exists(ISSUE_COMMENTS,
        Query.of("labels").withWhere(cmp("name", Op.EQ, new Literal.Text("bug"))), false);
    Condition noComments = new Condition.Exists(ISSUE_COMMENTS, Query.of("comments"), true);
    assertThat(ids(Query.of("issues").withWhere(bug))).isEqualTo("1 3");
    assertThat(ids(Query.of("issues").withWhere(noComments))).isEqualTo("3 4");
    assertThat(ids(Query.of("issues").withWhere(new Condition.And(List.of(bug, noComments))))).isEqualTo("3");
    assertThat(ids(Query.of("issues").withWhere(new Condition.Not(bug)))).isEqualTo("2 4");
  }

  @Test
  void existsHonoursTheSubquerysLimitAndStart() {
    Query comments = Query.of("comments");
    assertThat(ids(Query.of("issues").withWhere(new Condition.Exists(ISSUE_COMMENTS, comments.withLimit(0L),
        false)))).isEqualTo("");
    assertThat(ids(Query.of("issues").withWhere(new Condition.Exists(ISSUE_COMMENTS, comments.withLimit(0L),
        true)))).isEqualTo("1 2 3 4");
    // issues with a comment after id 12: only issue 2 (13); 14 belongs to no issue
    Query afterTwelve = comments.withStart(new Start(Map.of("id", new Literal.Int(12)), true));
    assertThat(ids(Query.of("issues").withWhere(new Condition.Exists(ISSUE_COMMENTS, afterTwelve, false))))
        .isEqualTo("2");
  }

  @Test
  void startAtOrAfterARowThatNeedNotExist() {
    Query byTitle = Query.of("issues").withOrderBy(List.of(Ordering.asc("title"))); // NULL first: 4 1 2 3
    assertThat(ids(byTitle)).isEqualTo("4 1 2 3");
    assertThat(ids(byTitle.withStart(start(false, "title", new Literal.Text("b"), "id", new Literal.Int(0)))))
        .isEqualTo("2 3");
    assertThat(ids(byTitle.withStart(start(false, "title", new Literal.Text("b"), "id", new Literal.Int(2)))))
        .isEqualTo("2 3");
    assertThat(ids(byTitle.withStart(start(true, "title", new Literal.Text("b"), "id", new Literal.Int(2)))))
        .isEqualTo("3");
    assertThat(ids(byTitle.withStart(start(true, "title", Literal.Null.INSTANCE, "id", new Literal.Int(5)))))
        .isEqualTo("1 2 3");
    assertThat(ids(byTitle.withStart(start(false, "title", new Literal.Text("z"), "id", new Literal.Int(0)))))
        .isEqualTo("");
    assertThat(ids(byTitle.withStart(start(false, "title", new Literal.Text("a"), "id", new Literal.Int(0)))
        .withLimit(2L))).isEqualTo("1 2");

    Query byTitleDesc = Query.of("issues").withOrderBy(List.of(Ordering.desc("title"))); // NULL last: 3 2 1 4
    assertThat(ids(byTitleDesc)).isEqualTo("3 2 1 4");
    assertThat(ids(byTitleDesc.withStart(start(false, "title", new Literal.Text("bb"), "id", new Literal.Int(0)))))
        .isEqualTo("2 1 4");
    assertThat(ids(byTitleDesc.withStart(start(true, "title", new Literal.Text("a"), "id", new Literal.Int(1)))))
        .isEqualTo("4");
  }

  @Test
  void limitZeroAndLimitAfterWhere() {
    assertThat(ids(Query.of("issues").withLimit(0L))).isEqualTo("");
    assertThat(ids(Query.of("issues").withWhere(cmp("owner_id", Op.IN,
        new Literal.ListOf(List.of(new Literal.Int(1))))).withLimit(1L))).isEqualTo("1");
    assertThat(ids(Query.of("issues").withOrderBy(List.of(Ordering.desc("id"))).withWhere(cmp("owner_id", Op.IN,
        new Literal.ListOf(List.of(new Literal.Int(1))))).withLimit(1L))).isEqualTo("4");
  }

  @Test
  void anOrderWithoutTheKeyIsRefused() {
    Query unnormalized = Query.of("issues").withOrderBy(List.of(Ordering.asc("title")));
    assertThatThrownBy(() -> NaiveEvaluator.evaluate(unnormalized, TABLES, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("normalize");
  }

  @Test
  void renderTellsLongsDoublesAndStringsApart() {
    assertThat(ResultNode.renderRow(Row.of("b", 1.0, "a", 1L, "c", "1", "d", null, "e", new byte[] {10},
        "f", "it's"))).isEqualTo("{a=1, b=1.0, c='1', d=null, e=x'0a', f='it''s'}");
  }

  private static Start start(boolean exclusive, String c1, Literal v1, String c2, Literal v2) {
    Map<String, Literal> row = new LinkedHashMap<>();
    row.put(c1, v1);
    row.put(c2, v2);
    return new Start(row, exclusive);
  }

  private static ResultNode.Member member(String table, String column, Object value) {
    return new ResultNode.Member(table, Row.of(column, value));
  }

  private static Condition cmp(String column, Op op, Literal value) {
    return new Condition.Compare(column, op, value);
  }

  /** Validated (so the tests cannot use queries clients cannot send) and normalized. */
  static Query normalize(Query q) {
    Result<Query> valid = new QueryValidator(SCHEMA, QueryLimits.DEFAULTS).validate(q);
    assertThat(valid).isInstanceOf(Result.Ok.class);
    return new Normalizer(SCHEMA).normalize(q);
  }

  private static String render(Query q) {
    return ResultNode.render(NaiveEvaluator.evaluate(normalize(q), TABLES, SCHEMA));
  }

  private static String ids(Query q) {
    return String.join(" ", NaiveEvaluator.evaluate(normalize(q), TABLES, SCHEMA).stream()
        .map(n -> String.valueOf(n.row().get("id"))).toList());
  }

  static ColumnSpec col(String name, PgType type) {
    return new ColumnSpec(name, type, type.name(), false);
  }

  static TableSpec table(String name, List<String> key, ColumnSpec... columns) {
    return new TableSpec(TableName.parse(name), name.hashCode(), List.of(columns), key, "primary key", null);
  }
}
