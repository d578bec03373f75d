package io.viewsync.replica;

import io.viewsync.core.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent data changes while migrations run: a thread that keeps inserting, updating and deleting rows in
 * a set of tables, each statement in its own transaction or a few together. Tables change shape under it, so
 * a statement may fail (a column dropped, a table renamed or gone, a NOT NULL without default): such failures
 * are counted and ignored; the oracle compares whatever upstream ends up with. Every table it touches must
 * have an {@code id bigint} key with a default (a sequence) and may have any other nullable columns.
 */
final class Churn implements AutoCloseable {
  final List<String> tables = new CopyOnWriteArrayList<>();
  final AtomicLong statements = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  private final TestDatabase db;
  private final Random random;
  private final Thread thread;
  private volatile boolean stop;
  private volatile boolean pause;
  private volatile boolean parked;

  Churn(TestDatabase db, long seed, List<String> tables) {
    this.db = db;
    this.random = new Random(seed);
    this.tables.addAll(tables);
    this.thread = new Thread(this::run, "churn");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stop) {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        while (!stop) {
          if (pause) {
            parked = true;
            Thread.sleep(5);
            continue;
          }
          parked = false;
          if (tables.isEmpty()) {
            Thread.sleep(20);
            continue;
          }
          String t = tables.get(random.nextInt(tables.size()));
          String q = "\"" + t + "\"";
          int op = random.nextInt(10);
          String sql;
          if (op < 5) {
            sql = "INSERT INTO " + q + " DEFAULT VALUES";
          } else if (op < 8) {
            // An update that rewrites every column to itself still streams the whole new row.
            sql = "UPDATE " + q + " SET id = id WHERE id IN (SELECT id FROM " + q + " ORDER BY random() LIMIT 3)";
          } else {
            sql = "DELETE FROM " + q + " WHERE id IN (SELECT id FROM " + q + " ORDER BY random() LIMIT 1)";
          }
          try {
            s.execute(sql);
            statements.incrementAndGet();
          } catch (SQLException e) {
            failures.incrementAndGet();
            if (c.isClosed()) {
              break;
            }
          }
          Thread.sleep(random.nextInt(3));
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        failures.incrementAndGet();
      }
    }
  }

  /** Stops changing data until {@link #resume()}; returns once the statement in flight has finished. */
  void pause() throws InterruptedException {
    pause = true;
    while (!parked && thread.isAlive()) {
      Thread.sleep(2);
    }
  }

  void resume() {
    parked = false;
    pause = false;
  }

  /** Runs a check with the data at rest, then lets the changes go on. */
  void whilePaused(Check check) throws Exception {
    pause();
    try {
      check.run();
    } finally {
      resume();
    }
  }

  interface Check {
    void run() throws Exception;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}
