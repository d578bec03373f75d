package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.testing.TestRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DdlCapture#setUp} for a role that is not a superuser (the usual production case: LOGIN REPLICATION),
 * the install script a DBA runs instead, and {@link DdlCapture#uninstall}. Each test starts uninstalled.
 */
@ExtendWith(PostgresExtension.class)
class DdlCaptureSetupIT {
  static final String PUB = "app_pub";
  private static TestRole replicator;

  @BeforeAll
  static void roleAndPublication(TestDatabase db) {
    replicator = db.createRole("ddl_capture_setup_it", true, "replicate");
    db.execute("CREATE PUBLICATION " + PUB);
  }

  @BeforeEach
  void uninstalled(TestDatabase db) throws SQLException {
    try (Connection c = db.connect()) {
      DdlCapture.uninstall(c);
    }
  }

  @Test
  void aRoleThatIsNotASuperuserGetsTheFallbackAndIsToldWhatToRun(TestDatabase db) throws SQLException {
    try (Connection c = db.connectAs(replicator)) {
      DdlCapture.Setup setup = DdlCapture.setUp(c, PUB, true);
      assertThat(setup.mode()).isEqualTo(DdlCapture.Mode.FALLBACK);
      assertThat(setup.mode().wireName()).isEqualTo("fallback");
      assertThat(setup.detail()).contains("role ddl_capture_setup_it is not a superuser", db.databaseName(),
          "0 of 3", "Relation messages", "viewsync ddl-capture-sql --publication app_pub`");
      assertThat(count(c, "SELECT count(*) FROM pg_namespace WHERE nspname = '_viewsync'")).as("installs nothing")
          .isZero();
    }
  }

  @Test
  void afterADbaRunsTheInstallScriptTheRoleGetsEventTriggers(TestDatabase db) throws SQLException {
    try (Connection admin = db.connect(); Connection c = db.connectAs(replicator)) {
      runScript(admin, DdlCapture.installScript("another_pub", false));
      DdlCapture.Setup unregistered = DdlCapture.setUp(c, PUB, false);
      assertThat(unregistered.mode()).isEqualTo(DdlCapture.Mode.FALLBACK);
      assertThat(unregistered.detail()).contains("publication app_pub is not registered",
          "INSERT INTO _viewsync.publications VALUES ('app_pub', false)");

      runScript(admin, DdlCapture.installScript(PUB, false));
      runScript(admin, DdlCapture.installScript(PUB, false)); // again: idempotent
      DdlCapture.Setup setup = DdlCapture.setUp(c, PUB, false);
      assertThat(setup.mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
      assertThat(setup.detail()).contains("installed by a superuser", "app_pub registered").doesNotContain("managed");

      DdlCapture.Setup mismatch = DdlCapture.setUp(c, PUB, true);
      assertThat(mismatch.mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
      assertThat(mismatch.detail()).contains("asked for a managed publication",
          "ON CONFLICT (pubname) DO UPDATE SET managed = EXCLUDED.managed");

      // The role's own DDL is captured, although it may neither emit logical messages nor read the functions' work.
      try (SlotChanges slot = new SlotChanges(db, "setup_it", PUB)) {
        execute(c, "CREATE TABLE by_replicator (id int PRIMARY KEY)");
        List<SchemaSnapshot> snapshots = slot.snapshots();
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).ddl()).contains("by_replicator");
      }
    }
  }

  @Test
  void aDisabledTriggerCountsAsMissing(TestDatabase db) throws SQLException {
    try (Connection admin = db.connect(); Connection c = db.connectAs(replicator)) {
      runScript(admin, DdlCapture.installScript(PUB, false));
      execute(admin, "ALTER EVENT TRIGGER viewsync_table_rewrite DISABLE");
      DdlCapture.Setup setup = DdlCapture.setUp(c, PUB, false);
      assertThat(setup.mode()).isEqualTo(DdlCapture.Mode.FALLBACK);
      assertThat(setup.detail()).contains("2 of 3");
    }
  }

  @Test
  void uninstallRemovesTriggersAndSchemaAndDdlKeepsWorking(TestDatabase db) throws SQLException {
    try (Connection admin = db.connect()) {
      assertThat(DdlCapture.setUp(admin, PUB, true).mode()).isEqualTo(DdlCapture.Mode.EVENT_TRIGGERS);
      assertThat(count(admin, "SELECT count(*) FROM pg_event_trigger")).isEqualTo(3);
      DdlCapture.uninstall(admin);
      DdlCapture.uninstall(admin); // idempotent
      assertThat(count(admin, "SELECT count(*) FROM pg_event_trigger")).isZero();
      assertThat(count(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = '_viewsync'")).isZero();
      execute(admin, "CREATE TABLE after_uninstall (id int PRIMARY KEY)", "DROP TABLE after_uninstall");
    }
  }

  @Test
  void setUpWantsAutocommitBecauseItRunsItsOwnTransaction(TestDatabase db) throws SQLException {
    try (Connection admin = db.connect()) {
      admin.setAutoCommit(false);
      assertThatThrownBy(() -> DdlCapture.setUp(admin, PUB, false)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("autocommit");
    }
  }

  /** As {@code psql -f} would: the script is several statements with its own BEGIN and COMMIT. */
  private static void runScript(Connection admin, String script) throws SQLException {
    execute(admin, script);
  }

  private static void execute(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
