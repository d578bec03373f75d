package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import io.viewsync.core.value.PgType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema changes applied to a real SQLite replica, no Postgres: the SQLite schema, the rows and the meta tables. */
class SchemaApplierTest {
  private static final int OID = 100;

  @TempDir
  Path dir;
  private ReplicaStore store;
  private SchemaApplier applier;

  @BeforeEach
  void open() throws SQLException {
    store = ReplicaStore.open(dir);
    applier = new SchemaApplier(store);
  }

  @AfterEach
  void close() throws SQLException {
    store.close();
  }

  // --- specs -------------------------------------------------------------------------------------------------

  private static ColumnSpec col(String name, PgType type, String declared, int attnum) {
    return new ColumnSpec(name, type, declared, false, attnum, null);
  }

  private static final ColumnSpec ID = col("id", PgType.INT8, "bigint", 1);
  private static final ColumnSpec TITLE = col("title", PgType.TEXT, "text", 2);
  private static final ColumnSpec N = col("n", PgType.INT4, "integer", 3);

  private static IndexSpec index(String name, String... columns) {
    return new IndexSpec(name, List.of(columns), false, false, false, false, false);
  }

  private static IndexSpec primaryKey(String name, String... columns) {
    return new IndexSpec(name, List.of(columns), true, true, false, false, false);
  }

  private static TableSpec spec(String name, List<ColumnSpec> columns, List<String> key, IndexSpec... indexes) {
    return spec(name, OID, columns, key, indexes);
  }

  private static TableSpec spec(String name, int oid, List<ColumnSpec> columns, List<String> key,
      IndexSpec... indexes) {
    return new TableSpec(TableName.parse(name), oid, columns, key, "primary key " + name + "_pkey", null,
        List.of(indexes));
  }

  /** docs(id bigint primary key, title text, n int) with rows (1, 'a', 10), (2, 'b', 20) and a change log. */
  private TableSpec docs(IndexSpec... indexes) throws SQLException {
    TableSpec s = spec("docs", List.of(ID, TITLE, N), List.of("id"), indexes);
    applier.create(s, TableState.SYNCING, null);
    sql("INSERT INTO docs VALUES (1, 'a', 10), (2, 'b', 20)");
    sql("INSERT INTO _viewsync_changes VALUES (7, 'docs', '[1]', 'put'), (7, 'docs', '[2]', 'put')");
    store.commit();
    return s;
  }

  private SchemaApplier.Outcome alter(TableSpec from, TableSpec to) throws SQLException {
    return alter(from, to, Map.of());
  }

  private SchemaApplier.Outcome alter(TableSpec from, TableSpec to, Map<String, String> missing) throws SQLException {
    SchemaApplier.Outcome o = applier.alter(from, to, missing);
    store.commit(); // as the caller does, with the rows around the change
    return o;
  }

  // --- reading the replica -----------------------------------------------------------------------------------

  private void sql(String sql) throws SQLException {
    try (Statement s = store.writer().createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = store.openReader(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(String.join("|", row));
      }
    }
    return out;
  }

  /** "name TYPE" per column, "name TYPE pk" for the rowid key. */
  private List<String> columns(String table) throws SQLException {
    return query("SELECT name || ' ' || type || iif(pk, ' pk', '') FROM pragma_table_info('" + table + "') ORDER BY cid");
  }

  /** "name(a,b)" per index, "unique name(a,b)" for a unique one. */
  private List<String> indexes(String table) throws SQLException {
    return query("SELECT iif(l.\"unique\", 'unique ', '') || l.name || '(' || (SELECT group_concat(name, ',')"
        + " FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) || ')'"
        + " FROM pragma_index_list('" + table + "') l ORDER BY l.name");
  }

  private List<String> tables() throws SQLException {
    return query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_viewsync\\_%' ESCAPE '\\'"
        + " ORDER BY name");
  }

  private List<String> meta(String table) throws SQLException {
    List<String> out = new ArrayList<>();
    out.addAll(query("SELECT 'table ' || state || coalesce(' ' || reason, '') FROM _viewsync_tables WHERE name = '"
        + table + "'"));
    out.addAll(query("SELECT 'column ' || column_name || ' ' || pg_type || iif(is_key, ' key', '')"
        + " FROM _viewsync_columns WHERE table_name = '" + table + "' ORDER BY position"));
    out.addAll(query("SELECT 'change ' || row_key FROM _viewsync_changes WHERE table_name = '" + table
        + "' ORDER BY row_key"));
    return out;
  }

  private static TupleData row(String... values) {
    byte[] kinds = new byte[values.length];
    java.util.Arrays.fill(kinds, TupleData.TEXT);
    return new TupleData(kinds, values);
  }

  private TableSpec recorded(String table) throws SQLException {
    return store.tables().get(TableName.parse(table)).spec();
  }

  // --- create and drop ---------------------------------------------------------------------------------------

  @Test
  void aCreatedTableHasItsIntegerKeyAsRowidAndMirrorsItsPlainIndexesAsNonUnique() throws SQLException {
    TableSpec s = spec("docs", List.of(ID, TITLE, N), List.of("id"), primaryKey("docs_pkey", "id"),
        index("by_title", "title"), new IndexSpec("uniq_n_title", List.of("n", "title"), true, false, false, false,
            false), new IndexSpec("lower_title", List.of(), false, false, false, false, true),
        new IndexSpec("recent", List.of("n"), false, false, false, true, false));
    applier.create(s, TableState.SYNCING, null);
    store.commit();

    assertThat(columns("docs")).containsExactly("id INTEGER pk", "title TEXT", "n INTEGER");
    assertThat(indexes("docs")).containsExactly("by_title(title)", "uniq_n_title(n,title)");
    assertThat(meta("docs")).containsExactly("table syncing", "column id int8 key", "column title text",
        "column n int4");
    assertThat(recorded("docs")).isEqualTo(s);
  }

  @Test
  void aCreatedTableWithACompositeKeyGetsAUniqueKeyIndexAndSchemaQualifiedIndexNames() throws SQLException {
    TableSpec s = spec("s.pairs", List.of(TITLE, N), List.of("title", "n"), primaryKey("pairs_pkey", "title", "n"),
        index("by_n", "n"));
    applier.create(s, TableState.COPYING, null);
    store.commit();

    assertThat(tables()).containsExactly("s.pairs");
    assertThat(columns("s.pairs")).containsExactly("title TEXT", "n INTEGER");
    assertThat(indexes("s.pairs")).containsExactly("unique _viewsync_key_s.pairs(title,n)", "s.by_n(n)");
  }

  @Test
  void anUnsyncableTableGetsOnlyItsMetaRows() throws SQLException {
    TableSpec s = spec("logs", List.of(TITLE), List.of("title")).unsyncable("no usable row key");
    applier.create(s, TableState.UNSYNCABLE, null);
    store.commit();

    assertThat(tables()).isEmpty();
    assertThat(meta("logs")).containsExactly("table unsyncable no usable row key", "column title text");
  }

  @Test
  void dropRemovesTheTableAndEveryMetaRowOfItOnly() throws SQLException {
    TableSpec docs = docs(index("by_title", "title"));
    applier.create(spec("other", 200, List.of(ID), List.of("id")), TableState.SYNCING, null);
    sql("INSERT INTO _viewsync_changes VALUES (7, 'other', '[1]', 'put')");
    store.commit();

    applier.drop(docs);
    store.commit();

    assertThat(tables()).containsExactly("other");
    assertThat(meta("docs")).isEmpty();
    assertThat(query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'by_title'")).isEmpty();
    assertThat(meta("other")).containsExactly("table syncing", "column id int8 key", "change [1]");
  }

  @Test
  void changesStayInTheWritersOpenTransaction() throws SQLException {
    TableSpec docs = docs();
    applier.alter(docs, spec("renamed", List.of(ID, TITLE), List.of("id")), Map.of());
    applier.create(spec("more", 300, List.of(ID), List.of("id")), TableState.SYNCING, null);
    assertThat(tables()).as("nothing committed yet").containsExactly("docs");
    store.rollback();
    assertThat(tables()).containsExactly("docs");
    assertThat(columns("docs")).containsExactly("id INTEGER pk", "title TEXT", "n INTEGER");
  }

  // --- renames -----------------------------------------------------------------------------------------------

  @Test
  void aRenamedTableKeepsItsRowsIndexesAndMetaRows() throws SQLException {
    TableSpec docs = docs(index("by_title", "title"));
    SchemaApplier.Outcome o = alter(docs, docs.withName(new TableName("app", "notes")));

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, false, null));
    assertThat(tables()).containsExactly("app.notes");
    assertThat(query("SELECT * FROM \"app.notes\" ORDER BY id")).containsExactly("1|a|10", "2|b|20");
    assertThat(meta("docs")).isEmpty();
    assertThat(meta("app.notes")).containsExactly("table syncing", "column id int8 key", "column title text",
        "column n int4", "change [1]", "change [2]");
    // the index moves schema with its table, so its replica name changes
    assertThat(indexes("app.notes")).containsExactly("app.by_title(title)");
    assertThat(query("SELECT upstream_schema || '.' || upstream_name FROM _viewsync_tables")).containsExactly(
        "app.notes");
  }

  @Test
  void twoTablesSwapNamesWhicheverIsAppliedFirst() throws SQLException {
    TableSpec a = spec("a", 1, List.of(ID, TITLE), List.of("id"));
    TableSpec b = spec("b", 2, List.of(ID, N), List.of("id"));
    applier.create(a, TableState.SYNCING, null);
    applier.create(b, TableState.QUARANTINED, "broken");
    sql("INSERT INTO a VALUES (1, 'from a')");
    sql("INSERT INTO b VALUES (2, 22)");
    sql("INSERT INTO _viewsync_changes VALUES (7, 'a', '[1]', 'put'), (7, 'b', '[2]', 'put')");
    store.commit();

    // ALTER TABLE a RENAME TO tmp; ALTER TABLE b RENAME TO a; ALTER TABLE tmp RENAME TO b: one snapshot
    alter(b, b.withName(new TableName("public", "a")));
    alter(a, a.withName(new TableName("public", "b")));

    assertThat(tables()).containsExactly("a", "b");
    assertThat(query("SELECT * FROM a")).containsExactly("2|22");
    assertThat(query("SELECT * FROM b")).containsExactly("1|from a");
    assertThat(meta("a")).containsExactly("table quarantined broken", "column id int8 key", "column n int4",
        "change [2]");
    assertThat(meta("b")).containsExactly("table syncing", "column id int8 key", "column title text", "change [1]");
  }

  @Test
  void aTableRenamedOntoOneThatIsDroppedLaterInTheSameDdlKeepsItsRows() throws SQLException {
    TableSpec a = spec("a", 1, List.of(ID, TITLE), List.of("id"));
    TableSpec b = spec("b", 2, List.of(ID, TITLE), List.of("id"));
    applier.create(a, TableState.SYNCING, null);
    applier.create(b, TableState.SYNCING, null);
    sql("INSERT INTO a VALUES (1, 'keep me')");
    sql("INSERT INTO b VALUES (9, 'dropped')");
    store.commit();

    // DROP TABLE b; ALTER TABLE a RENAME TO b, with the rename applied first
    alter(a, a.withName(new TableName("public", "b")));
    applier.drop(b);
    store.commit();

    assertThat(tables()).containsExactly("b");
    assertThat(query("SELECT * FROM b")).containsExactly("1|keep me");
    assertThat(query("SELECT name FROM _viewsync_tables")).containsExactly("b");
    assertThat(recorded("b").oid()).isEqualTo(1);
  }

  @Test
  void aRenameThatOnlyChangesCaseWorksDespiteSqliteIgnoringCase() throws SQLException {
    TableSpec docs = docs();
    alter(docs, docs.withName(new TableName("public", "Docs")));

    assertThat(tables()).containsExactly("Docs");
    assertThat(query("SELECT count(*) FROM \"Docs\"")).containsExactly("2");
    assertThat(meta("Docs")).hasSize(6);
  }

  // --- columns -----------------------------------------------------------------------------------------------

  @Test
  void droppedRenamedAndAddedColumnsKeepTheOtherValues() throws SQLException {
    TableSpec docs = docs(index("by_n", "n"), index("by_title", "title"));
    ColumnSpec heading = col("heading", PgType.TEXT, "text", 2);
    ColumnSpec score = col("score", PgType.FLOAT8, "double precision", 4);
    TableSpec to = spec("docs", List.of(ID, heading, score), List.of("id"), index("by_title", "heading"));

    SchemaApplier.Outcome o = alter(docs, to);

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, false, null));
    assertThat(columns("docs")).containsExactly("id INTEGER pk", "heading TEXT", "score REAL");
    assertThat(query("SELECT id, heading, quote(score) FROM docs ORDER BY id")).containsExactly("1|a|NULL",
        "2|b|NULL");
    assertThat(indexes("docs")).containsExactly("by_title(heading)");
    assertThat(meta("docs")).containsExactly("table syncing", "column id int8 key", "column heading text",
        "column score float8", "change [1]", "change [2]");
  }

  @Test
  void twoColumnsSwappingNamesSwapTheirValuesNot() throws SQLException {
    ColumnSpec a = col("a", PgType.TEXT, "text", 2);
    ColumnSpec b = col("b", PgType.TEXT, "text", 3);
    TableSpec from = spec("t", List.of(ID, a, b), List.of("id"), index("by_a", "a"));
    applier.create(from, TableState.SYNCING, null);
    sql("INSERT INTO t VALUES (1, 'was a', 'was b')");
    store.commit();

    TableSpec to = spec("t", List.of(ID, col("b", PgType.TEXT, "text", 2), col("a", PgType.TEXT, "text", 3)),
        List.of("id"), index("by_a", "b"));
    alter(from, to);

    assertThat(columns("t")).containsExactly("id INTEGER pk", "b TEXT", "a TEXT");
    assertThat(query("SELECT b, a FROM t")).containsExactly("was a|was b");
    assertThat(indexes("t")).containsExactly("by_a(b)");
  }

  @Test
  void addedColumnsTakeTheirMissingValuesInTheirStorageClass() throws SQLException {
    TableSpec docs = docs();
    ColumnSpec count = col("count", PgType.INT4, "integer", 4);
    ColumnSpec label = col("label", PgType.VARCHAR, "character varying(10)", 5);
    ColumnSpec at = col("at", PgType.TIMESTAMPTZ, "timestamp with time zone", 6);
    ColumnSpec tags = col("tags", PgType.TEXT_ARRAY, "text[]", 7);
    ColumnSpec none = col("none", PgType.INT4, "integer", 8);
    TableSpec to = spec("docs", List.of(ID, TITLE, N, count, label, at, tags, none), List.of("id"));

    SchemaApplier.Outcome o = alter(docs, to, Map.of("count", "5", "label", "42", "at",
        "2024-03-01 04:00:00.25+05:30", "tags", "{x,\"y z\"}", "n", "99"));

    assertThat(o.resyncReason()).isNull();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2024-02-29T22:30:00.25Z"));
    assertThat(query("SELECT id, n, typeof(count), count, typeof(label), label, typeof(at), at, tags, typeof(none)"
        + " FROM docs ORDER BY id")).containsExactly(
        "1|10|integer|5|text|42|integer|" + micros + "|[\"x\",\"y z\"]|null",
        "2|20|integer|5|text|42|integer|" + micros + "|[\"x\",\"y z\"]|null");
  }

  @Test
  void aColumnDroppedAndAddedAgainUnderItsNameIsANewColumn() throws SQLException {
    TableSpec docs = docs();
    TableSpec to = spec("docs", List.of(ID, TITLE, col("n", PgType.INT4, "integer", 4)), List.of("id"));

    alter(docs, to, Map.of("n", "0"));

    assertThat(query("SELECT id, n FROM docs ORDER BY id")).containsExactly("1|0", "2|0");
  }

  @Test
  void specsRecordedWithoutAttnumsMatchColumnsByName() throws SQLException {
    TableSpec old = spec("docs", List.of(col("id", PgType.INT8, "bigint", 0), col("title", PgType.TEXT, "text", 0),
        col("n", PgType.INT4, "integer", 0)), List.of("id"));
    applier.create(old, TableState.SYNCING, null);
    sql("INSERT INTO docs VALUES (1, 'a', 10)");
    store.commit();

    // n (attnum 3 upstream) kept; title was renamed upstream, which a spec without attnums cannot tell
    TableSpec to = spec("docs", List.of(ID, col("heading", PgType.TEXT, "text", 2), N), List.of("id"));
    alter(old, to);

    assertThat(query("SELECT id, quote(heading), n FROM docs")).containsExactly("1|NULL|10");
  }

  @Test
  void notNullAndDefaultChangesAreMetadataOnly() throws SQLException {
    TableSpec docs = docs(index("by_title", "title"));
    TableSpec to = spec("docs", List.of(ID, new ColumnSpec("title", PgType.TEXT, "text", true, 2, "'untitled'::text"),
        N), List.of("id"), index("by_title", "title"));

    SchemaApplier.Outcome o = alter(docs, to);

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, false, null));
    assertThat(columns("docs")).containsExactly("id INTEGER pk", "title TEXT", "n INTEGER");
    assertThat(query("SELECT not_null FROM _viewsync_columns WHERE column_name = 'title'")).containsExactly("1");
    assertThat(recorded("docs").column("title").orElseThrow().defaultExpr()).isEqualTo("'untitled'::text");
  }

  @Test
  void anUnchangedSpecChangesNothing() throws SQLException {
    TableSpec docs = docs();
    assertThat(alter(docs, docs)).isEqualTo(SchemaApplier.Outcome.UNCHANGED);
  }

  // --- types -------------------------------------------------------------------------------------------------

  @Test
  void aTypeChangeThatKeepsEveryStoredValueIsMetadataOnly() throws SQLException {
    TableSpec docs = docs();
    TableSpec to = spec("docs", List.of(ID, col("title", PgType.VARCHAR, "character varying(200)", 2),
        col("n", PgType.INT8, "bigint", 3)), List.of("id"));

    SchemaApplier.Outcome o = alter(docs, to);

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, false, null));
    assertThat(query("SELECT * FROM docs ORDER BY id")).containsExactly("1|a|10", "2|b|20");
    assertThat(meta("docs")).contains("column title varchar", "column n int8");
  }

  @Test
  void aTypeChangeThatChangesValuesInTheSameStorageClassAsksForACopy() throws SQLException {
    ColumnSpec price = col("price", PgType.NUMERIC, "numeric(10,2)", 2);
    TableSpec from = spec("items", List.of(ID, price), List.of("id"));
    applier.create(from, TableState.SYNCING, null);
    sql("INSERT INTO items VALUES (1, '1.25')");
    store.commit();

    SchemaApplier.Outcome o = alter(from, spec("items", List.of(ID, col("price", PgType.NUMERIC, "numeric(10,1)", 2)),
        List.of("id")));

    assertThat(o.rebuilt()).isFalse();
    assertThat(o.resyncReason()).contains("items", "price", "numeric(10,2)", "numeric(10,1)");
    assertThat(meta("items")).startsWith("table syncing");
  }

  @Test
  void aTypeChangeToAnotherStorageClassRebuildsTheColumnAndAsksForACopy() throws SQLException {
    TableSpec docs = docs(index("by_n", "n"));
    TableSpec to = spec("docs", List.of(ID, TITLE, col("n", PgType.TEXT, "text", 3)), List.of("id"),
        index("by_n", "n"));

    SchemaApplier.Outcome o = alter(docs, to);

    assertThat(o.rebuilt()).isTrue();
    assertThat(o.keyChanged()).isFalse();
    assertThat(o.resyncReason()).contains("column n", "integer", "text", "copied again");
    assertThat(columns("docs")).containsExactly("id INTEGER pk", "title TEXT", "n TEXT");
    assertThat(query("SELECT id, typeof(n), n FROM docs ORDER BY id")).containsExactly("1|text|10", "2|text|20");
    assertThat(indexes("docs")).containsExactly("by_n(n)");
  }

  @Test
  void aMissingValueTheReplicaCannotStoreAsksForACopyInsteadOfFailing() throws SQLException {
    TableSpec docs = docs();
    TableSpec to = spec("docs", List.of(ID, TITLE, N, col("m", PgType.INT4, "integer", 4)), List.of("id"));

    SchemaApplier.Outcome o = alter(docs, to, Map.of("m", "not a number"));

    assertThat(o.resyncReason()).contains("new column m");
    assertThat(columns("docs")).contains("m INTEGER");
  }

  // --- keys --------------------------------------------------------------------------------------------------

  @Test
  void aKeyChangeToACompositeKeyRebuildsTheTableAndUpsertsStillReplace() throws Exception {
    TableSpec docs = docs(index("by_title", "title"));
    ColumnSpec tenant = col("tenant", PgType.TEXT, "text", 4);
    TableSpec to = spec("docs", List.of(ID, TITLE, N, tenant), List.of("tenant", "id"),
        primaryKey("docs_pkey", "tenant", "id"), index("by_title", "title"));

    SchemaApplier.Outcome o = alter(docs, to, Map.of("tenant", "acme"));

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, true, true, null));
    assertThat(o.resetsRows()).isTrue();
    assertThat(columns("docs")).containsExactly("id INTEGER", "title TEXT", "n INTEGER", "tenant TEXT");
    assertThat(indexes("docs")).containsExactly("unique _viewsync_key_docs(tenant,id)", "by_title(title)");
    assertThat(query("SELECT * FROM docs ORDER BY id")).containsExactly("1|a|10|acme", "2|b|20|acme");
    assertThat(meta("docs")).containsExactly("table syncing", "column id int8 key", "column title text",
        "column n int4", "column tenant text key", "change [1]", "change [2]");

    Relation rel = new Relation(OID, "public", "docs", 'd', List.of(new Column(true, "id", 20, -1),
        new Column(false, "title", 25, -1), new Column(false, "n", 23, -1), new Column(true, "tenant", 25, -1)));
    try (TableWriter w = new TableWriter(store.writer(), recorded("docs"))) {
      w.insert(rel, row("1", "new a", "11", "acme"));
      w.insert(rel, row("1", "other", "12", "zeta"));
    }
    store.commit();
    assertThat(query("SELECT * FROM docs ORDER BY tenant, id")).containsExactly("1|new a|11|acme", "2|b|20|acme",
        "1|other|12|zeta");
  }

  @Test
  void aReplicaIdentityMovingToAnIntegerColumnMakesItTheRowidAndDropsTheOldKeyColumn() throws SQLException {
    ColumnSpec code = col("code", PgType.TEXT, "text", 1);
    ColumnSpec seq = col("seq", PgType.INT4, "integer", 2);
    TableSpec from = spec("codes", List.of(code, seq), List.of("code"), primaryKey("codes_pkey", "code"));
    applier.create(from, TableState.SYNCING, null);
    sql("INSERT INTO codes VALUES ('x', 1), ('y', 2)");
    store.commit();
    assertThat(indexes("codes")).containsExactly("unique _viewsync_key_codes(code)");

    TableSpec to = new TableSpec(from.name(), OID, List.of(seq), List.of("seq"), "replica identity index seq_idx",
        null, List.of(new IndexSpec("seq_idx", List.of("seq"), true, false, true, false, false)));
    SchemaApplier.Outcome o = alter(from, to);

    assertThat(o.keyChanged()).isTrue();
    assertThat(columns("codes")).containsExactly("seq INTEGER pk");
    assertThat(indexes("codes")).isEmpty();
    assertThat(query("SELECT seq FROM codes ORDER BY seq")).containsExactly("1", "2");
  }

  @Test
  void aRenamedTablesStaleKeyIndexIsFoundAndAStaleNameIsNotReused() throws SQLException {
    TableSpec pairs = spec("pairs", List.of(TITLE, N), List.of("title", "n"));
    applier.create(pairs, TableState.SYNCING, null);
    sql("INSERT INTO pairs VALUES ('a', 1)");
    store.commit();
    TableSpec renamed = pairs.withName(new TableName("public", "couples"));
    alter(pairs, renamed);
    assertThat(indexes("couples")).containsExactly("unique _viewsync_key_pairs(title,n)");

    // a new table under the old name still gets its key index
    TableSpec fresh = spec("pairs", 200, List.of(TITLE, N), List.of("title", "n"));
    applier.create(fresh, TableState.SYNCING, null);
    store.commit();
    assertThat(indexes("pairs")).containsExactly("unique _viewsync_key_pairs_2(title,n)");

    // a key change drops the stale-named key index of the renamed table
    alter(renamed, spec("couples", List.of(TITLE, N), List.of("title")));
    assertThat(indexes("couples")).containsExactly("unique _viewsync_key_couples(title)");
    assertThat(query("SELECT * FROM couples")).containsExactly("a|1");
  }

  // --- syncable and unsyncable -------------------------------------------------------------------------------

  @Test
  void aTableThatLosesItsKeyIsDroppedAndRecordedUnsyncable() throws SQLException {
    TableSpec docs = docs();
    SchemaApplier.Outcome o = alter(docs, docs.unsyncable("no usable row key: no primary key"));

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, true, null));
    assertThat(tables()).isEmpty();
    assertThat(meta("docs")).containsExactly("table unsyncable no usable row key: no primary key",
        "column id int8", "column title text", "column n int4", "change [1]", "change [2]");
  }

  @Test
  void aTableThatGainsAKeyIsCreatedEmptyAndCopiedAgain() throws SQLException {
    TableSpec docs = spec("docs", List.of(ID, TITLE, N), List.of("id"));
    TableSpec keyless = docs.unsyncable("no usable row key");
    applier.create(keyless, TableState.UNSYNCABLE, null);
    store.commit();

    SchemaApplier.Outcome o = alter(keyless, spec("docs", List.of(ID, TITLE, N), List.of("id"),
        index("by_n", "n")));

    assertThat(o.resyncReason()).contains("docs", "gained a usable key", "copied again");
    assertThat(o.resetsRows()).isTrue();
    assertThat(columns("docs")).containsExactly("id INTEGER pk", "title TEXT", "n INTEGER");
    assertThat(indexes("docs")).containsExactly("by_n(n)");
    assertThat(query("SELECT count(*) FROM docs")).containsExactly("0");
    assertThat(meta("docs").get(0)).startsWith("table resyncing");
  }

  @Test
  void aQuarantinedTableStaysQuarantinedAcrossAnAlter() throws SQLException {
    TableSpec docs = docs();
    store.setTableState(docs.name(), TableState.QUARANTINED, "bad value");
    store.commit();

    alter(docs, spec("docs", List.of(ID, TITLE), List.of("id")));

    assertThat(meta("docs").get(0)).isEqualTo("table quarantined bad value");
  }

  // --- indexes -----------------------------------------------------------------------------------------------

  @Test
  void indexesFollowUpstreamCreatedDroppedRedefinedAndRenamed() throws SQLException {
    TableSpec docs = docs(index("gone", "n"), index("redefined", "title"), index("old_name", "title", "n"),
        index("kept", "n", "title"));
    assertThat(indexes("docs")).containsExactly("gone(n)", "kept(n,title)", "old_name(title,n)", "redefined(title)");

    TableSpec to = spec("docs", List.of(ID, TITLE, N), List.of("id"), index("redefined", "n"),
        index("new_name", "title", "n"), index("kept", "n", "title"), index("added", "title"),
        primaryKey("docs_pkey", "id"), new IndexSpec("expr", List.of("n"), false, false, false, false, true));
    SchemaApplier.Outcome o = alter(docs, to);

    assertThat(o).isEqualTo(new SchemaApplier.Outcome(true, false, false, null));
    assertThat(indexes("docs")).containsExactly("added(title)", "kept(n,title)", "new_name(title,n)",
        "redefined(n)");
    assertThat(recorded("docs").indexes()).isEqualTo(to.indexes());
  }

  @Test
  void anIndexSqliteRefusesIsSkippedAndTheOthersAreBuilt() throws SQLException {
    TableSpec docs = docs();
    applier.create(spec("taken", 200, List.of(ID), List.of("id")), TableState.SYNCING, null);
    store.commit();

    SchemaApplier.Outcome o = alter(docs, spec("docs", List.of(ID, TITLE, N), List.of("id"), index("taken", "n"),
        index("by_title", "title")));

    assertThat(o.resyncReason()).isNull();
    assertThat(indexes("docs")).containsExactly("by_title(title)");
    assertThat(tables()).containsExactly("docs", "taken");
  }

  @Test
  void theInitialCopysIndexStepBuildsTheKeyAndTheMirroredIndexes() throws SQLException {
    TableSpec s = spec("pairs", List.of(TITLE, N), List.of("title", "n"), index("by_n", "n"));
    store.createTable(s, TableState.COPYING);
    assertThat(indexes("pairs")).as("none before the rows").isEmpty();
    store.createIndexes(s);
    store.commit();
    assertThat(indexes("pairs")).containsExactly("unique _viewsync_key_pairs(title,n)", "by_n(n)");
  }
}
