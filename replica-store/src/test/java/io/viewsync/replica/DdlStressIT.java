package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random migrations from a list, interleaved with random data changes (seeded: -Dviewsync.seed replays a run;
 * -Dviewsync.stress=true runs many more). At the end the replica equals upstream and no table is quarantined
 * or resyncing.
 */
@ExtendWith(PostgresExtension.class)
class DdlStressIT {
  private static final List<String> COLUMNS = List.of("c1", "c2", "c3");

  @Test
  void randomMigrationsAndDataChanges(TestDatabase db, @TempDir Path dir) throws Exception {
    long seed = ReplicaTesting.seed();
    Random random = new Random(seed);
    int migrations = ReplicaTesting.scaled(40, 400);
    List<String> tables = new ArrayList<>(List.of("t0", "t1", "t2"));
    for (String t : tables) {
      db.execute("CREATE TABLE " + t + " (id bigserial PRIMARY KEY, c1 int DEFAULT 1)",
          "INSERT INTO " + t + " (c1) SELECT g FROM generate_series(1, 200) g");
    }
    List<Function<String, String[]>> kinds = List.of(
        t -> new String[] {"ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + col(random) + " int DEFAULT " + random.nextInt(9)},
        t -> new String[] {"ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + col(random) + " text"},
        t -> new String[] {"ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + col(random)},
        t -> new String[] {"ALTER TABLE " + t + " RENAME COLUMN " + col(random) + " TO " + col(random)},
        t -> new String[] {"ALTER TABLE " + t + " ALTER COLUMN " + col(random) + " TYPE bigint USING 0"},
        t -> new String[] {"ALTER TABLE " + t + " ALTER COLUMN " + col(random) + " TYPE text"},
        t -> new String[] {"CREATE INDEX IF NOT EXISTS " + t + "_ix ON " + t + " (" + col(random) + ")"},
        t -> new String[] {"DROP INDEX IF EXISTS " + t + "_ix"},
        t -> new String[] {"ALTER TABLE " + t + " ALTER COLUMN " + col(random) + " SET DEFAULT 5"},
        t -> new String[] {"BEGIN", "ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + col(random) + " int DEFAULT 3",
            "UPDATE " + t + " SET id = id WHERE id % 4 = 0", "INSERT INTO " + t + " DEFAULT VALUES",
            random.nextBoolean() ? "COMMIT" : "ROLLBACK"},
        t -> new String[] {"TRUNCATE " + t},
        t -> new String[] {"BEGIN", "ALTER TABLE " + t + " RENAME TO " + t + "_tmp", "ALTER TABLE " + t + "_tmp RENAME TO " + t,
            "COMMIT"},
        t -> new String[] {"ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + col(random) + " timestamptz DEFAULT clock_timestamp()"},
        t -> new String[] {"BEGIN", "ALTER TABLE " + t + " DROP CONSTRAINT " + t + "_pkey", "ALTER TABLE " + t
            + " ADD CONSTRAINT " + t + "_pkey PRIMARY KEY (id)", "COMMIT"});
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir));
         Churn churn = new Churn(db, seed, tables)) {
      int applied = 0;
      int extra = 0;
      for (int i = 0; i < migrations; i++) {
        if (random.nextInt(12) == 0) {
          if (churn.tables.size() > 3 && random.nextBoolean()) {
            String t = churn.tables.remove(churn.tables.size() - 1);
            db.execute("DROP TABLE " + t);
          } else {
            String t = "x" + extra++;
            db.execute("CREATE TABLE " + t + " (id bigserial PRIMARY KEY, c1 int)", "INSERT INTO " + t + " (c1) VALUES (1)");
            churn.tables.add(t);
          }
          continue;
        }
        String t = churn.tables.get(random.nextInt(churn.tables.size()));
        String[] sql = kinds.get(random.nextInt(kinds.size())).apply(t);
        try {
          db.execute(sql);
          applied++;
        } catch (IllegalStateException e) {
          if (sql[0].equals("BEGIN")) {
            db.execute("ROLLBACK");
          }
        }
        Thread.sleep(random.nextInt(50));
      }
      System.out.printf("%d of %d migrations applied, %d data statements (%d failed)%n", applied, migrations,
          churn.statements.get(), churn.failures.get());
      churn.close();
      SchemaTesting.assertInSync(db, dir, r, "viewsync", 180_000);
      assertThat(applied).isGreaterThan(migrations / 3);
    }
  }

  private static String col(Random random) {
    return COLUMNS.get(random.nextInt(COLUMNS.size()));
  }
}
