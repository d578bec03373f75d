package io.viewsync.server.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema migration the demo page's button runs upstream, so anyone can watch the page keep working through one.
 * It toggles: renaming {@code issue.priority} to {@code severity} (the page declares {@code priority}, so its
 * compatibility turns degraded, rows carry null for it and the query that filters on it turns unavailable), then
 * renaming it back (full again). Which one is next is read from the catalog, so it survives restarts and
 * migrations run by hand.
 *
 * <p>Migrations run one at a time on their own thread; {@link #start()} answers at once. Safe from any thread.
 */
final class DemoMigrations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoMigrations.class);

  /** One migration: a title for people and its SQL. */
  record Migration(String title, String sql) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("title", title);
      m.put("sql", sql);
      return m;
    }
  }

  /** What the last migration did. */
  record Outcome(Migration migration, String error) {}

  static final Migration RENAME_AWAY = new Migration("Rename issue.priority to severity",
      "ALTER TABLE issue RENAME COLUMN priority TO severity");
  static final Migration RENAME_BACK = new Migration("Rename issue.severity back to priority",
      "ALTER TABLE issue RENAME COLUMN severity TO priority");

  private final DemoWriter.Connector connector;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "viewsync-demo-migrations");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger applied = new AtomicInteger();
  private final AtomicReference<Outcome> last = new AtomicReference<>();
  private volatile Migration next = RENAME_AWAY;

  DemoMigrations(DemoWriter.Connector connector) {
    this.connector = connector;
  }

  /** Reads which migration is next from the catalog; call once before serving. */
  DemoMigrations load(Connection c) throws SQLException {
    next = nextFor(c);
    return this;
  }

  /** Starts the next migration; empty when one is already running (or the demo is stopping). */
  Optional<Migration> start() {
    if (!running.compareAndSet(false, true)) {
      return Optional.empty();
    }
    Migration migration = next;
    try {
      executor.execute(() -> run(migration));
    } catch (RejectedExecutionException e) { // stopping
      running.set(false);
      return Optional.empty();
    }
    return Optional.of(migration);
  }

  private void run(Migration migration) {
    String error = null;
    try (Connection c = connector.open()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = '5s'");
        s.execute(migration.sql());
        applied.incrementAndGet();
        log.info("demo migration ran upstream: {}", migration.sql());
      } catch (SQLException e) {
        error = e.getMessage();
        log.warn("demo migration failed: {}: {}", migration.sql(), e.getMessage());
      }
      next = nextFor(c); // after a failure too: someone may have renamed the column by hand
    } catch (SQLException e) {
      error = error != null ? error : e.getMessage();
      log.warn("demo migrations: {}", e.getMessage());
    } finally {
      last.set(new Outcome(migration, error));
      running.set(false);
    }
  }


  private static Migration nextFor(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_attribute"
        + " WHERE attrelid = 'public.issue'::regclass AND attname = 'priority' AND NOT attisdropped");
         ResultSet rs = ps.executeQuery()) {
      return rs.next() ? RENAME_AWAY : RENAME_BACK;
    }
  }

  /** {@code {"applied", "running", "last": {title, sql, error} | null, "next": {title, sql}}}. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("applied", applied.get());
    m.put("running", running.get());
    Outcome o = last.get();
    if (o == null) {
      m.put("last", null);
    } else {
      Map<String, Object> l = o.migration().toJson();
      l.put("error", o.error());
      m.put("last", l);
    }
    m.put("next", next.toJson());
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }
}
