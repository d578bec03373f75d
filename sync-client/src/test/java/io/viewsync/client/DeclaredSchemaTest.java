package io.viewsync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.value.PgType;
import org.junit.jupiter.api.Test;

class DeclaredSchemaTest {
  private final DeclaredSchema schema = new DeclaredSchema(Wire.SCHEMA);

  private static Query q(String json) {
    return QueryJson.parse(json).orElseThrow();
  }

  @Test
  void typeNamesAreTheBuiltinsAndAnythingElseTravelsAsText() {
    assertThat(DeclaredSchema.type("int8")).isEqualTo(PgType.INT8);
    assertThat(DeclaredSchema.type("_timestamptz")).isEqualTo(PgType.TIMESTAMPTZ_ARRAY);
    assertThat(DeclaredSchema.type("mood").storageClass()).isEqualTo(PgType.TEXT.storageClass());
    PgType moods = DeclaredSchema.type("_mood");
    assertThat(moods.isArray()).isTrue();
    assertThat(moods.element().name()).isEqualTo("mood");
  }

  @Test
  void aQueryThatFitsTheDeclarationIsNormalizedWithTheDeclaredKey() {
    Query checked = schema.check(q("{\"table\": \"items\", \"orderBy\": [[\"rank\", \"desc\"]]}"));
    assertThat(QueryJson.write(schema.normalize(checked)))
        .isEqualTo("{\"table\":\"items\",\"orderBy\":[[\"rank\",\"desc\"],[\"id\",\"asc\"]]}");
  }

  @Test
  void aQueryOutsideTheDeclarationIsRefusedWithEveryReason() {
    assertThatThrownBy(() -> schema.check(q("""
        {"table": "items", "where": {"type": "cmp", "column": "colour", "op": "=", "value": "red"},
         "orderBy": [["name", "asc"]], "limit": 100000}""")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("where.column").hasMessageContaining("UNKNOWN_COLUMN")
        .hasMessageContaining("BAD_LIMIT");
    assertThatThrownBy(() -> schema.check(q("{\"table\": \"labels\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNKNOWN_TABLE");
  }

  @Test
  void existsIsRefusedWhereverItIsBecauseItsRowsAreNotSent() {
    assertThatThrownBy(() -> schema.check(q("""
        {"table": "items", "related": [{"name": "c", "correlation": {"parent": ["id"], "child": ["item_id"]},
          "query": {"table": "comments", "where": {"type": "not", "condition":
            {"type": "exists", "correlation": {"parent": ["item_id"], "child": ["id"]},
             "query": {"table": "items"}}}}}]}""")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("related[0].query.where.condition")
        .hasMessageContaining("does not send the rows of exists subqueries");
  }
}
