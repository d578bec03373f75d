package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.schema.TableRewrite;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.value.PgType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaJsonTest {

  /** As schema_snapshot.sql writes it (json_build_object's spacing). */
  static final String ITEMS = """
      {"oid" : 16390, "schema" : "public", "name" : "items", "relkind" : "r", "replident" : "d",
       "publications" : ["all_pub", "viewsync"],
       "columns" : [
         {"attnum" : 1, "name" : "id", "type" : {"oid" : 20, "name" : "int8", "category" : "N", "element" : null},
          "declared" : "bigint", "notNull" : true, "default" : "nextval('items_id_seq'::regclass)", "missing" : null},
         {"attnum" : 3, "name" : "tags", "type" : {"oid" : 16401, "name" : "_mood", "category" : "A",
            "element" : {"oid" : 16402, "name" : "mood", "category" : "E"}},
          "declared" : "mood[]", "notNull" : false, "default" : null, "missing" : null},
         {"attnum" : 4, "name" : "qty", "type" : {"oid" : 23, "name" : "int4", "category" : "N", "element" : null},
          "declared" : "positive", "notNull" : false, "default" : "5", "missing" : "5"}],
       "indexes" : [
         {"name" : "items_pkey", "columns" : ["id"], "unique" : true, "primary" : true, "replident" : false,
          "partial" : false, "expressions" : false},
         {"name" : "items_lower", "columns" : [], "unique" : false, "primary" : false, "replident" : false,
          "partial" : false, "expressions" : true}]}
      """;

  static final String KEYLESS = """
      {"oid" : 3000000000, "schema" : "app", "name" : "log", "relkind" : "p", "replident" : "d",
       "publications" : [], "columns" : [], "indexes" : [], "someday" : "a field this version does not know"}
      """;

  @Test
  void readsATableWithTypesDefaultsMissingValuesIndexesAndItsKey() {
    List<UpstreamTable> tables = SchemaJson.tables("[" + ITEMS + "]");
    assertThat(tables).hasSize(1);
    UpstreamTable t = tables.get(0);
    assertThat(t.publications()).containsExactly("all_pub", "viewsync");
    assertThat(t.missingValues()).isEqualTo(Map.of("qty", "5"));
    assertThat(t.spec().name()).isEqualTo(new TableName("public", "items"));
    assertThat(t.spec().oid()).isEqualTo(16390);
    PgType mood = PgType.of(16402, "mood", 'E', null);
    assertThat(t.spec().columns()).containsExactly(
        new ColumnSpec("id", PgType.INT8, "bigint", true, 1, "nextval('items_id_seq'::regclass)"),
        new ColumnSpec("tags", PgType.of(16401, "_mood", 'A', mood), "mood[]", false, 3, null),
        new ColumnSpec("qty", PgType.INT4, "positive", false, 4, "5"));
    assertThat(t.spec().keyColumns()).containsExactly("id");
    assertThat(t.spec().keySource()).isEqualTo("primary key items_pkey");
    assertThat(t.spec().indexes()).containsExactly(
        new IndexSpec("items_pkey", List.of("id"), true, true, false, false, false),
        new IndexSpec("items_lower", List.of(), false, false, false, false, true));
  }

  @Test
  void aTableWithoutAKeyIsUnsyncableWithTheReasonAndLargeOidsWrapAsOnTheWire() {
    UpstreamTable t = SchemaJson.tables("[" + KEYLESS + "]").get(0);
    assertThat(t.spec().syncable()).isFalse();
    assertThat(t.spec().unsyncableReason()).contains("no primary key");
    assertThat(t.spec().oid()).isEqualTo((int) 3000000000L);
  }

  @Test
  void readsADdlMessage() {
    String content = """
        {"v" : 1, "ddl" : "ALTER TABLE items ADD COLUMN qty positive DEFAULT 5",
         "commands" : [{"oid": 16390, "tag": "ALTER TABLE"}, {"oid": 0, "tag": "CREATE DOMAIN"}],
         "tables" : [%s, %s]}
        """.formatted(ITEMS, KEYLESS);
    SchemaSnapshot s = SchemaJson.snapshot(content.getBytes(StandardCharsets.UTF_8));
    assertThat(s.ddl()).isEqualTo("ALTER TABLE items ADD COLUMN qty positive DEFAULT 5");
    assertThat(s.commands()).containsExactly(new SchemaSnapshot.Command("ALTER TABLE", 16390),
        new SchemaSnapshot.Command("CREATE DOMAIN", 0));
    assertThat(s.tables()).extracting(t -> t.spec().name().name()).containsExactly("items", "log");
  }

  @Test
  void readsARewriteMessage() {
    byte[] content = "{\"oid\" : 16390, \"reason\" : 4}".getBytes(StandardCharsets.UTF_8);
    assertThat(SchemaJson.rewrite(content)).isEqualTo(new TableRewrite(16390, 4));
    assertThat(SchemaJson.rewrite(content).tableOid()).isEqualTo(16390);
  }

  @Test
  void badContentIsAnIllegalArgumentWithASentence() {
    assertThatThrownBy(() -> SchemaJson.snapshot("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("viewsync.ddl message is not valid JSON");
    assertThatThrownBy(() -> SchemaJson.snapshot("{\"v\":1,\"commands\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the viewsync.ddl message has no 'tables'");
    assertThatThrownBy(() -> SchemaJson.tables("[" + ITEMS.replace("\"notNull\" : true,", "") + "]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("column id of table public.items has no 'notNull'");
    assertThatThrownBy(() -> SchemaJson.tables("{}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a JSON array");
    assertThatThrownBy(() -> SchemaJson.rewrite("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a JSON object");
  }
}
