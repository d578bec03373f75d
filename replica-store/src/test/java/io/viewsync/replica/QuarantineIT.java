package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 4: a table whose changes cannot be applied stops alone, with its reason in status, while every other
 * table keeps replicating. The trigger here is a timestamp Postgres accepts but int64 microseconds since 1970
 * cannot hold (after 294246 AD). (Before, such a value stopped the whole stream in a retry loop.)
 */
@ExtendWith(PostgresExtension.class)
class QuarantineIT {
  private static final String TOO_FAR = "'294270-01-01 00:00:00'";

  private static Map<String, ReplicatorStatus.Table> tables(Replicator r) {
    return r.status().tables().stream().collect(Collectors.toMap(ReplicatorStatus.Table::name, t -> t));
  }

  @Test
  void aTableThatCannotBeAppliedIsQuarantinedAndTheOthersGoOn(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE good (id int PRIMARY KEY, v text)",
        "CREATE TABLE bad_copy (id int PRIMARY KEY, ts timestamp)",
        "CREATE TABLE bad_stream (id int PRIMARY KEY, ts timestamp)",
        "INSERT INTO good VALUES (1, 'a')", "INSERT INTO bad_copy VALUES (1, now()), (2, " + TOO_FAR + ")",
        "INSERT INTO bad_stream VALUES (1, now())");
    ReplicatorConfig config = ReplicaTesting.config(db, dir);
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      // Its automatic repair (a resync after a backoff) fails the same way: it stays quarantined.
      assertThat(tables(r).get("bad_copy").state()).isIn("quarantined", "resyncing");
      assertThat(tables(r).get("bad_copy").reason()).containsAnyOf("initial copy failed", "resync failed",
          "copying it again");
      ReplicaTesting.assertConverges(db, dir, List.of("good", "bad_stream"), 30_000);

      db.execute("BEGIN", "INSERT INTO good VALUES (2, 'b')", "INSERT INTO bad_stream VALUES (2, " + TOO_FAR + ")",
          "COMMIT", "INSERT INTO good VALUES (3, 'c')", "INSERT INTO bad_stream VALUES (3, now())");
      ReplicaTesting.assertConverges(db, dir, List.of("good"), 30_000);
      assertThat(ReplicaOracle.await(30_000, () -> "quarantined".equals(tables(r).get("bad_stream").state())))
          .isTrue();
      assertThat(tables(r).get("bad_stream").reason()).containsAnyOf("committed at", "resync failed").contains("294270");
      assertThat(r.stats().quarantines.get()).isGreaterThanOrEqualTo(1);
      assertThat(r.status().phase()).isEqualTo("streaming");
    }
    db.execute("INSERT INTO good VALUES (4, 'd')");
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      ReplicaTesting.assertConverges(db, dir, List.of("good"), 30_000);
      assertThat(tables(r).get("bad_stream").state()).as("still quarantined after a restart").isIn("quarantined", "resyncing");
      assertThat(tables(r).get("bad_copy").state()).isIn("quarantined", "resyncing");
      // Fixed upstream: the next automatic resync repairs both.
      db.execute("UPDATE bad_copy SET ts = now() WHERE id = 2", "UPDATE bad_stream SET ts = now() WHERE id = 2");
      assertThat(ReplicaOracle.await(60_000, () -> "syncing".equals(tables(r).get("bad_copy").state())
          && "syncing".equals(tables(r).get("bad_stream").state()))).as("repaired: %s", r.status().tables()).isTrue();
      ReplicaTesting.assertConverges(db, dir, List.of("good", "bad_copy", "bad_stream"), 30_000);
    }
  }

  /**
   * A bug in viewsync's handling of one table (a fault injected into the apply path) quarantines that table
   * alone; the others keep replicating, and the automatic resync repairs it.
   */
  @Test
  void aTableThatFailsOnApplyIsRepairedByAnAutomaticResync(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE steady (id int PRIMARY KEY, v text)", "CREATE TABLE flaky (id int PRIMARY KEY, v text)",
        "INSERT INTO flaky SELECT g, 'f' || g FROM generate_series(1, 1000) g");
    java.util.concurrent.atomic.AtomicInteger faults = new java.util.concurrent.atomic.AtomicInteger(1);
    TableWriter.faultInjector = t -> {
      if (t.name().equals("flaky") && faults.getAndDecrement() > 0) {
        throw new IllegalStateException("injected fault");
      }
    };
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir))) {
      db.execute("INSERT INTO flaky VALUES (1001, 'boom')", "INSERT INTO steady VALUES (1, 'a')");
      assertThat(ReplicaOracle.await(30_000, () -> r.stats().quarantines.get() == 1)).isTrue();
      ReplicaTesting.assertConverges(db, dir, List.of("steady"), 30_000);
      db.execute("UPDATE flaky SET v = 'changed' WHERE id <= 10", "INSERT INTO steady VALUES (2, 'b')");
      ReplicaTesting.assertConverges(db, dir, List.of("steady"), 30_000);
      assertThat(ReplicaOracle.await(60_000, () -> "syncing".equals(tables(r).get("flaky").state())))
          .as("repaired: %s", r.status().tables()).isTrue();
      db.execute("DELETE FROM flaky WHERE id > 990");
      ReplicaTesting.assertConverges(db, dir, List.of("steady", "flaky"), 30_000);
      assertThat(r.stats().quarantines.get()).isEqualTo(1);
    } finally {
      TableWriter.faultInjector = null;
    }
  }
}
