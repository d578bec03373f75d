package io.viewsync.bench;

import io.viewsync.core.pg.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The throwaway Postgres every benchmark runs against (fsync on: with fsync off LocalPostgres also turns
 * synchronous_commit off, and then WAL reaches walsenders only when the WAL writer flushes it, every 200 ms,
 * which would hide any latency difference). Each benchmark round gets a fresh database, so publications and
 * slots never leak between rounds; {@link #dropDatabase} drops the round's slots first.
 *
 * <p>Thread safety: each method opens its own connection; safe from any thread.
 */
final class Upstream implements AutoCloseable {
  private final LocalPostgres pg;

  Upstream() {
    this.pg = LocalPostgres.builder().fsync(true).build().start();
  }

  String user() {
    return pg.superuser();
  }

  int port() {
    return pg.port();
  }

  String host() {
    return pg.host();
  }

  String jdbcUrl(String db) {
    return pg.jdbcUrl(db);
  }

  Connection connect(String db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", pg.superuser());
    return DriverManager.getConnection(pg.jdbcUrl(db), p);
  }

  void createDatabase(String db) throws SQLException {
    dropDatabase(db);
    exec("postgres", "CREATE DATABASE " + db);
  }

  void dropDatabase(String db) throws SQLException {
    exec("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
        + db + "'");
    exec("postgres", "DROP DATABASE IF EXISTS " + db);
  }

  void exec(String db, String... sql) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  String one(String db, String sql) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public void close() {
    pg.close();
  }
}
