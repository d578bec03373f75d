package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Postgres restart in the middle of streaming: the replicator reconnects with backoff and converges. (It once
 * gave up when a reconnect met "connection refused", treating it like an unreachable server at startup.)
 */
@ExtendWith(PostgresExtension.class)
class PostgresRestartIT {

  @Test
  void aPostgresRestartMidStreamIsRiddenOutAndTheReplicaConverges(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute(RandomWorkload.SCHEMA);
    RandomWorkload workload = new RandomWorkload(ReplicaTesting.seed(), 30);
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir))) {
      try (Connection c = db.connect()) {
        workload.run(c, 200);
      }
      // Down long enough that reconnects meet a refused connection, which must be retried, not fatal.
      db.restartServer(java.time.Duration.ofSeconds(3));
      assertThat(ReplicaOracle.await(60_000, () -> !"streaming".equals(r.status().phase())
          || r.status().lastError() != null)).isTrue();
      try (Connection c = db.connect()) {
        workload.run(c, 300);
      }
      ReplicaTesting.assertConverges(db, dir, RandomWorkload.TABLES, 120_000);
      assertThat(r.status().phase()).isEqualTo("streaming");
      assertThat(r.status().lastError()).as("the interruption was seen").isNotNull();
    }
  }
}
