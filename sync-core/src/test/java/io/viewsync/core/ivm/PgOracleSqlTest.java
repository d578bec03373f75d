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
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Start;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQL text itself; PgOracleSqlIT checks what Postgres makes of it. */
class PgOracleSqlTest {

  private static final ColumnSpec TEXT = col("t", PgType.TEXT);

  static final Map<String, TableSpec> SCHEMA = Map.of(
      "items", new TableSpec(TableName.parse("items"), 1, List.of(col("id", PgType.INT8), TEXT,
          col("f", PgType.FLOAT8), col("b", PgType.BOOL), col("n", PgType.NUMERIC), col("ts", PgType.TIMESTAMPTZ),
          col("c", PgType.BPCHAR), col("a", PgType.INT4_ARRAY)), List.of("id"), "primary key", null),
      "s.parts", new TableSpec(TableName.parse("s.parts"), 2, List.of(col("id", PgType.INT8),
          col("item_id", PgType.INT4)), List.of("id"), "primary key", null));

  private final PgOracleSql oracle = new PgOracleSql(SCHEMA);

  @Test
  void stringsAreEscapedWhateverStandardConformingStringsSays() {
    assertThat(PgOracleSql.text("it's a \\ and a '")).isEqualTo("E'it''s a \\\\ and a '''");
    assertThat(PgOracleSql.literal(new Literal.Text("100\\%"), TEXT)).isEqualTo("E'100\\\\%'");
  }

  @Test
  void realsAreWrittenExactly() {
    assertThat(PgOracleSql.literal(new Literal.Real(0.1), TEXT))
        .isEqualTo("CAST('0.1000000000000000055511151231257827021181583404541015625' AS float8)");
    for (double d : new double[] {1e300, -2.5e-308, Double.MIN_VALUE, 123456789.125, 1.0 / 3}) {
      String sql = PgOracleSql.literal(new Literal.Real(d), TEXT);
      assertThat(sql).startsWith("CAST('").endsWith("' AS float8)");
      String decimal = sql.substring("CAST('".length(), sql.length() - "' AS float8)".length());
      assertThat(new java.math.BigDecimal(decimal)).isEqualByComparingTo(new java.math.BigDecimal(d)); // exact
    }
    assertThat(PgOracleSql.literal(new Literal.Int(Long.MIN_VALUE), TEXT))
        .isEqualTo("CAST('-9223372036854775808' AS int8)");
    assertThat(PgOracleSql.literal(new Literal.Bool(false), TEXT)).isEqualTo("FALSE");
    assertThat(PgOracleSql.literal(Literal.Null.INSTANCE, TEXT)).isEqualTo("NULL");
  }

  @Test
  void columnsCompareAsTheReplicaStoresThem() {
    Map<String, ColumnSpec> c = columns("items");
    assertThat(PgOracleSql.expr("t0", c.get("t"))).isEqualTo("t0.\"t\" COLLATE \"C\"");
    assertThat(PgOracleSql.expr("t0", c.get("n"))).isEqualTo("(t0.\"n\")::text COLLATE \"C\"");
    assertThat(PgOracleSql.expr("t0", c.get("f"))).isEqualTo("t0.\"f\"");
    assertThat(PgOracleSql.expr("t0", c.get("ts"))).contains("EXTRACT(EPOCH FROM t0.\"ts\") * 1000000");
    assertThatThrownBy(() -> PgOracleSql.expr("t0", c.get("c"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PgOracleSql.expr("t0", c.get("a"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFullTopLevelSelect() {
    Map<String, Literal> start = new LinkedHashMap<>();
    start.put("f", new Literal.Real(1.5));
    start.put("id", new Literal.Int(7));
    Query q = normalize(Query.of("items")
        .withWhere(new Condition.And(List.of(
            new Condition.Compare("t", Op.ILIKE, new Literal.Text("a%")),
            new Condition.Compare("id", Op.IN, new Literal.ListOf(List.of())),
            new Condition.Compare("b", Op.IS_NOT, new Literal.Bool(true)))))
        .withOrderBy(List.of(Ordering.desc("f")))
        .withStart(new Start(start, true))
        .withLimit(10L));
    assertThat(oracle.select(q)).isEqualTo("SELECT t0.\"id\"::text, t0.\"t\"::text, t0.\"f\"::text, t0.\"b\"::text,"
        + " t0.\"n\"::text, t0.\"ts\"::text, t0.\"c\", t0.\"a\"::text"
        + " FROM \"public\".\"items\" AS t0"
        + " WHERE ((t0.\"b\" IS DISTINCT FROM TRUE) AND (FALSE) AND (t0.\"t\" COLLATE \"C\" ILIKE E'a%'))"
        + " AND (((t0.\"f\" IS NULL OR t0.\"f\" < CAST('1.5' AS float8)))"
        + " OR (t0.\"f\" IS NOT DISTINCT FROM CAST('1.5' AS float8)"
        + " AND (t0.\"id\" IS NOT NULL AND t0.\"id\" > CAST('7' AS int8))))"
        + " ORDER BY t0.\"f\" DESC NULLS LAST, t0.\"id\" ASC NULLS FIRST LIMIT 10");
  }

  @Test
  void relatedSelectsTakeTheParentsValuesAsTypedParameters() {
    Related parts = new Related("parts", new Correlation(List.of("f"), List.of("item_id")), Query.of("s.parts"));
    Query q = normalize(Query.of("items").withRelated(List.of(parts)));
    assertThat(oracle.selectRelated("items", q.related().get(0))).isEqualTo(
        "SELECT t0.\"id\"::text, t0.\"item_id\"::text FROM \"s\".\"parts\" AS t0"
            + " WHERE (t0.\"item_id\" = CAST(? AS float8)) ORDER BY t0.\"id\" ASC NULLS FIRST");
  }

  @Test
  void existsCorrelatesThroughAliasesAndKeepsItsLimitInADerivedTable() {
    Correlation c = new Correlation(List.of("id"), List.of("item_id"));
    Query q = normalize(Query.of("items").withWhere(new Condition.Or(List.of(
        new Condition.Exists(c, Query.of("s.parts"), false),
        new Condition.Exists(c, Query.of("s.parts").withLimit(0L), true)))));
    // normalization sorted the or's children: the limited, negated exists comes first, as t1
    assertThat(oracle.select(q)).contains(
        "(NOT EXISTS (SELECT 1 FROM (SELECT 1 FROM \"s\".\"parts\" AS t1 WHERE (t1.\"item_id\" = t0.\"id\")"
            + " ORDER BY t1.\"id\" ASC NULLS FIRST LIMIT 0) AS st1))",
        "(EXISTS (SELECT 1 FROM \"s\".\"parts\" AS t2 WHERE (t2.\"item_id\" = t0.\"id\")))");
  }

  @Test
  void anOrderWithoutTheKeyIsRefused() {
    assertThatThrownBy(() -> oracle.select(Query.of("items").withOrderBy(List.of(Ordering.asc("t")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("normalize");
  }

  private static Query normalize(Query q) {
    return new Normalizer(SCHEMA).normalize(q);
  }

  private static Map<String, ColumnSpec> columns(String table) {
    Map<String, ColumnSpec> m = new LinkedHashMap<>();
    SCHEMA.get(table).columns().forEach(c -> m.put(c.name(), c));
    return m;
  }

  private static ColumnSpec col(String name, PgType type) {
    return new ColumnSpec(name, type, type.name(), false);
  }
}
