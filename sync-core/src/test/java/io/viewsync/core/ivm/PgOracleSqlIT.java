package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Result;
import io.viewsync.core.query.Start;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.value.PgType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Postgres, through {@link PgOracleSql}, and {@link NaiveEvaluator}, on the same rows, must give the same
 * result for every query: each checks the other's reading of docs/queries.md.
 */
@ExtendWith(PostgresExtension.class)
class PgOracleSqlIT {

  static final Map<String, TableSpec> SCHEMA = Map.of(
      "users", table("users", List.of("id"), col("id", PgType.INT8), col("name", PgType.TEXT)),
      "issues", table("issues", List.of("id"), col("id", PgType.INT8), col("title", PgType.TEXT),
          col("owner_id", PgType.INT8), col("open", PgType.BOOL), col("score", PgType.FLOAT8),
          col("created", PgType.TIMESTAMPTZ), col("estimate", PgType.NUMERIC)),
      "comments", table("comments", List.of("id"), col("id", PgType.INT8), col("issue_id", PgType.INT8),
          col("author_id", PgType.INT8), col("body", PgType.TEXT)),
      "labels", table("labels", List.of("issue_id", "name"), col("issue_id", PgType.INT8),
          col("name", PgType.TEXT)));

  /** Every row of every table, read back from Postgres as storage values. */
  private static Map<String, List<Row>> tables;

  /**
   * Text columns get a linguistic collation when the server has ICU ({@code und-x-icu}: {@code a < B}, and
   * {@code lower('É')} is {@code é}), as upstream tables often do, so the oracle's explicit {@code COLLATE "C"}
   * is what makes it agree; the test cluster's own default collation is C, which would hide a missing one.
   */
  private static String collation;

  @BeforeAll
  static void createTables(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'")) {
      rs.next();
      collation = rs.getLong(1) > 0 ? " COLLATE \"und-x-icu\"" : "";
    }
    String text = "text" + collation;
    db.execute(
        "CREATE TABLE users(id int8 PRIMARY KEY, name " + text + ")",
        "CREATE TABLE issues(id int8 PRIMARY KEY, title " + text + ", owner_id int8, open bool, score float8,"
            + " created timestamptz, estimate numeric)",
        "CREATE TABLE comments(id int8 PRIMARY KEY, issue_id int8, author_id int8, body " + text + ")",
        "CREATE TABLE labels(issue_id int8, name " + text + ", PRIMARY KEY (issue_id, name))",
        "INSERT INTO users VALUES (1, 'ann'), (2, 'Bob'), (3, 'émile'), (4, NULL), (5, 'Émile'), (6, 'zoë'),"
            + " (7, '😀 smile'), (8, 'a_b'), (9, '100%'), (10, E'back\\\\slash'), (11, 'ANN'), (12, 'axb')",
        "INSERT INTO issues VALUES"
            + " (1, 'alpha', 1, true, 1.5, '2024-01-01 00:00:00+00', 10),"
            + " (2, 'Beta', 2, false, 2, '2024-01-02 12:00:00.5+00', 9),"
            + " (3, 'beta', NULL, true, NULL, NULL, 9.50),"
            + " (4, NULL, 1, NULL, -3.25, '2023-12-31 23:59:59.999999+00', NULL),"
            + " (5, 'émoi', 3, true, 0.00001, '2024-01-01 00:00:00+00', 100),"
            + " (6, 'Émoi', 99, false, 2, '1999-01-01 00:00:00+00', -1),"
            + " (7, '😀', 5, true, 1e300, '2024-06-01 00:00:00+02', 0.1),"
            + " (8, '100% done', 7, NULL, 1.5, NULL, 10.0),"
            + " (9, 'gamma', 2, false, NULL, '2025-01-01 00:00:00+00', 7),"
            + " (10, '', 1, true, 0, '2024-01-01 00:00:00+00', 10),"
            + " (11, 'a_c', NULL, false, -1e-300, NULL, NULL),"
            + " (12, 'ALPHA', 11, true, 3, '2024-03-01 00:00:00+00', 3)",
        "INSERT INTO comments VALUES"
            + " (100, 1, 2, 'first'), (101, 1, 1, 'second'), (102, 1, NULL, 'anon'), (103, 1, 3, 'third'),"
            + " (104, 2, 1, 'Nice'), (105, 2, 2, 'nice'), (106, 3, 5, 'É'), (107, NULL, 1, 'orphan'),"
            + " (108, 42, 1, 'dangling'), (109, 5, 4, NULL), (110, 7, 7, '😀😀'), (111, 9, 2, 'x'),"
            + " (112, 9, 9, 'y'), (113, 9, 11, 'z'), (114, 12, 12, 'w'), (115, 1, 6, 'fourth')",
        "INSERT INTO labels VALUES (1, 'bug'), (3, 'bug'), (3, 'ui'), (5, 'Bug'), (7, 'bug'), (9, 'ui'),"
            + " (42, 'bug'), (12, 'urgent')");
    try (Connection c = db.connect()) {
      tables = new TreeMap<>();
      for (String t : SCHEMA.keySet()) {
        List<Row> rows = new ArrayList<>();
        PgOracleSql.evaluate(c, normalize(Query.of(t)), SCHEMA).forEach(n -> rows.add(n.row()));
        tables.put(t, rows);
      }
    }
  }

  @Test
  void textColumnsHaveALinguisticCollationWhenTheServerHasIcu(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")) {
      rs.next();
      assertThat(!collation.isEmpty()).as("ICU collations on the server, used for the text columns")
          .isEqualTo(rs.getLong(1) > 0);
    }
  }

  @Test
  void rowsReadBackAsTheReplicaStoresThem() {
    Row alpha = tables.get("issues").get(0);
    assertThat(alpha).isEqualTo(Row.of("id", 1L, "title", "alpha", "owner_id", 1L, "open", 1L, "score", 1.5,
        "created", 1704067200000000L, "estimate", "10"));
    Row four = tables.get("issues").get(3);
    assertThat(four.get("created")).isEqualTo(1704067199999999L);
    assertThat(four.get("open")).isNull();
    assertThat(tables.get("issues").get(4).get("score")).isEqualTo(0.00001);
    assertThat(tables.get("issues").get(6).get("score")).isEqualTo(1e300);
    assertThat(tables.get("issues").get(6).get("title")).isEqualTo("😀");
    assertThat(tables.get("users").get(9).get("name")).isEqualTo("back\\slash");
  }

  /** The claim PgOracleSql relies on for ILIKE: under COLLATE "C" only ASCII letters fold. */
  @Test
  void ilikeUnderCollateCFoldsOnlyAsciiLetters(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_encoding'),"
            + " 'A' COLLATE \"C\" ILIKE 'a', 'É' COLLATE \"C\" ILIKE 'é', 'é' COLLATE \"C\" ILIKE 'É',"
            + " 'K' COLLATE \"C\" ILIKE E'\\u212A', '😀' COLLATE \"C\" LIKE '_'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("UTF8");
      assertThat(rs.getBoolean(2)).as("A ILIKE a").isTrue();
      assertThat(rs.getBoolean(3)).as("É ILIKE é").isFalse();
      assertThat(rs.getBoolean(4)).as("é ILIKE É").isFalse();
      assertThat(rs.getBoolean(5)).as("K ILIKE KELVIN SIGN").isFalse();
      assertThat(rs.getBoolean(6)).as("one code point is one _").isTrue();
    }
  }

  static Stream<Arguments> queries() {
    Correlation issueComments = new Correlation(List.of("id"), List.of("issue_id"));
    Correlation author = new Correlation(List.of("author_id"), List.of("id"));
    Correlation owner = new Correlation(List.of("owner_id"), List.of("id"));
    Query issues = Query.of("issues");
    Query comments = Query.of("comments");
    return Stream.of(
        q("every issue in key order", issues),
        q("every user in key order", Query.of("users")),
        q("title ascending: NULL first, then UTF-8 byte order", issues.withOrderBy(List.of(Ordering.asc("title")))),
        q("title descending: NULL last", issues.withOrderBy(List.of(Ordering.desc("title"))).withLimit(6L)),
        q("score descending, ties by open then key", issues.withOrderBy(List.of(Ordering.desc("score"),
            Ordering.asc("open")))),
        q("open ascending: NULL, false, true", issues.withOrderBy(List.of(Ordering.asc("open")))),
        q("numeric sorts as text", issues.withOrderBy(List.of(Ordering.asc("estimate")))),
        q("timestamp descending", issues.withOrderBy(List.of(Ordering.desc("created")))),
        q("open = true", issues.withWhere(cmp("open", Op.EQ, new Literal.Bool(true)))),
        q("not (open = true) skips NULL", issues.withWhere(new Condition.Not(cmp("open", Op.EQ,
            new Literal.Bool(true))))),
        q("open IS NOT true includes NULL", issues.withWhere(cmp("open", Op.IS_NOT, new Literal.Bool(true)))),
        q("title IS null", issues.withWhere(cmp("title", Op.IS, Literal.Null.INSTANCE))),
        q("title = null matches nothing", issues.withWhere(cmp("title", Op.EQ, Literal.Null.INSTANCE))),
        q("title != 'beta'", issues.withWhere(cmp("title", Op.NE, new Literal.Text("beta")))),
        q("title < 'b' by bytes", issues.withWhere(cmp("title", Op.LT, new Literal.Text("b")))),
        q("title >= 'é'", issues.withWhere(cmp("title", Op.GE, new Literal.Text("é")))),
        q("score = 2 (int on a float column)", issues.withWhere(cmp("score", Op.EQ, new Literal.Int(2)))),
        q("score > 1.5", issues.withWhere(cmp("score", Op.GT, new Literal.Real(1.5)))),
        q("score <= 0.00001", issues.withWhere(cmp("score", Op.LE, new Literal.Real(0.00001)))),
        q("score IN [1.5, 2]", issues.withWhere(cmp("score", Op.IN, list(new Literal.Real(1.5),
            new Literal.Int(2))))),
        q("score NOT IN [1.5, 2]", issues.withWhere(cmp("score", Op.NOT_IN, list(new Literal.Real(1.5),
            new Literal.Int(2))))),
        q("owner_id IN []", issues.withWhere(cmp("owner_id", Op.IN, list()))),
        q("owner_id NOT IN [] (NULL too)", issues.withWhere(cmp("owner_id", Op.NOT_IN, list()))),
        q("not (owner_id NOT IN [1])", issues.withWhere(new Condition.Not(cmp("owner_id", Op.NOT_IN,
            list(new Literal.Int(1)))))),
        q("estimate < '9.5' as text", issues.withWhere(cmp("estimate", Op.LT, new Literal.Text("9.5")))),
        q("created > 2024-01-01", issues.withWhere(cmp("created", Op.GT, new Literal.Int(1704067200000000L)))),
        q("title LIKE 'b%'", issues.withWhere(cmp("title", Op.LIKE, new Literal.Text("b%")))),
        q("title ILIKE 'B%'", issues.withWhere(cmp("title", Op.ILIKE, new Literal.Text("B%")))),
        q("title ILIKE 'é%' does not fold É", issues.withWhere(cmp("title", Op.ILIKE, new Literal.Text("é%")))),
        q("title ILIKE 'alpha'", issues.withWhere(cmp("title", Op.ILIKE, new Literal.Text("alpha")))),
        q("title LIKE '%\\%%'", issues.withWhere(cmp("title", Op.LIKE, new Literal.Text("%\\%%")))),
        q("title LIKE '_' is one code point", issues.withWhere(cmp("title", Op.LIKE, new Literal.Text("_")))),
        q("title LIKE 'a\\_%'", issues.withWhere(cmp("title", Op.LIKE, new Literal.Text("a\\_%")))),
        q("name LIKE 'back\\\\%'", Query.of("users").withWhere(cmp("name", Op.LIKE,
            new Literal.Text("back\\\\%")))),
        q("name LIKE 'a_b' (_ is a wildcard)", Query.of("users").withWhere(cmp("name", Op.LIKE,
            new Literal.Text("a_b")))),
        q("name ILIKE '%É%'", Query.of("users").withWhere(cmp("name", Op.ILIKE, new Literal.Text("%É%")))),
        q("not (name LIKE '%')", Query.of("users").withWhere(new Condition.Not(cmp("name", Op.LIKE,
            new Literal.Text("%"))))),
        q("body ILIKE 'NICE' or score-free or", comments.withWhere(new Condition.Or(List.of(
            cmp("body", Op.ILIKE, new Literal.Text("NICE")), cmp("author_id", Op.EQ, Literal.Null.INSTANCE))))),
        q("and/or with unknowns", issues.withWhere(new Condition.Or(List.of(
            new Condition.And(List.of(cmp("score", Op.GT, new Literal.Int(1)), cmp("open", Op.EQ,
                new Literal.Bool(false)))),
            new Condition.Not(cmp("title", Op.GT, new Literal.Text("b"))))))),
        q("start at a row that does not exist", issues.withOrderBy(List.of(Ordering.asc("title")))
            .withStart(start(false, "title", new Literal.Text("b"), "id", new Literal.Int(0)))),
        q("start after an existing row", issues.withOrderBy(List.of(Ordering.asc("title")))
            .withStart(start(true, "title", new Literal.Text("beta"), "id", new Literal.Int(3)))),
        q("start at an existing row, limit", issues.withOrderBy(List.of(Ordering.asc("title")))
            .withStart(start(false, "title", new Literal.Text("beta"), "id", new Literal.Int(3))).withLimit(2L)),
        q("start after a NULL title (ascending)", issues.withOrderBy(List.of(Ordering.asc("title")))
            .withStart(start(true, "title", Literal.Null.INSTANCE, "id", new Literal.Int(4)))),
        q("start at NULL (descending: only NULLs remain)", issues.withOrderBy(List.of(Ordering.desc("title")))
            .withStart(start(false, "title", Literal.Null.INSTANCE, "id", new Literal.Int(0)))),
        q("start after 1.5 descending", issues.withOrderBy(List.of(Ordering.desc("score")))
            .withStart(start(true, "score", new Literal.Real(1.5), "id", new Literal.Int(1)))),
        q("start on a bool order", issues.withOrderBy(List.of(Ordering.asc("open")))
            .withStart(start(false, "open", new Literal.Bool(false), "id", new Literal.Int(6)))),
        q("exists label bug", issues.withWhere(new Condition.Exists(issueComments,
            Query.of("labels").withWhere(cmp("name", Op.EQ, new Literal.Text("bug"))), false))),
        q("not exists comments", issues.withWhere(new Condition.Exists(issueComments, comments, true))),
        q("exists with limit 0", issues.withWhere(new Condition.Exists(issueComments, comments.withLimit(0L),
            false))),
        q("not exists with limit 0", issues.withWhere(new Condition.Exists(issueComments, comments.withLimit(0L),
            true))),
        q("exists after a start, limited", issues.withWhere(new Condition.Exists(issueComments,
            comments.withOrderBy(List.of(Ordering.desc("body"))).withLimit(1L)
                .withStart(start(true, "body", new Literal.Text("nice"), "id", new Literal.Int(105))), false))),
        q("not (exists) or unknown", issues.withWhere(new Condition.Or(List.of(
            new Condition.Not(new Condition.Exists(issueComments, comments, false)),
            cmp("score", Op.GT, new Literal.Int(2)))))),
        q("nested exists: a comment by a user named ann (ILIKE)", issues.withWhere(new Condition.Exists(
            issueComments, comments.withWhere(new Condition.Exists(author, Query.of("users").withWhere(
                cmp("name", Op.ILIKE, new Literal.Text("ann"))), false)), false))),
        q("comments: one-to-many, limited per parent", issues.withRelated(List.of(new Related("comments",
            issueComments, comments.withOrderBy(List.of(Ordering.desc("id"))).withLimit(2L))))),
        q("many-to-one with NULL and dangling keys", comments.withRelated(List.of(new Related("author", author,
            Query.of("users"))))),
        q("nested two levels with limits", issues.withOrderBy(List.of(Ordering.desc("score"))).withLimit(5L)
            .withRelated(List.of(
                new Related("comments", issueComments, comments.withOrderBy(List.of(Ordering.asc("body")))
                    .withLimit(3L).withRelated(List.of(new Related("author", author, Query.of("users"))))),
                new Related("owner", owner, Query.of("users")),
                new Related("labels", issueComments, Query.of("labels").withOrderBy(List.of(
                    Ordering.desc("name"))))))),
        q("related with its own where and start", issues.withRelated(List.of(new Related("later", issueComments,
            comments.withWhere(cmp("body", Op.IS_NOT, Literal.Null.INSTANCE))
                .withStart(start(false, "id", new Literal.Int(101), null, null)))))),
        q("filtered by exists, with related", issues.withWhere(new Condition.Exists(issueComments, comments,
            false)).withLimit(3L).withRelated(List.of(new Related("labels", issueComments, Query.of("labels"))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void postgresAgreesWithTheNaiveEvaluator(String description, Query query, TestDatabase db) throws SQLException {
    Query normalized = normalize(query);
    List<ResultNode> expected = NaiveEvaluator.evaluate(normalized, tables, SCHEMA);
    List<ResultNode> actual;
    try (Connection c = db.connect()) {
      actual = PgOracleSql.evaluate(c, normalized, SCHEMA);
    }
    assertThat(ResultNode.render(actual)).as("%s%n%s", description, new PgOracleSql(SCHEMA).select(normalized))
        .isEqualTo(ResultNode.render(expected));
    assertThat(ResultNode.membership(actual)).isEqualTo(ResultNode.membership(expected));
  }

  /** Random queries drawn from the data (seed printed; -Dviewsync.seed=N replays). */
  @Test
  void postgresAgreesWithTheNaiveEvaluatorOnRandomQueries(TestDatabase db) throws SQLException {
    String property = System.getProperty("viewsync.seed");
    long seed = property == null || property.isBlank() ? System.nanoTime() : Long.parseLong(property);
    System.out.println("PgOracleSqlIT random queries, seed " + seed + " (replay with -Dviewsync.seed=" + seed + ")");
    RandomQueries random = new RandomQueries(SCHEMA, tables, List.of(
        new RandomQueries.Link("issues", "id", "comments", "issue_id"),
        new RandomQueries.Link("issues", "id", "labels", "issue_id"),
        new RandomQueries.Link("issues", "owner_id", "users", "id"),
        new RandomQueries.Link("comments", "author_id", "users", "id"),
        new RandomQueries.Link("comments", "issue_id", "issues", "id"),
        new RandomQueries.Link("users", "id", "comments", "author_id"),
        new RandomQueries.Link("labels", "issue_id", "issues", "id")), new java.util.Random(seed));
    List<String> tableNames = List.copyOf(SCHEMA.keySet().stream().sorted().toList());
    int nonEmpty = 0;
    try (Connection c = db.connect()) {
      for (int i = 0; i < 400; i++) {
        Query query = random.query(tableNames.get(i % tableNames.size()), 2);
        Query normalized = normalize(query);
        List<ResultNode> expected = NaiveEvaluator.evaluate(normalized, tables, SCHEMA);
        List<ResultNode> actual = PgOracleSql.evaluate(c, normalized, SCHEMA);
        assertThat(ResultNode.render(actual)).as("seed %d, query %d: %s%n%s", seed, i, QueryJson.write(normalized),
            new PgOracleSql(SCHEMA).select(normalized)).isEqualTo(ResultNode.render(expected));
        nonEmpty += expected.isEmpty() ? 0 : 1;
        predicatesAgreeWithTheNaiveEvaluator(normalized, seed, i);
      }
    }
    assertThat(nonEmpty).as("queries with rows (the generator should hit data)").isGreaterThan(100);
  }

  /** Predicates (what Filter runs) on every row of the table, for a where without exists: the same truth. */
  private static void predicatesAgreeWithTheNaiveEvaluator(Query query, long seed, int i) {
    if (query.where() == null || hasExists(query.where())) {
      return;
    }
    java.util.function.Predicate<Row> compiled = Predicates.compile(query.where());
    for (Row row : tables.get(query.table())) {
      Boolean truth = NaiveEvaluator.truth(query.where(), row, e -> {
        throw new AssertionError("no exists here");
      });
      assertThat(compiled.test(row)).as("seed %d, query %d, row %s", seed, i, row).isEqualTo(Boolean.TRUE.equals(truth));
    }
  }

  private static boolean hasExists(Condition c) {
    if (c instanceof Condition.And and) {
      return and.conditions().stream().anyMatch(PgOracleSqlIT::hasExists);
    } else if (c instanceof Condition.Or or) {
      return or.conditions().stream().anyMatch(PgOracleSqlIT::hasExists);
    } else if (c instanceof Condition.Not not) {
      return hasExists(not.condition());
    }
    return c instanceof Condition.Exists;
  }

  private static Arguments q(String description, Query query) {
    return Arguments.of(description, query);
  }

  private static Condition cmp(String column, Op op, Literal value) {
    return new Condition.Compare(column, op, value);
  }

  private static Literal.ListOf list(Literal... values) {
    return new Literal.ListOf(List.of(values));
  }

  private static Start start(boolean exclusive, String c1, Literal v1, String c2, Literal v2) {
    Map<String, Literal> row = new LinkedHashMap<>();
    row.put(c1, v1);
    if (c2 != null) {
      row.put(c2, v2);
    }
    return new Start(row, exclusive);
  }

  static Query normalize(Query q) {
    Result<Query> valid = new QueryValidator(SCHEMA, QueryLimits.DEFAULTS).validate(q);
    assertThat(valid).as("valid").isInstanceOf(Result.Ok.class);
    return new Normalizer(SCHEMA).normalize(q);
  }

  private static ColumnSpec col(String name, PgType type) {
    return new ColumnSpec(name, type, type.name(), false);
  }

  private static TableSpec table(String name, List<String> key, ColumnSpec... columns) {
    return new TableSpec(TableName.parse(name), name.hashCode(), List.of(columns), key, "primary key", null);
  }
}
