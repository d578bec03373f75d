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

/** A table without a usable key is reported unsyncable with a reason while every other table replicates. */
@ExtendWith(PostgresExtension.class)
class UnsyncableTablesIT {

  private static Map<String, ReplicatorStatus.Table> tables(Replicator r) {
    return r.status().tables().stream().collect(Collectors.toMap(ReplicatorStatus.Table::name, t -> t));
  }

  @Test
  void keylessTablesAreUnsyncableAndTheRestReplicatesWithAPublicationOfAllTables(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("CREATE TABLE good (id int PRIMARY KEY, v text)",
        "CREATE TABLE nokey (a int, b text)",
        "ALTER TABLE nokey REPLICA IDENTITY FULL", // so upstream can still update it while published
        "CREATE TABLE nullable_unique (a int, b text)",
        "CREATE UNIQUE INDEX nullable_unique_a ON nullable_unique (a)",
        "ALTER TABLE nullable_unique REPLICA IDENTITY FULL",
        "CREATE PUBLICATION allpub FOR ALL TABLES",
        "INSERT INTO good VALUES (1, 'one')", "INSERT INTO nokey VALUES (1, 'x')",
        "INSERT INTO nullable_unique VALUES (1, 'y')");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("allpub"))) {
      db.execute("INSERT INTO good VALUES (2, 'two')", "UPDATE nokey SET b = 'z'", "INSERT INTO nullable_unique VALUES (2, 'w')",
          "UPDATE good SET v = 'uno' WHERE id = 1");
      ReplicaTesting.assertConverges(db, dir, List.of("good"), 30_000);
      r.refreshStatus();
      var t = tables(r);
      assertThat(t.get("good").state()).isEqualTo("syncing");
      assertThat(t.get("good").rows()).isEqualTo(2);
      assertThat(t.get("nokey").state()).isEqualTo("unsyncable");
      assertThat(t.get("nokey").reason()).contains("no primary key");
      assertThat(t.get("nullable_unique").state()).isEqualTo("unsyncable");
      assertThat(t.get("nullable_unique").reason()).contains("nullable");
      assertThat(r.status().phase()).isEqualTo("streaming");
    }
  }

  @Test
  void aPublicationViewsyncCreatesLeavesKeylessTablesOutSoUpstreamWritesKeepWorking(TestDatabase db,
      @TempDir Path dir) throws Exception {
    db.execute("DROP PUBLICATION IF EXISTS allpub", "CREATE SCHEMA own", "CREATE TABLE own.good (id int PRIMARY KEY)", "CREATE TABLE own.nokey (a int)",
        "CREATE TABLE own.nullable_unique (a int UNIQUE)", "INSERT INTO own.nokey VALUES (1)");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("own_pub"))) {
      // Would fail with "cannot update table because it does not have a replica identity" if it were published.
      db.execute("UPDATE own.nokey SET a = 2", "DELETE FROM own.nullable_unique", "INSERT INTO own.good VALUES (1)");
      ReplicaTesting.assertConverges(db, dir, List.of("own.good"), 30_000);
      // The first test's tables are here too: each schema has exactly its keyed table published.
      assertThat(ReplicaTesting.count(db, "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'own_pub'"
          + " AND tablename <> 'good'")).isZero();
      assertThat(ReplicaTesting.count(db, "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'own_pub'"
          + " AND schemaname = 'own'")).isEqualTo(1);
    }
  }

  @Test
  void tablesPublishedWithARowFilterOrAColumnListAreUnsyncableRatherThanCopiedWhole(TestDatabase db,
      @TempDir Path dir) throws Exception {
    db.execute("DROP PUBLICATION IF EXISTS allpub", "CREATE SCHEMA filt",
        "CREATE TABLE filt.rows_filtered (id int PRIMARY KEY, v text)",
        "CREATE TABLE filt.cols_listed (id int PRIMARY KEY, secret text, v text)",
        "CREATE TABLE filt.plain (id int PRIMARY KEY)",
        "CREATE PUBLICATION filt_pub FOR TABLE filt.rows_filtered WHERE (id > 10), filt.cols_listed (id, v), filt.plain",
        "INSERT INTO filt.cols_listed VALUES (1, 'do not copy me', 'x')", "INSERT INTO filt.plain VALUES (1)");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir).withPublication("filt_pub"))) {
      ReplicaTesting.assertConverges(db, dir, List.of("filt.plain"), 30_000);
      var t = tables(r);
      assertThat(t.get("filt.rows_filtered").state()).isEqualTo("unsyncable");
      assertThat(t.get("filt.rows_filtered").reason()).contains("row filters");
      assertThat(t.get("filt.cols_listed").state()).isEqualTo("unsyncable");
      assertThat(t.get("filt.cols_listed").reason()).contains("column lists");
      assertThat(t.get("filt.plain").state()).isEqualTo("syncing");
    }
  }
}
