package io.viewsync.replica;

import static io.viewsync.replica.ReplicaTesting.assertConverges;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle: a seeded random workload over every stored type, part of it before the initial copy and the
 * rest while streaming; afterwards every replica table equals upstream, row for row and value for value.
 */
@ExtendWith(PostgresExtension.class)
class ReplicationOracleIT {

  @Test
  void aRandomWorkloadEndsWithEveryReplicaTableEqualToUpstream(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute(RandomWorkload.SCHEMA);
    RandomWorkload workload = new RandomWorkload(ReplicaTesting.seed(), 30);
    try (Connection c = db.connect()) {
      workload.run(c, ReplicaTesting.scaled(600, 5000));
    }
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir))) {
      assertConverges(db, dir, RandomWorkload.TABLES, 60_000);
      try (Connection c = db.connect()) {
        workload.run(c, ReplicaTesting.scaled(3000, 30000));
      }
      assertConverges(db, dir, RandomWorkload.TABLES, 120_000);
      assertThat(r.stats().transactions.get()).as("transactions applied by streaming").isPositive();
      assertThat(r.stats().updates.get()).isPositive();
      assertThat(r.stats().deletes.get()).isPositive();
    }
  }

  @Test
  void anUpdateThatLeavesAToastedValueUnchangedKeepsTheReplicasValue(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("CREATE TABLE toasty (id int PRIMARY KEY, body text, n int)",
        "ALTER TABLE toasty ALTER COLUMN body SET STORAGE EXTERNAL");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("toasty_pub"))) {
      // The publication was created at start for the tables that existed: toasty is in it.
      db.execute("INSERT INTO toasty SELECT 1, string_agg(md5(i::text), ''), 0 FROM generate_series(1, 1000) i",
          "UPDATE toasty SET n = n + 1 WHERE id = 1");
      assertThat(ReplicaTesting.count(db, "SELECT length(body) FROM toasty")).isGreaterThan(8192);
      assertConverges(db, dir, java.util.List.of("toasty"), 30_000);
    }
  }
}
