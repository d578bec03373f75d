package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections cut by the server and a damaged replica file: the replicator repairs each and converges.
 * (Review found the session connection was never reconnected after a cut, which stopped heartbeats, lag
 * and readiness for good; and that an unreadable replica failed every start.)
 */
@ExtendWith(PostgresExtension.class)
class ConnectionFaultsIT {

  private static final String SESSION_PIDS = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      + " WHERE application_name = 'viewsync' AND datname = current_database() AND backend_type = '%s'";

  @Test
  void aCutSessionConnectionIsReconnectedAndItsLockRetaken(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE s1 (id int PRIMARY KEY)");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("p_s1"))) {
      assertThat(ReplicaOracle.await(30_000, () -> r.ready(Long.MAX_VALUE))).isTrue();
      assertThat(ReplicaTesting.count(db, String.format(SESSION_PIDS, "client backend"))).isEqualTo(1);
      assertThat(ReplicaOracle.await(30_000, () -> r.status().lagBytes() == -1)).as("the cut is noticed").isTrue();
      assertThat(ReplicaOracle.await(30_000, () -> r.ready(Long.MAX_VALUE))).as("ready again").isTrue();
      assertThat(ReplicaTesting.count(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"))
          .as("the slot's advisory lock is held again").isEqualTo(1);
      db.execute("INSERT INTO s1 VALUES (1)");
      ReplicaTesting.assertConverges(db, dir, List.of("s1"), 30_000);
    }
  }

  @Test
  void aCutReplicationConnectionIsReconnected(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE s2 (id int PRIMARY KEY)");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("p_s2"))) {
      db.execute("INSERT INTO s2 VALUES (1)");
      ReplicaTesting.assertConverges(db, dir, List.of("s2"), 30_000);
      assertThat(ReplicaTesting.count(db, String.format(SESSION_PIDS.replace(" AND datname = current_database()", ""),
          "walsender"))).isPositive();
      db.execute("INSERT INTO s2 VALUES (2)");
      ReplicaTesting.assertConverges(db, dir, List.of("s2"), 60_000);
      assertThat(r.status().phase()).isEqualTo("streaming");
    }
  }

  @Test
  void anUnreadableReplicaFileIsRebuiltInsteadOfFailingEveryStart(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE s3 (id int PRIMARY KEY, v text)", "INSERT INTO s3 VALUES (1, 'a')");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("p_s3"))) {
      ReplicaTesting.assertConverges(db, dir, List.of("s3"), 30_000);
    }
    for (String f : List.of("replica.db-wal", "replica.db-shm")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    Files.write(dir.resolve("replica.db"), "this is not a SQLite database, it is what a crash left".repeat(200).getBytes());
    db.execute("INSERT INTO s3 VALUES (2, 'b')");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("p_s3"))) {
      ReplicaTesting.assertConverges(db, dir, List.of("s3"), 30_000);
    }
  }
}
