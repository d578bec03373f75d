package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 2: every kind of DDL a migration runs is followed, in transaction order, while data changes in the
 * same and in concurrent transactions; after each step the replica equals upstream (rows, columns, schema
 * fingerprint) and the replicator never left streaming.
 */
@ExtendWith(PostgresExtension.class)
class SchemaChangeIT {
  private static final String PUB = "viewsync";

  /** The test methods share their class's database: each starts from no tables. */
  private static void clean(TestDatabase db) {
    db.execute("DROP TABLE IF EXISTS items, other, fresh, renamed, big, doomed CASCADE");
  }

  private static void setUp(TestDatabase db) throws Exception {
    clean(db);
    db.execute("CREATE TABLE items (id bigserial PRIMARY KEY, name text, qty int)",
        "CREATE TABLE other (id bigserial PRIMARY KEY, note text DEFAULT 'x')",
        "INSERT INTO items (name, qty) SELECT 'n' || g, g FROM generate_series(1, 500) g",
        "INSERT INTO other (note) SELECT 'o' || g FROM generate_series(1, 100) g");
  }

  @Test
  void everyKindOfDdlIsFollowedWhileDataChanges(TestDatabase db, @TempDir Path dir) throws Exception {
    setUp(db);
    ReplicatorConfig config = ReplicaTesting.config(db, dir);
    try (Replicator r = ReplicaTesting.startStreaming(config);
         Churn churn = new Churn(db, ReplicaTesting.seed(), List.of("items", "other"))) {
      assertThat(r.status().ddlMode()).isEqualTo("event-triggers");
      churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, PUB, 60_000));
      long version0 = r.status().schemaVersion();
      List<String[]> steps = List.of(
          new String[] {"create table with rows in the same transaction", "BEGIN",
              "CREATE TABLE fresh (id bigserial PRIMARY KEY, a text)", "INSERT INTO fresh (a) VALUES ('1'), ('2')",
              "COMMIT"},
          new String[] {"add column with a constant default, update in the same transaction", "BEGIN",
              "ALTER TABLE items ADD COLUMN flag int DEFAULT 7", "UPDATE items SET flag = 8 WHERE id % 5 = 0",
              "COMMIT"},
          new String[] {"add a nullable column", "ALTER TABLE items ADD COLUMN extra text"},
          new String[] {"rename a column", "ALTER TABLE items RENAME COLUMN extra TO extra2",
              "UPDATE items SET extra2 = 'e' || id WHERE id % 7 = 0"},
          new String[] {"drop a column", "ALTER TABLE items DROP COLUMN extra2"},
          new String[] {"change type without rewrite (varchar to text)", "ALTER TABLE items ALTER COLUMN name TYPE varchar(200)",
              "ALTER TABLE items ALTER COLUMN name TYPE text"},
          new String[] {"change type int to bigint (a rewrite)", "ALTER TABLE items ALTER COLUMN qty TYPE bigint"},
          new String[] {"change type with USING that rewrites values",
              "ALTER TABLE items ALTER COLUMN qty TYPE text USING 'q' || (qty * 2)::text"},
          new String[] {"set and drop NOT NULL", "UPDATE items SET flag = 0 WHERE flag IS NULL",
              "ALTER TABLE items ALTER COLUMN flag SET NOT NULL", "ALTER TABLE items ALTER COLUMN flag DROP NOT NULL"},
          new String[] {"set and drop a default", "ALTER TABLE other ALTER COLUMN note SET DEFAULT 'y'",
              "INSERT INTO other DEFAULT VALUES", "ALTER TABLE other ALTER COLUMN note DROP DEFAULT"},
          new String[] {"create and drop indexes", "CREATE INDEX items_name ON items (name)",
              "CREATE UNIQUE INDEX items_name_qty ON items (name, qty)", "CREATE INDEX items_lower ON items (lower(name))",
              "CREATE INDEX items_partial ON items (qty) WHERE flag > 0", "DROP INDEX items_name"},
          new String[] {"create and drop an index concurrently", "CREATE INDEX CONCURRENTLY items_flag ON items (flag)",
              "DROP INDEX CONCURRENTLY items_flag"},
          new String[] {"rename a table", "ALTER TABLE fresh RENAME TO renamed", "INSERT INTO renamed (a) VALUES ('3')"},
          new String[] {"change the primary key", "BEGIN", "ALTER TABLE renamed DROP CONSTRAINT fresh_pkey",
              "ALTER TABLE renamed ADD COLUMN code text", "UPDATE renamed SET code = 'c' || id",
              "ALTER TABLE renamed ALTER COLUMN code SET NOT NULL", "ALTER TABLE renamed ADD PRIMARY KEY (code)", "COMMIT",
              "INSERT INTO renamed (a, code) VALUES ('4', 'c-new')"},
          new String[] {"replica identity using a unique index", "CREATE UNIQUE INDEX renamed_id ON renamed (id)",
              "ALTER TABLE renamed ALTER COLUMN id SET NOT NULL", "ALTER TABLE renamed REPLICA IDENTITY USING INDEX renamed_id",
              "UPDATE renamed SET a = 'x' || a"},
          new String[] {"drop the primary key (unsyncable) and add it back (copied again)",
              "ALTER TABLE other DROP CONSTRAINT other_pkey", "ALTER TABLE other ADD PRIMARY KEY (id)",
              "INSERT INTO other DEFAULT VALUES"},
          new String[] {"add a column with a volatile default", "ALTER TABLE other ADD COLUMN made timestamptz DEFAULT clock_timestamp()"},
          new String[] {"add a column with gen_random_uuid()", "ALTER TABLE items ADD COLUMN uid uuid DEFAULT gen_random_uuid()"},
          new String[] {"truncate", "TRUNCATE renamed", "INSERT INTO renamed (a, code) VALUES ('5', 'c5')"},
          new String[] {"drop a table", "DROP TABLE renamed"});
      for (String[] step : steps) {
        System.out.println("step: " + step[0]);
        db.execute(java.util.Arrays.copyOfRange(step, 1, step.length));
        churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, PUB, 60_000));
      }
      assertThat(r.status().schemaVersion()).isGreaterThan(version0 + steps.size() - 3);
      assertThat(churn.statements.get()).isGreaterThan(100);
      assertThat(r.stats().quarantines.get()).as("nothing was quarantined").isZero();
    }
  }

  @Test
  void aMigrationThatRollsBackLeavesNoTrace(TestDatabase db, @TempDir Path dir) throws Exception {
    setUp(db);
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir))) {
      SchemaTesting.assertInSync(db, dir, r, PUB, 60_000);
      long version = r.status().schemaVersion();
      long history = SchemaTesting.historyRows(dir);
      db.execute("BEGIN", "ALTER TABLE items ADD COLUMN doomed int DEFAULT 1", "CREATE TABLE doomed (id int PRIMARY KEY)",
          "DROP TABLE other", "INSERT INTO items (name) VALUES ('doomed')", "ROLLBACK");
      // A failing migration: the unique index over a nullable column finds duplicates.
      db.execute("INSERT INTO items (name, qty) VALUES ('dup', NULL), ('dup', 1), ('dup', 1)");
      try {
        db.execute("CREATE UNIQUE INDEX items_dup ON items (name, qty)");
        throw new AssertionError("the unique index was expected to fail on the duplicates");
      } catch (IllegalStateException expected) {
        assertThat(expected.getMessage()).contains("duplicate");
      }
      db.execute("INSERT INTO other (note) VALUES ('after')");
      SchemaTesting.assertInSync(db, dir, r, PUB, 60_000);
      assertThat(r.status().schemaVersion()).isEqualTo(version);
      assertThat(SchemaTesting.historyRows(dir)).isEqualTo(history);
      assertThat(SchemaTesting.tables(r)).doesNotContainKey("doomed");
    }
  }

  @Test
  void rewritesAreRepairedByAResyncWhileOtherTablesKeepFlowing(TestDatabase db, @TempDir Path dir) throws Exception {
    int rows = ReplicaTesting.scaled(100_000, 1_000_000);
    clean(db);
    db.execute("CREATE TABLE big (id bigserial PRIMARY KEY, n int, pad text)",
        "INSERT INTO big (n, pad) SELECT g, repeat('p', 50) FROM generate_series(1, " + rows + ") g",
        "CREATE TABLE other (id bigserial PRIMARY KEY, note text DEFAULT 'x')");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir));
         Churn churn = new Churn(db, ReplicaTesting.seed(), List.of("other"))) {
      churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, PUB, 120_000));
      for (String ddl : List.of("ALTER TABLE big ALTER COLUMN n TYPE bigint USING n * 3",
          "ALTER TABLE big ADD COLUMN made timestamptz DEFAULT clock_timestamp()")) {
        List<long[]> samples = new ArrayList<>(); // {nanos, watermark, resyncing}
        Thread sampler = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            ReplicatorStatus.Table big = SchemaTesting.tables(r).get("big");
            synchronized (samples) {
              samples.add(new long[] {System.nanoTime(), r.watermark().value(),
                  big != null && "resyncing".equals(big.state()) ? 1 : 0});
            }
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.start();
        db.execute(ddl);
        // The others keep changing while the table is copied again; then compare with the data at rest.
        ReplicaOracle.await(10_000, () -> {
          synchronized (samples) {
            return samples.stream().anyMatch(x -> x[2] == 1);
          }
        });
        ReplicaOracle.await(180_000, () -> "syncing".equals(SchemaTesting.tables(r).get("big").state()));
        churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, PUB, 180_000));
        sampler.interrupt();
        sampler.join();
        List<Long> during = new ArrayList<>();
        long maxGapNanos = 0;
        long lastChange = -1;
        long lastWatermark = -1;
        for (long[] s : samples) {
          if (s[2] == 1) {
            during.add(s[1]);
            if (s[1] != lastWatermark) {
              if (lastChange >= 0) {
                maxGapNanos = Math.max(maxGapNanos, s[0] - lastChange);
              }
              lastChange = s[0];
              lastWatermark = s[1];
            }
          }
        }
        System.out.printf("%s: resyncing for %d samples, watermark took %d values, largest gap %d ms%n", ddl,
            during.size(), during.stream().distinct().count(), maxGapNanos / 1_000_000);
        assertThat(during).as("the table was resynced").isNotEmpty();
        assertThat(during.stream().distinct().count()).as("the watermark moved on during the resync").isGreaterThan(2);
      }
      assertThat(r.stats().quarantines.get()).isZero();
    }
  }
}
