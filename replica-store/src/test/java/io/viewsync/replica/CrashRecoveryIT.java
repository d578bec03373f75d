package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 1 under kill -9: the replicator process is killed at random points while a workload runs, and
 * restarted; the replica ends equal to upstream. The workload reuses a small key range, so a transaction
 * applied twice after a restart (say an insert replayed after a later delete) or one lost would show as a
 * difference.
 */
@ExtendWith(PostgresExtension.class)
class CrashRecoveryIT {

  @Test
  void aReplicatorKilledAtRandomPointsResumesWithNothingLostOrDuplicated(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute(RandomWorkload.SCHEMA);
    long seed = ReplicaTesting.seed();
    Random chaos = new Random(seed);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> workloadError = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      RandomWorkload w = new RandomWorkload(seed, 25);
      try (Connection c = db.connect()) {
        while (!stop.get()) {
          w.run(c, 5);
        }
      } catch (Throwable e) {
        workloadError.set(e);
      }
    });
    writer.start();
    int kills = ReplicaTesting.scaled(6, 30);
    for (int i = 0; i < kills; i++) {
      try (ChildReplicator child = new ChildReplicator(db, dir, "256m")) {
        assertThat(child.awaitStreaming(120)).as("child %d streams; output:%n%s", i, child.output()).isTrue();
        Thread.sleep(200 + chaos.nextInt(2500));
        assertThat(child.isAlive()).as("child alive before the kill; output:%n%s", child.output()).isTrue();
        child.kill9();
      }
    }
    stop.set(true);
    writer.join();
    assertThat(workloadError.get()).isNull();
    try (ChildReplicator last = new ChildReplicator(db, dir, "256m")) {
      assertThat(last.awaitStreaming(120)).as("final child streams; output:%n%s", last.output()).isTrue();
      ReplicaTesting.assertConverges(db, dir, RandomWorkload.TABLES, 120_000);
    }
  }
}
