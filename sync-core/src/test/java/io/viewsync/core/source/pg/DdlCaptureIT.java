package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.schema.SchemaSnapshot.Command;
import io.viewsync.core.schema.TableRewrite;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Message;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.testing.TestRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event triggers installed by {@link DdlCapture#setUp} as a superuser, observed the way the replicator sees
 * them: through a pgoutput slot. Two registered publications: {@value #MANAGED} (managed by the triggers) and
 * {@value #PLAIN}.
 */
@ExtendWith(PostgresExtension.class)
class DdlCaptureIT {
  static final String MANAGED = "managed_pub";
  static final String PLAIN = "plain_pub";

  @BeforeAll
  static void install(TestDatabase db) throws SQLException {
    db.execute("CREATE PUBLICATION " + MANAGED, "CREATE PUBLICATION " + PLAIN);
    try (Connection c = db.connect()) {
      assertThat(DdlCapture.setUp(c, PLAIN, false).mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
      assertThat(DdlCapture.setUp(c, MANAGED, true).mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
    }
  }

  @Test
  void setUpAsSuperuserIsIdempotentAndWritesNothingIntoTheStream(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "setup_twice", MANAGED)) {
      DdlCapture.Setup first = DdlCapture.setUp(c, MANAGED, true);
      DdlCapture.Setup second = DdlCapture.setUp(c, MANAGED, true);
      assertThat(first).isEqualTo(second);
      assertThat(first.mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
      assertThat(first.detail()).contains("installed", MANAGED, "managed");
      assertThat(strings(c, "SELECT evtname || ' ' || evtevent FROM pg_event_trigger ORDER BY 1")).containsExactly(
          "viewsync_ddl_command_end ddl_command_end", "viewsync_sql_drop sql_drop", "viewsync_table_rewrite table_rewrite");
      assertThat(strings(c, "SELECT pubname || ' ' || managed FROM _viewsync.publications ORDER BY 1"))
          .containsExactly(MANAGED + " true", PLAIN + " false");
      assertThat(SlotChanges.kinds(slot.take())).as("the installation's own DDL fires no trigger").isEmpty();
    }
  }

  @Test
  void eachDdlWritesTheCommandAndASnapshotOfTheRegisteredTables(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "each_ddl", MANAGED)) {
      execute(c, "CREATE TABLE items (id int PRIMARY KEY, title text)");
      int oid = oid(c, "items");
      SchemaSnapshot created = single(slot.snapshots());
      assertThat(created.ddl()).isEqualTo("CREATE TABLE items (id int PRIMARY KEY, title text)");
      assertThat(created.commands()).contains(new Command("CREATE TABLE", oid));
      UpstreamTable items = table(created, oid).orElseThrow();
      assertThat(items.spec().name()).isEqualTo(new TableName("public", "items"));
      assertThat(items.publications()).containsExactly(MANAGED);
      assertThat(items.spec().keyColumns()).containsExactly("id");
      assertThat(items.spec()).isEqualTo(new PgCatalog(c).table(oid).orElseThrow().spec());

      execute(c, "INSERT INTO items VALUES (1, 'one')", "ALTER TABLE items ADD COLUMN qty int DEFAULT 5");
      SchemaSnapshot added = single(slot.snapshots());
      assertThat(added.commands()).containsExactly(new Command("ALTER TABLE", oid));
      UpstreamTable withQty = table(added, oid).orElseThrow();
      assertThat(withQty.spec().column("qty")).get().extracting(ColumnSpec::defaultExpr).isEqualTo("5");
      assertThat(withQty.missingValues()).containsEntry("qty", "5");

      execute(c, "CREATE INDEX items_title ON items (title)");
      SchemaSnapshot indexed = single(slot.snapshots());
      assertThat(indexed.commands()).containsExactly(new Command("CREATE INDEX", oid));
      assertThat(table(indexed, oid).orElseThrow().spec().indexes()).extracting(IndexSpec::name)
          .containsExactly("items_pkey", "items_title");

      execute(c, "ALTER TABLE items RENAME TO things", "ALTER TABLE things RENAME COLUMN title TO name");
      List<SchemaSnapshot> renamed = slot.snapshots();
      assertThat(renamed).hasSize(2);
      assertThat(table(renamed.get(0), oid).orElseThrow().spec().name().name()).isEqualTo("things");
      assertThat(table(renamed.get(1), oid).orElseThrow().spec().columns()).extracting(ColumnSpec::name)
          .containsExactly("id", "name", "qty");

      execute(c, "ALTER TABLE things DROP COLUMN qty");
      SchemaSnapshot droppedColumn = single(slot.snapshots());
      assertThat(droppedColumn.commands()).as("sql_drop and ddl_command_end make one message").containsExactly(
          new Command("ALTER TABLE", oid));
      assertThat(table(droppedColumn, oid).orElseThrow().spec().columns()).extracting(ColumnSpec::name)
          .containsExactly("id", "name");

      execute(c, "DROP INDEX items_title");
      SchemaSnapshot droppedIndex = single(slot.snapshots());
      assertThat(droppedIndex.commands()).as("a dropped index's table is gone from the catalog")
          .containsExactly(new Command("DROP INDEX", 0));
      assertThat(table(droppedIndex, oid).orElseThrow().spec().indexes()).extracting(IndexSpec::name)
          .containsExactly("items_pkey");

      execute(c, "DROP TABLE things");
      SchemaSnapshot dropped = single(slot.snapshots());
      assertThat(dropped.commands()).containsExactly(new Command("DROP TABLE", oid));
      assertThat(table(dropped, oid)).isEmpty();

      execute(c, "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'", "CREATE VIEW v AS SELECT 1 AS one",
          "CREATE TABLE commented (id int PRIMARY KEY)");
      slot.take();
      execute(c, "COMMENT ON TABLE commented IS 'not a schema change'", "GRANT SELECT ON commented TO PUBLIC",
          "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 43'");
      assertThat(slot.snapshots()).as("DDL on functions, views, comments and grants writes nothing").isEmpty();
    }
  }

  @Test
  void aRowInsertedInTheTransactionThatCreatesTheTableIsStreamedRightAfterTheDdl(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "same_tx", MANAGED)) {
      c.setAutoCommit(false);
      execute(c, "CREATE TABLE fresh (id int PRIMARY KEY, v text)", "INSERT INTO fresh VALUES (1, 'first')");
      c.commit();
      List<PgOutputMessage> messages = slot.take();
      // The managed publication gained the table in the same transaction, before the INSERT: pgoutput streams it.
      assertThat(SlotChanges.kinds(messages)).containsExactly("B", "M:viewsync.ddl", "R:fresh", "I", "C");
      assertThat(table(single(SlotChanges.snapshots(messages)), oid(c, "fresh")).orElseThrow().publications())
          .containsExactly(MANAGED);
    }
  }

  @Test
  void theDdlMessageKeepsItsPlaceBetweenRowChangesOfItsTransaction(TestDatabase db) throws SQLException {
    db.execute("CREATE TABLE placed (id int PRIMARY KEY)");
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "placed", MANAGED)) {
      c.setAutoCommit(false);
      execute(c, "INSERT INTO placed VALUES (1)", "ALTER TABLE placed ADD COLUMN a int", "INSERT INTO placed VALUES (2, 2)");
      c.commit();
      // In a savepoint, as psql's ON_ERROR_ROLLBACK and some migration tools run each statement.
      execute(c, "INSERT INTO placed VALUES (3)", "SAVEPOINT s", "ALTER TABLE placed ADD COLUMN b int", "RELEASE s",
          "INSERT INTO placed VALUES (4, 4, 4)");
      c.commit();
      // Without the WAL pad after the message, the second INSERT of each transaction came before the message.
      assertThat(SlotChanges.kinds(slot.take())).containsExactly(
          "B", "R:placed", "I", "M:viewsync.ddl", "R:placed", "I", "C",
          "B", "R:placed", "I", "M:viewsync.ddl", "R:placed", "I", "C");
    }
  }

  @Test
  void aRolledBackDdlWritesNothing(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "rolled_back", MANAGED)) {
      c.setAutoCommit(false);
      execute(c, "CREATE TABLE never (id int PRIMARY KEY)");
      c.rollback();
      execute(c, "CREATE TABLE kept (id int PRIMARY KEY)", "SAVEPOINT s", "CREATE TABLE undone (id int PRIMARY KEY)",
          "ROLLBACK TO SAVEPOINT s");
      c.commit();
      List<SchemaSnapshot> snapshots = slot.snapshots();
      assertThat(snapshots).hasSize(1);
      assertThat(snapshots.get(0).ddl()).contains("kept");
      assertThat(snapshots.get(0).tables()).extracting(t -> t.spec().name().name()).contains("kept")
          .doesNotContain("never", "undone");
    }
  }

  @Test
  void aColumnTypeChangeThatRewritesTheTableWritesARewriteMessageFirst(TestDatabase db) throws SQLException {
    db.execute("CREATE TABLE rewritten (id int PRIMARY KEY, n int, s varchar(10))", "INSERT INTO rewritten VALUES (1, 2, 'x')");
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "rewrite", MANAGED)) {
      int oid = oid(c, "rewritten");
      execute(c, "ALTER TABLE rewritten ALTER COLUMN n TYPE bigint USING n::bigint * 10");
      List<PgOutputMessage> messages = slot.take();
      assertThat(SlotChanges.kinds(messages)).containsExactly("B", "M:viewsync.rewrite", "M:viewsync.ddl", "C");
      Message rewrite = (Message) messages.get(1);
      assertThat(DdlCapture.parseRewrite(rewrite.content())).isEqualTo(new TableRewrite(oid, 4));
      assertThat(DdlCapture.parseRewriteOid(rewrite.content())).isEqualTo(oid);
      assertThat(rewrite.transactional()).isTrue();

      execute(c, "ALTER TABLE rewritten ALTER COLUMN s TYPE varchar(20)");
      assertThat(SlotChanges.kinds(slot.take())).as("a binary-compatible type change rewrites nothing")
          .containsExactly("B", "M:viewsync.ddl", "C");
    }
  }

  @Test
  void aManagedPublicationHoldsExactlyTheTablesThatCanBePublishedWithoutBreakingWrites(TestDatabase db)
      throws SQLException {
    try (Connection c = db.connect()) {
      execute(c, "CREATE TABLE k (id int PRIMARY KEY, v int)", "INSERT INTO k VALUES (1, 1)",
          "CREATE TABLE nokey (v int)", "CREATE SCHEMA other", "CREATE TABLE other.\"Odd Name\" (id int PRIMARY KEY)",
          "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)");
      assertThat(published(c, MANAGED)).contains("public.k", "other.Odd Name").doesNotContain("public.nokey", "public.scratch");
      assertThat(published(c, PLAIN)).as("an unmanaged publication is left alone").doesNotContain("public.k");

      execute(c, "ALTER TABLE k DROP CONSTRAINT k_pkey");
      assertThat(published(c, MANAGED)).doesNotContain("public.k");
      execute(c, "UPDATE k SET v = 2", "DELETE FROM k WHERE v = 2", "INSERT INTO k VALUES (2, 2)");

      execute(c, "ALTER TABLE k REPLICA IDENTITY FULL");
      assertThat(published(c, MANAGED)).contains("public.k");
      execute(c, "ALTER TABLE k REPLICA IDENTITY NOTHING");
      assertThat(published(c, MANAGED)).doesNotContain("public.k");

      execute(c, "ALTER TABLE k ALTER COLUMN id SET NOT NULL", "CREATE UNIQUE INDEX k_id ON k (id)",
          "ALTER TABLE k REPLICA IDENTITY USING INDEX k_id");
      assertThat(published(c, MANAGED)).contains("public.k");
      execute(c, "DROP INDEX k_id");
      assertThat(published(c, MANAGED)).as("losing the identity index, which names no table").doesNotContain("public.k");
      execute(c, "UPDATE k SET v = 3");

      execute(c, "ALTER TABLE nokey ADD COLUMN id serial PRIMARY KEY");
      assertThat(published(c, MANAGED)).contains("public.nokey");

      // A schema the publication covers as a whole: its tables are published already, nothing to add.
      execute(c, "CREATE SCHEMA covered", "ALTER PUBLICATION " + MANAGED + " ADD TABLES IN SCHEMA covered");
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE covered.t (id int PRIMARY KEY)");
        assertThat((Object) s.getWarnings()).as("no warning").isNull();
      }
      assertThat(published(c, MANAGED)).contains("covered.t");
      assertThat(strings(c, "SELECT count(*) FROM pg_publication_rel WHERE prrelid = 'covered.t'::regclass"))
          .containsExactly("0");
    }
  }

  @Test
  void theDdlOfARoleThatIsNotASuperuserIsCapturedToo(TestDatabase db) throws SQLException {
    TestRole role = db.createRole("ddl_capture_it_migrator", false, "migrate");
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "other_role", MANAGED)) {
      try (Connection migrator = db.connectAs(role)) {
        execute(migrator, "CREATE TABLE owned_by_migrator (id int PRIMARY KEY)");
      }
      int oid = oid(c, "owned_by_migrator");
      assertThat(table(single(slot.snapshots()), oid)).get().extracting(UpstreamTable::publications)
          .isEqualTo(List.of(MANAGED));
    }
  }

  @Test
  void aFailureInsideTheTriggerIsAWarningAndNeverFailsTheDdl(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); SlotChanges slot = new SlotChanges(db, "broken", MANAGED)) {
      execute(c, "ALTER FUNCTION _viewsync.describe_tables(oid[]) RENAME TO describe_tables_away");
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE despite_the_bug (id int PRIMARY KEY)");
        List<String> warnings = new ArrayList<>();
        for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
          warnings.add(w.getMessage());
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("viewsync: DDL capture (ddl_command_end) failed"));
      } finally {
        execute(c, "ALTER FUNCTION _viewsync.describe_tables_away(oid[]) RENAME TO describe_tables");
      }
      assertThat(strings(c, "SELECT count(*) FROM despite_the_bug")).containsExactly("0");
      assertThat(slot.snapshots()).as("the failed capture rolled back its own work only").isEmpty();
      assertThat(published(c, MANAGED)).as("including the managed publication change").doesNotContain("public.despite_the_bug");
    }
  }

  private static void execute(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> published(Connection c, String publication) throws SQLException {
    return strings(c, "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = '" + publication + "'");
  }

  private static int oid(Connection c, String table) throws SQLException {
    return Integer.parseInt(strings(c, "SELECT '" + table + "'::regclass::oid").get(0));
  }

  private static Optional<UpstreamTable> table(SchemaSnapshot snapshot, int oid) {
    return snapshot.tables().stream().filter(t -> t.spec().oid() == oid).findFirst();
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
