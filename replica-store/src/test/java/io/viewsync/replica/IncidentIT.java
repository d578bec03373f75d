package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident that viewsync exists for, replayed: with data streaming, a migration tries to create a unique
 * index over a nullable column and fails; it is fixed and redeployed (the invalid index removed, the column
 * made NOT NULL), and more migrations follow. Replication never leaves streaming, and at the end the replica
 * equals upstream, rows and schema fingerprint alike.
 */
@ExtendWith(PostgresExtension.class)
class IncidentIT {

  @Test
  void aFailedAndRedeployedMigrationNeverStopsReplication(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE users (id bigserial PRIMARY KEY, email text, name text DEFAULT 'n')",
        "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total numeric(10,2) DEFAULT 1.50)",
        "INSERT INTO users (email) SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'u' || (g % 50) || '@x' END"
            + " FROM generate_series(1, 300) g",
        "INSERT INTO orders (user_id) SELECT g % 300 FROM generate_series(1, 1000) g");
    try (Replicator r = ReplicaTesting.startStreaming(ReplicaTesting.config(db, dir));
         Churn churn = new Churn(db, ReplicaTesting.seed(), List.of("users", "orders"))) {
      AtomicReference<String> leftStreaming = new AtomicReference<>();
      Thread watcher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          String phase = r.status().phase();
          if (!"streaming".equals(phase)) {
            leftStreaming.compareAndSet(null, phase + ": " + r.status().lastError());
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      watcher.start();
      churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, "viewsync", 60_000));

      // The migration as first deployed: a unique index including a nullable column, over duplicates.
      failing(db, "CREATE UNIQUE INDEX CONCURRENTLY users_email_name ON users (email, name)");
      failing(db, "BEGIN", "ALTER TABLE users ADD COLUMN verified boolean DEFAULT false",
          "CREATE UNIQUE INDEX users_email_verified ON users (email, verified)", "COMMIT");
      // The fix, redeployed: drop the invalid index the failed CONCURRENTLY left, dedupe, make the column NOT NULL.
      db.execute("DROP INDEX CONCURRENTLY IF EXISTS users_email_name",
          "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'u' || gen_random_uuid()",
          "UPDATE users SET email = 'u' || id || '@fixed' WHERE email IS NULL"
              + " OR id NOT IN (SELECT min(id) FROM users GROUP BY email)",
          "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
          "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email)");
      // More migrations follow.
      db.execute("ALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false",
          "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new'",
          "ALTER TABLE orders RENAME COLUMN total TO amount",
          "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)",
          "CREATE TABLE audit (id bigserial PRIMARY KEY, what text DEFAULT 'a')",
          "ALTER TABLE users REPLICA IDENTITY USING INDEX users_email");
      churn.tables.add("audit");
      Thread.sleep(1000);
      churn.whilePaused(() -> SchemaTesting.assertInSync(db, dir, r, "viewsync", 120_000));
      watcher.interrupt();
      watcher.join();
      assertThat(leftStreaming.get()).as("replication never left streaming").isNull();
      assertThat(SchemaTesting.replicaState(dir, SchemaVersions.STATE_FINGERPRINT))
          .isEqualTo(SchemaTesting.upstreamFingerprint(db, "viewsync"));
      assertThat(r.stats().quarantines.get()).isZero();
      assertThat(SchemaTesting.tables(r).get("users").reason()).isNull();
    }
  }

  private static void failing(TestDatabase db, String... sql) {
    try {
      db.execute(sql);
      throw new AssertionError("the migration was expected to fail: " + String.join("; ", sql));
    } catch (IllegalStateException expected) {
      db.execute("ROLLBACK");
    }
  }
}
