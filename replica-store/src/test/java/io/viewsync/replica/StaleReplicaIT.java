package io.viewsync.replica;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica file older than its slot (restored from a backup, say) must not resume: Postgres would start at the
 * slot's position and the changes in between would never arrive. It is rebuilt and converges.
 */
@ExtendWith(PostgresExtension.class)
class StaleReplicaIT {

  @Test
  void aReplicaBehindItsSlotIsRebuiltInsteadOfSkippingTheGap(TestDatabase db, @TempDir Path dir, @TempDir Path backup)
      throws Exception {
    db.execute("CREATE TABLE stale (id int PRIMARY KEY, v text)", "INSERT INTO stale VALUES (1, 'a')");
    ReplicatorConfig config = ReplicaTesting.config(db, dir);
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      ReplicaTesting.assertConverges(db, dir, List.of("stale"), 30_000);
    }
    Files.copy(dir.resolve("replica.db"), backup.resolve("replica.db"));
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      db.execute("INSERT INTO stale VALUES (2, 'b')", "UPDATE stale SET v = 'changed' WHERE id = 1");
      ReplicaTesting.assertConverges(db, dir, List.of("stale"), 30_000);
      // let a heartbeat or the commit confirmation move the slot
      Thread.sleep(1500);
    }
    for (String f : List.of("replica.db-wal", "replica.db-shm")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    Files.copy(backup.resolve("replica.db"), dir.resolve("replica.db"), StandardCopyOption.REPLACE_EXISTING);
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      ReplicaTesting.assertConverges(db, dir, List.of("stale"), 60_000);
    }
  }
}
