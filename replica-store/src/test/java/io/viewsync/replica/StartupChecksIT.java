package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.pg.LocalPostgres;
import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every startup problem an operator can meet ends startup with a sentence that says what to fix. */
@ExtendWith(PostgresExtension.class)
class StartupChecksIT {

  private static ReplicatorConfig config(String url, String user, String password, Path dir, String slot) {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return ReplicatorConfig.defaults(new PgConnector(url, p), dir).withSlot(slot);
  }

  @Test
  void aServerWithoutLogicalWalLevelIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().fsync(false).build().start()) {
      try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", null);
           Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET wal_level = replica");
      }
      pg.restart();
      Replicator r = new Replicator(config(pg.jdbcUrl("postgres"), "postgres", null, dir, "s1"), l -> { });
      assertThatThrownBy(r::start).isInstanceOf(StartupException.class)
          .hasMessageContaining("wal_level=replica").hasMessageContaining("wal_level = logical");
    }
  }

  @Test
  void aUserWithoutReplicationPrivilegeIsRefusedWithTheFix(TestDatabase db, @TempDir Path dir) {
    db.createRole("plain_user", false, "pw1");
    Replicator r = new Replicator(config(db.jdbcUrl(), "plain_user", "pw1", dir, "s2"), l -> { });
    assertThatThrownBy(r::start).isInstanceOf(StartupException.class)
        .hasMessageContaining("lacks the REPLICATION privilege").hasMessageContaining("ALTER ROLE plain_user REPLICATION");
  }

  @Test
  void badCredentialsAreRefusedWithTheFix(TestDatabase db, @TempDir Path dir) {
    db.createRole("pw_user", true, "right");
    Replicator r = new Replicator(config(db.jdbcUrl(), "pw_user", "wrong", dir, "s3"), l -> { });
    // The local test cluster trusts local connections; an external server may check the password.
    try {
      r.start();
      r.close();
    } catch (StartupException e) {
      assertThat(e.getMessage()).contains("rejected the credentials");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Replicator unknown = new Replicator(config(db.jdbcUrl(), "no_such_user", "x", dir, "s3"), l -> { });
    assertThatThrownBy(unknown::start).isInstanceOf(StartupException.class)
        .hasMessageContaining("rejected the credentials");
  }

  @Test
  void anUnreachableDatabaseIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Replicator r = new Replicator(config("jdbc:postgresql://127.0.0.1:" + port + "/x", "u", null, dir, "s4"), l -> { });
    assertThatThrownBy(r::start).isInstanceOf(StartupException.class).hasMessageContaining("cannot reach");
  }

  @Test
  void aSlotUsedByAnotherReplicatorIsRefused(TestDatabase db, @TempDir Path dir1, @TempDir Path dir2) throws Exception {
    db.execute("CREATE TABLE t (id int PRIMARY KEY)");
    ReplicatorConfig c1 = ReplicaTesting.config(db, dir1);
    try (Replicator first = ReplicaTesting.startStreaming(c1)) {
      Replicator second = new Replicator(ReplicaTesting.config(db, dir2), l -> { });
      assertThatThrownBy(second::start).isInstanceOf(StartupException.class)
          .hasMessageContaining("another viewsync process is using replication slot");
      assertThat(first.status().phase()).isEqualTo("streaming");
    }
  }

  @Test
  void exhaustedReplicationSlotsAreRefusedWithTheFix(TestDatabase db, @TempDir Path dir) throws Exception {
    List<String> filler = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT current_setting('max_replication_slots')::int - count(*) FROM pg_replication_slots");
      rs.next();
      int free = rs.getInt(1);
      for (int i = 0; i < free; i++) {
        String name = "filler_" + i + "_" + db.databaseName().hashCode() % 1000;
        name = name.replace('-', 'm');
        s.execute("SELECT pg_create_physical_replication_slot('" + name + "')");
        filler.add(name);
      }
      try {
        Replicator r = new Replicator(ReplicaTesting.config(db, dir), l -> { });
        assertThatThrownBy(r::start).isInstanceOf(StartupException.class)
            .hasMessageContaining("no free replication slot").hasMessageContaining("max_replication_slots");
      } finally {
        for (String f : filler) {
          s.execute("SELECT pg_drop_replication_slot('" + f + "')");
        }
      }
    }
  }
}
