package io.viewsync.server.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's background writer: changes the issue tracker upstream at a steady rate, the way its users would —
 * status changes, new comments, new issues, reassignments, edited titles, and now and then a closed issue deleted
 * (its comments and labels go with it). Every change touches {@code issue.modified}, so it shows at the top of the
 * page's list.
 *
 * <p>It never names {@code issue.priority}, which the demo's migrations rename: the writer keeps working through
 * them. A failed statement is counted, logged at most every 30 s, and the writer goes on (with a new connection if
 * the old one broke).
 *
 * <p>Runs on its own thread; {@link #writes()}, {@link #errors()} and {@link #lastError()} are safe from any thread.
 */
final class DemoWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoWriter.class);

  /** How a connection to the upstream is opened; the writer opens a new one after a failure. */
  @FunctionalInterface
  interface Connector {
    Connection open() throws SQLException;
  }

  private final Connector connector;
  private final double writesPerSecond;
  private final Random random = new Random();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stopping;
  private long lastLoggedNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(60);

  /** @param writesPerSecond 0 starts no thread */
  DemoWriter(Connector connector, double writesPerSecond) {
    this.connector = connector;
    this.writesPerSecond = writesPerSecond;
    this.thread = new Thread(this::run, "viewsync-demo-writer");
    this.thread.setDaemon(true);
  }

  DemoWriter start() {
    if (writesPerSecond > 0) {
      thread.start();
      log.info("demo writer: {} changes per second upstream", writesPerSecond);
    } else {
      log.info("demo writer: off (--writes-per-second 0)");
    }
    return this;
  }

  double writesPerSecond() {
    return writesPerSecond;
  }

  long writes() {
    return writes.get();
  }

  long errors() {
    return errors.get();
  }

  String lastError() {
    return lastError.get();
  }

  private void run() {
    long intervalNanos = (long) (1e9 / writesPerSecond);
    long next = System.nanoTime();
    Connection c = null;
    while (!stopping) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          break;
        }
      }
      // A writer that fell behind (a slow statement) does not burst to catch up.
      next = Math.max(next + intervalNanos, System.nanoTime());
      try {
        if (c == null || c.isClosed()) {
          c = connector.open();
        }
        writeOne(c);
        writes.incrementAndGet();
      } catch (SQLException e) {
        if (stopping) {
          break;
        }
        errors.incrementAndGet();
        lastError.set(e.getMessage());
        long now = System.nanoTime();
        if (now - lastLoggedNanos > TimeUnit.SECONDS.toNanos(30)) {
          lastLoggedNanos = now;
          log.warn("demo writer: a change failed (the writer goes on): {}", e.getMessage());
        }
        close(c);
        c = null;
      }
    }
    close(c);
  }

  private void writeOne(Connection c) throws SQLException {
    int r = random.nextInt(100);
    if (r < 35) {
      update(c, "UPDATE issue SET status = ?, modified = now() WHERE id = (SELECT id FROM issue ORDER BY random() LIMIT 1)",
          DemoData.status(random));
    } else if (r < 60) {
      update(c, "WITH i AS (SELECT id FROM issue WHERE status <> 'closed' ORDER BY random() LIMIT 1),"
              + " c AS (INSERT INTO comment (issue_id, author_id, body) SELECT id, ?, ? FROM i RETURNING issue_id)"
              + " UPDATE issue SET modified = now() FROM c WHERE issue.id = c.issue_id",
          1 + random.nextInt(DemoSchema.USERS), DemoData.paragraph(random, 1 + random.nextInt(2)));
    } else if (r < 72) {
      update(c, "INSERT INTO issue (title, description, status, assignee_id, creator_id) VALUES (?, ?, 'open', ?, ?)",
          DemoData.title(random), DemoData.paragraph(random, 2), 1 + random.nextInt(DemoSchema.USERS),
          1 + random.nextInt(DemoSchema.USERS));
    } else if (r < 84) {
      update(c, "UPDATE issue SET assignee_id = ?, modified = now()"
          + " WHERE id = (SELECT id FROM issue ORDER BY random() LIMIT 1)", 1 + random.nextInt(DemoSchema.USERS));
    } else if (r < 96) {
      update(c, "UPDATE issue SET title = ?, modified = now() WHERE id = (SELECT id FROM issue ORDER BY random() LIMIT 1)",
          DemoData.title(random));
    } else {
      update(c, "DELETE FROM issue WHERE id = (SELECT id FROM issue WHERE status = 'closed' ORDER BY random() LIMIT 1)");
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.interrupt();
    if (thread.isAlive()) {
      thread.join(10_000);
    }
  }
}
