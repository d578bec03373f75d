package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction of a million rows replicates through a replicator whose JVM has a 256 MB heap: changes go
 * into the open SQLite transaction as they arrive, nothing collects them. (The child JVM exits on an
 * OutOfMemoryError, which this test would see.)
 */
@ExtendWith(PostgresExtension.class)
class LargeTransactionIT {

  @Test
  void aMillionRowTransactionReplicatesInA256MbHeap(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE big (id int8 PRIMARY KEY, payload text, n int4)");
    int rows = 1_000_000;
    try (ChildReplicator child = new ChildReplicator(db, dir, "256m")) {
      assertThat(child.awaitStreaming(120)).as("child streams; output:%n%s", child.output()).isTrue();
      db.execute("INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text), g % 1000"
          + " FROM generate_series(1, " + rows + ") g");
      boolean done = ReplicaOracle.await(600_000, () -> replicaCount(dir) == rows || !child.isAlive());
      assertThat(child.isAlive()).as("the replicator is still running; output:%n%s", child.output()).isTrue();
      assertThat(done).as("all rows arrived").isTrue();
      assertThat(replicaCount(dir)).isEqualTo(rows);
    }
  }

  private static long replicaCount(Path dir) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM big")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      return -1;
    }
  }
}
