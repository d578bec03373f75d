package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.core.testing.TestRole;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without event triggers (a managed database where viewsync's user is not a superuser): Relation messages and
 * a periodic catalog check follow added, dropped and renamed columns and created and dropped tables, and
 * status says which mode is in use.
 */
@ExtendWith(PostgresExtension.class)
class FallbackIT {

  @Test
  void columnAndTableChangesAreFollowedWithoutEventTriggers(TestDatabase db, @TempDir Path dir) throws Exception {
    TestRole role = db.createRole("vs_fallback", true, "pw");
    try (Connection c = db.connectAs(role); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id bigserial PRIMARY KEY, name text DEFAULT 'n')");
      s.execute("INSERT INTO items (name) SELECT 'i' || g FROM generate_series(1, 200) g");
    }
    Properties p = new Properties();
    p.setProperty("user", role.name());
    p.setProperty("password", role.password());
    ReplicatorConfig config = ReplicatorConfig.defaults(new PgConnector(db.jdbcUrl(), p), dir)
        .withSlot(ReplicaTesting.slotName(db));
    try (Replicator r = ReplicaTesting.startStreaming(config);
         Churn churn = new Churn(db, ReplicaTesting.seed(), List.of("items"))) {
      assertThat(r.status().ddlMode()).isEqualTo("fallback");
      churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, "viewsync", 60_000, false));
      for (String[] step : List.of(
          new String[] {"ALTER TABLE items ADD COLUMN qty int DEFAULT 4"},
          new String[] {"ALTER TABLE items ADD COLUMN note text"},
          new String[] {"ALTER TABLE items RENAME COLUMN note TO remark"},
          new String[] {"ALTER TABLE items DROP COLUMN qty"},
          new String[] {"CREATE TABLE later (id bigserial PRIMARY KEY, v text DEFAULT 'v')",
              "INSERT INTO later (v) VALUES ('a'), ('b')"},
          new String[] {"DROP TABLE later"})) {
        System.out.println("step: " + String.join("; ", step));
        if (step[0].startsWith("DROP TABLE later")) {
          churn.tables.remove("later");
          Thread.sleep(100);
        }
        try (Connection c = db.connectAs(role); Statement s = c.createStatement()) {
          for (String sql : step) {
            s.execute(sql);
          }
          // Without event triggers a column change reaches the stream with the table's next row change.
          s.execute("UPDATE items SET id = id WHERE id = (SELECT min(id) FROM items)");
        }
        if (step[0].startsWith("CREATE TABLE later")) {
          churn.tables.add("later");
        }
        churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, "viewsync", 60_000, false));
      }
      assertThat(r.status().phase()).isEqualTo("streaming");
    }
  }
}
