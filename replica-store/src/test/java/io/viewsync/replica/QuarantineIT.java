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
      assertThat(tables(r).get("bad_copy").state()).isEqualTo("quarantined");
      assertThat(tables(r).get("bad_copy").reason()).contains("initial copy failed");
      ReplicaTesting.assertConverges(db, dir, List.of("good", "bad_stream"), 30_000);

      db.execute("BEGIN", "INSERT INTO good VALUES (2, 'b')", "INSERT INTO bad_stream VALUES (2, " + TOO_FAR + ")",
          "COMMIT", "INSERT INTO good VALUES (3, 'c')", "INSERT INTO bad_stream VALUES (3, now())");
      ReplicaTesting.assertConverges(db, dir, List.of("good"), 30_000);
      assertThat(ReplicaOracle.await(30_000, () -> "quarantined".equals(tables(r).get("bad_stream").state())))
          .isTrue();
      assertThat(tables(r).get("bad_stream").reason()).contains("committed at").contains("294270");
      assertThat(r.stats().quarantines.get()).isEqualTo(1);
      assertThat(r.status().phase()).isEqualTo("streaming");
    }
    db.execute("INSERT INTO good VALUES (4, 'd')");
    try (Replicator r = ReplicaTesting.startStreaming(config)) {
      ReplicaTesting.assertConverges(db, dir, List.of("good"), 30_000);
      assertThat(tables(r).get("bad_stream").state()).as("still quarantined after a restart").isEqualTo("quarantined");
      assertThat(tables(r).get("bad_copy").state()).isEqualTo("quarantined");
    }
  }
}
