package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.value.PgType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The table descriptions of schema_snapshot.sql, read through PgCatalog, against a real catalog. */
@ExtendWith(PostgresExtension.class)
class PgCatalogIT {

  @BeforeAll
  static void schema(TestDatabase db) {
    db.execute(
        "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
        "CREATE DOMAIN small_positive AS positive CHECK (VALUE < 100)",
        "CREATE DOMAIN int_list AS int[]",
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE typed (id bigserial PRIMARY KEY, qty small_positive, qtys small_positive[], m mood, moods mood[],"
            + " list int_list, tags text[], price numeric(10,2) NOT NULL DEFAULT 0, code varchar(8) DEFAULT 'x',"
            + " created timestamptz DEFAULT now(), doubled bigint GENERATED ALWAYS AS (id * 2) STORED, gone int)",
        "ALTER TABLE typed DROP COLUMN gone",
        "ALTER TABLE typed ADD COLUMN last text",
        // Missing values: ADD COLUMN with a non-volatile default on a table with rows stores the value the old rows take.
        "CREATE TABLE filled (id int PRIMARY KEY)",
        "INSERT INTO filled VALUES (1), (2)",
        "ALTER TABLE filled ADD COLUMN five int DEFAULT 5, ADD COLUMN label text DEFAULT 'it''s, {x} \"q\"',"
            + " ADD COLUMN nums int[] DEFAULT '{1,2}', ADD COLUMN nothing int DEFAULT NULL",
        // Indexes of every kind, and a key from a unique index that has INCLUDE columns.
        "CREATE TABLE idx (id int NOT NULL, email text, code text NOT NULL, a int, b int)",
        "ALTER TABLE idx REPLICA IDENTITY FULL",
        "CREATE UNIQUE INDEX idx_email ON idx (email)",
        "CREATE UNIQUE INDEX idx_code_active ON idx (code) WHERE a > 0",
        "CREATE INDEX idx_lower ON idx (lower(email), a)",
        "CREATE UNIQUE INDEX idx_id ON idx (id) INCLUDE (a)",
        "CREATE INDEX idx_ba ON idx (b, a)",
        "INSERT INTO idx VALUES (1, null, 'a', 1, 7), (2, null, 'b', 1, 7)",
        "CREATE TABLE gen (a int NOT NULL, g int GENERATED ALWAYS AS (a + 1) STORED)",
        "CREATE UNIQUE INDEX gen_g ON gen (g)",
        "CREATE TABLE keyless (v text)",
        "CREATE VIEW a_view AS SELECT 1 AS one",
        "CREATE SCHEMA app",
        "CREATE TABLE app.s (id int PRIMARY KEY)",
        "CREATE PUBLICATION all_pub FOR ALL TABLES",
        "CREATE PUBLICATION schema_pub FOR TABLES IN SCHEMA app",
        "CREATE PUBLICATION list_pub FOR TABLE typed, keyless");
    // A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an invalid index behind (duplicate b values).
    assertThatThrownBy(() -> db.execute("CREATE UNIQUE INDEX CONCURRENTLY idx_b_invalid ON idx (b)"))
        .hasMessageContaining("could not create unique index");
  }

  private static UpstreamTable describe(TestDatabase db, String table) throws SQLException {
    try (Connection c = db.connect()) {
      int oid = oid(c, table);
      return new PgCatalog(c).table(oid).orElseThrow();
    }
  }

  private static int oid(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT '" + table + "'::regclass::oid")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static ColumnSpec column(UpstreamTable t, String name) {
    return t.spec().column(name).orElseThrow(() -> new AssertionError("no column " + name + " in " + t.spec().columns()));
  }

  @Test
  void typesAreResolvedThroughDomainsRecursivelyAndArraysKnowTheirElement(TestDatabase db) throws SQLException {
    UpstreamTable t = describe(db, "typed");
    assertThat(column(t, "id").type()).isEqualTo(PgType.INT8);
    assertThat(column(t, "qty").type()).as("a domain over a domain over int4").isEqualTo(PgType.INT4);
    assertThat(column(t, "qty").declaredType()).as("schema-qualified: described with the event trigger's search_path").isEqualTo("public.small_positive");
    PgType qtys = column(t, "qtys").type();
    assertThat(qtys.name()).isEqualTo("_small_positive");
    assertThat(qtys.isArray()).isTrue();
    assertThat(qtys.element()).as("an array of a domain: its element is the domain's base type").isEqualTo(PgType.INT4);
    assertThat(column(t, "list").type()).as("a domain over an array").isEqualTo(PgType.INT4_ARRAY);
    PgType mood = column(t, "m").type();
    assertThat(mood.category()).isEqualTo('E');
    assertThat(mood.name()).isEqualTo("mood");
    assertThat(column(t, "moods").type().element()).isEqualTo(mood);
    assertThat(column(t, "tags").type()).isEqualTo(PgType.TEXT_ARRAY);
    assertThat(column(t, "price").type()).isEqualTo(PgType.NUMERIC);
    assertThat(column(t, "price").declaredType()).isEqualTo("numeric(10,2)");
    assertThat(column(t, "code").declaredType()).isEqualTo("character varying(8)");
    try (Connection c = db.connect()) {
      PgCatalog catalog = new PgCatalog(c);
      for (ColumnSpec col : t.spec().columns()) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT atttypid FROM pg_attribute WHERE attrelid = 'typed'::regclass AND attname = '" + col.name() + "'")) {
          rs.next();
          assertThat(catalog.type(rs.getInt(1))).as("type(oid) agrees for " + col.name()).isEqualTo(col.type());
        }
      }
    }
  }

  @Test
  void columnsComeInOrderWithAttnumNotNullAndDefaultWithoutDroppedOrGeneratedOnes(TestDatabase db) throws SQLException {
    UpstreamTable t = describe(db, "typed");
    assertThat(t.spec().columns()).extracting(ColumnSpec::name)
        .containsExactly("id", "qty", "qtys", "m", "moods", "list", "tags", "price", "code", "created", "last");
    assertThat(column(t, "last").attnum()).as("attnum counts the dropped column").isEqualTo(13);
    assertThat(column(t, "id").notNull()).isTrue();
    assertThat(column(t, "id").defaultExpr()).as("schema-qualified, as the event trigger writes it").isEqualTo("nextval('public.typed_id_seq'::regclass)");
    assertThat(column(t, "price").notNull()).isTrue();
    assertThat(column(t, "price").defaultExpr()).isEqualTo("0");
    assertThat(column(t, "code").defaultExpr()).isEqualTo("'x'::character varying");
    assertThat(column(t, "created").defaultExpr()).isEqualTo("now()");
    assertThat(column(t, "qty").defaultExpr()).isNull();
    assertThat(t.missingValues()).isEmpty();
  }

  @Test
  void columnsAddedWithADefaultToATableWithRowsCarryTheValueOldRowsTake(TestDatabase db) throws SQLException {
    UpstreamTable t = describe(db, "filled");
    assertThat(t.missingValues()).isEqualTo(Map.of("five", "5", "label", "it's, {x} \"q\"", "nums", "{1,2}"));
    assertThat(column(t, "five").defaultExpr()).isEqualTo("5");
  }

  @Test
  void indexesAreValidOnesWithTheirKeyColumnsAndKinds(TestDatabase db) throws SQLException {
    UpstreamTable t = describe(db, "idx");
    assertThat(t.spec().indexes()).containsExactly(
        new IndexSpec("idx_ba", List.of("b", "a"), false, false, false, false, false),
        new IndexSpec("idx_code_active", List.of("code"), true, false, false, true, false),
        new IndexSpec("idx_email", List.of("email"), true, false, false, false, false),
        new IndexSpec("idx_id", List.of("id"), true, false, false, false, false),
        new IndexSpec("idx_lower", List.of("a"), false, false, false, false, true));
    assertThat(t.spec().keyColumns()).as("INCLUDE columns are not part of the key").containsExactly("id");
    assertThat(t.spec().keySource()).isEqualTo("unique index idx_id over NOT NULL columns");
  }

  @Test
  void anIndexOverAGeneratedColumnIsAnExpressionIndexAndNeverAKey(TestDatabase db) throws SQLException {
    UpstreamTable t = describe(db, "gen");
    assertThat(t.spec().columns()).extracting(ColumnSpec::name).containsExactly("a");
    assertThat(t.spec().indexes()).containsExactly(new IndexSpec("gen_g", List.of(), true, false, false, false, true));
    assertThat(t.spec().syncable()).isFalse();
  }

  @Test
  void publicationsIncludeForAllTablesAndSchemaPublications(TestDatabase db) throws SQLException {
    assertThat(describe(db, "typed").publications()).containsExactly("all_pub", "list_pub");
    assertThat(describe(db, "app.s").publications()).containsExactly("all_pub", "schema_pub");
    assertThat(describe(db, "keyless").publications()).containsExactly("all_pub", "list_pub");
    try (Connection c = db.connect()) {
      PgCatalog catalog = new PgCatalog(c);
      assertThat(catalog.publishedSchema("schema_pub")).extracting(u -> u.spec().name())
          .containsExactly(new TableName("app", "s"));
      assertThat(catalog.publishedSchema("list_pub")).extracting(u -> u.spec().name().name())
          .containsExactly("keyless", "typed");
      assertThat(catalog.publishedSchema("all_pub")).extracting(u -> u.spec().name().toString())
          .containsExactly("app.s", "public.filled", "public.gen", "public.idx", "public.keyless", "public.typed");
      assertThat(catalog.publishedSchema("no_such_pub")).isEmpty();
    }
  }

  @Test
  void tableSpecAgreesWithTheSnapshotAndSaysWhenATableIsMissing(TestDatabase db) throws SQLException {
    try (Connection c = db.connect()) {
      PgCatalog catalog = new PgCatalog(c);
      TableSpec spec = catalog.tableSpec(new TableName("public", "typed"));
      assertThat(spec).isEqualTo(describe(db, "typed").spec());
      assertThat(catalog.tableSpec(new TableName("public", "keyless")).unsyncableReason()).contains("no primary key");
      assertThatThrownBy(() -> catalog.tableSpec(new TableName("public", "nope")))
          .isInstanceOf(SQLException.class).hasMessageContaining("does not exist")
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42P01");
      assertThatThrownBy(() -> catalog.tableSpec(new TableName("public", "a_view")))
          .isInstanceOf(SQLException.class).hasMessageContaining("is not a table");
      assertThat(catalog.table(oid(c, "a_view"))).isEmpty();
      assertThat(catalog.table(1)).isEmpty();
    }
  }
}
