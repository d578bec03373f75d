package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.Lsn;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** While published tables are idle, heartbeats let the slot's confirmed position follow the WAL. */
@ExtendWith(PostgresExtension.class)
class HeartbeatIT {

  @Test
  void theSlotAdvancesWhilePublishedTablesAreIdle(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE published (id int PRIMARY KEY)", "CREATE TABLE unpublished (id serial, v text)");
    ReplicatorConfig base = ReplicaTesting.config(db, dir);
    ReplicatorConfig config = new ReplicatorConfig(base.connector(), dir, base.slot(), "hb_pub",
        java.util.List.of("published"), 1, Duration.ofMillis(500), 1000, 100);
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      Lsn before = confirmed(db, config.slot());
      // WAL grows through a table the slot does not publish.
      db.execute("INSERT INTO unpublished (v) SELECT md5(g::text) FROM generate_series(1, 20000) g");
      Lsn walAfter = Lsn.parse(String.valueOf(one(db, "SELECT pg_current_wal_lsn()::text")));
      boolean advanced = ReplicaOracle.await(30_000, () -> {
        try {
          return !confirmed(db, config.slot()).isAtOrBefore(walAfter);
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(advanced).as("confirmed_flush_lsn moved past %s (it was %s)", walAfter, before).isTrue();
      assertThat(r.stats().transactions.get()).as("no published change was applied").isZero();
    }
  }

  private static Lsn confirmed(TestDatabase db, String slot) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Lsn.parse(rs.getString(1));
      }
    }
  }

  private static Object one(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }
}
