package io.viewsync.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.value.PgType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SchemaFingerprintTest {

  private static final ColumnSpec ID = new ColumnSpec("id", PgType.INT4, "integer", true, 1, null);
  private static final ColumnSpec TITLE = new ColumnSpec("title", PgType.TEXT, "text", false, 2, "'untitled'::text");
  private static final IndexSpec PK = new IndexSpec("items_pkey", List.of("id"), true, true, false, false, false);
  private static final IndexSpec BY_TITLE = new IndexSpec("items_title", List.of("title"), false, false, false, false, false);

  private static TableSpec items(List<ColumnSpec> columns, List<String> key, List<IndexSpec> indexes) {
    return new TableSpec(new TableName("public", "items"), 100, columns, key, "primary key items_pkey", null, indexes);
  }

  private static final TableSpec ITEMS = items(List.of(ID, TITLE), List.of("id"), List.of(PK, BY_TITLE));
  private static final TableSpec USERS = new TableSpec(new TableName("app", "users"), 200,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true, 1, null)), List.of("id"), "primary key", null,
      List.of(new IndexSpec("users_pkey", List.of("id"), true, true, false, false, false)));
  private static final TableSpec LOG = new TableSpec(new TableName("public", "log"), 300, List.of(ID), List.of(), null,
      "no usable row key", List.of());

  private static String fingerprint(TableSpec... tables) {
    return SchemaFingerprint.of(List.of(tables));
  }

  @Test
  void isALowerCaseHexSha256() {
    assertThat(fingerprint(ITEMS)).matches("[0-9a-f]{64}");
  }

  @Test
  void doesNotDependOnTheOrderOfTablesOrIndexes() {
    TableSpec itemsIndexesSwapped = items(List.of(ID, TITLE), List.of("id"), List.of(BY_TITLE, PK));
    assertThat(fingerprint(ITEMS, USERS, LOG)).isEqualTo(fingerprint(LOG, USERS, ITEMS))
        .isEqualTo(fingerprint(USERS, itemsIndexesSwapped, LOG));
  }

  @Test
  void ignoresOidsAttnumsAndTheKeySourceSentence() {
    TableSpec same = new TableSpec(ITEMS.name(), 999,
        List.of(new ColumnSpec("id", PgType.INT4, "integer", true, 7, null),
            new ColumnSpec("title", PgType.TEXT, "text", false, 9, "'untitled'::text")),
        List.of("id"), "another sentence", null, ITEMS.indexes());
    assertThat(fingerprint(same)).isEqualTo(fingerprint(ITEMS));
  }

  @Test
  void changesWithEachComponentOfASyncableTable() {
    String base = fingerprint(ITEMS, USERS);
    List<UnaryOperator<TableSpec>> changes = List.of(
        t -> t.withName(new TableName("public", "things")),
        t -> t.withName(new TableName("other", "items")),
        t -> items(List.of(ID, column(TITLE, "headline", TITLE.type(), TITLE.declaredType(), false, TITLE.defaultExpr())), List.of("id"), List.of(PK)),
        t -> items(List.of(ID, column(TITLE, "title", PgType.VARCHAR, TITLE.declaredType(), false, TITLE.defaultExpr())), List.of("id"), t.indexes()),
        t -> items(List.of(ID, column(TITLE, "title", TITLE.type(), "character varying(20)", false, TITLE.defaultExpr())), List.of("id"), t.indexes()),
        t -> items(List.of(ID, column(TITLE, "title", TITLE.type(), TITLE.declaredType(), true, TITLE.defaultExpr())), List.of("id"), t.indexes()),
        t -> items(List.of(ID, column(TITLE, "title", TITLE.type(), TITLE.declaredType(), false, null)), List.of("id"), t.indexes()),
        t -> items(List.of(ID, column(TITLE, "title", TITLE.type(), TITLE.declaredType(), false, "''::text")), List.of("id"), t.indexes()),
        t -> items(List.of(TITLE, ID), List.of("id"), t.indexes()),
        t -> items(List.of(ID), List.of("id"), List.of(PK)),
        t -> items(t.columns(), List.of("id", "title"), t.indexes()),
        t -> items(t.columns(), t.keyColumns(), List.of(PK)),
        t -> items(t.columns(), t.keyColumns(), List.of(PK, new IndexSpec("items_title2", List.of("title"), false, false, false, false, false))),
        t -> items(t.columns(), t.keyColumns(), List.of(PK, new IndexSpec("items_title", List.of("title", "id"), false, false, false, false, false))),
        t -> t.unsyncable("lost its key"));
    List<String> seen = new ArrayList<>(List.of(base));
    for (UnaryOperator<TableSpec> change : changes) {
      String changed = fingerprint(change.apply(ITEMS), USERS);
      assertThat(seen).as("each change gives a new fingerprint").doesNotContain(changed);
      seen.add(changed);
    }
  }

  @Test
  void indexesTheReplicaCannotMirrorDoNotCount() {
    IndexSpec partial = new IndexSpec("items_recent", List.of("title"), false, false, false, true, false);
    IndexSpec expression = new IndexSpec("items_lower", List.of(), false, false, false, false, true);
    assertThat(fingerprint(items(ITEMS.columns(), List.of("id"), List.of(PK, BY_TITLE, partial, expression))))
        .isEqualTo(fingerprint(ITEMS));
  }

  @Test
  void anUnsyncableTableCountsWithItsNameAndReasonOnly() {
    TableSpec otherColumns = new TableSpec(LOG.name(), 1, List.of(TITLE), List.of(), null, LOG.unsyncableReason(), List.of(PK));
    assertThat(fingerprint(otherColumns)).isEqualTo(fingerprint(LOG));
    assertThat(fingerprint(LOG.unsyncable("another reason"))).isNotEqualTo(fingerprint(LOG));
    assertThat(fingerprint(LOG.withName(new TableName("public", "log2")))).isNotEqualTo(fingerprint(LOG));
  }

  @Test
  void namesCannotRunIntoEachOther() {
    TableSpec ab = new TableSpec(new TableName("a", "bc"), 1, List.of(ID), List.of("id"), "pk", null, List.of());
    TableSpec abc = new TableSpec(new TableName("ab", "c"), 1, List.of(ID), List.of("id"), "pk", null, List.of());
    assertThat(fingerprint(ab)).isNotEqualTo(fingerprint(abc));
    assertThat(SchemaFingerprint.of(List.of())).isNotEqualTo(fingerprint(ab));
  }

  private static ColumnSpec column(ColumnSpec base, String name, PgType type, String declared, boolean notNull, String dflt) {
    return new ColumnSpec(name, type, declared, notNull, base.attnum(), dflt);
  }
}
