package io.viewsync.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh database, created for one test class by {@link PostgresExtension} on the JVM's shared test
 * server and dropped after the class (set {@code -Dviewsync.test.keepDatabases=true} to keep it for
 * a post-mortem). Its user is a superuser of the server.
 *
 * <p>Thread safety: safe from any thread; every method opens its own connection.
 */
public final class TestDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

  private final TestServer server;
  private final String name;
  private volatile boolean dropped;

  private TestDatabase(TestServer server, String name) {
    this.server = server;
    this.name = name;
  }

  /** Creates a database named after {@code testClass} on the shared server. */
  static TestDatabase createFor(Class<?> testClass) {
    TestServer server = TestServer.shared();
    String name = DatabaseNames.forTestClass(testClass);
    try (Connection c = server.connect(server.adminDatabase); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + quoteIdent(name));
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name + " on " + server.kind, e);
    }
    log.debug("created test database {} for {}", name, testClass.getName());
    return new TestDatabase(server, name);
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** A superuser of the test server. */
  public String user() {
    return server.user;
  }

  /** The superuser's password; empty for a local cluster, which trusts loopback connections. */
  public String password() {
    return server.password;
  }

  public String databaseName() {
    return name;
  }

  public ServerAddress server() {
    return server.address;
  }

  /** A new connection as {@link #user()}, autocommit on. The caller closes it. */
  public Connection connect() throws SQLException {
    return server.connect(name);
  }

  /** A new connection to this database as {@code role}. */
  public Connection connectAs(TestRole role) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), role.name(), role.password());
  }

  /** Runs each statement in order on one connection, autocommit on; an SQL error becomes an {@link IllegalStateException} naming the statement. */
  public void execute(String... sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String statement : sql) {
        try {
          s.execute(statement);
        } catch (SQLException e) {
          throw new IllegalStateException("SQL failed in " + name + ": " + statement + "\n" + e.getMessage(), e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not connect to " + jdbcUrl(), e);
    }
  }

  /**
   * Properties for a pgjdbc logical replication connection to {@link #jdbcUrl()} as {@link #user()}:
   * {@code replication=database}, {@code assumeMinServerVersion=10}, {@code preferQueryMode=simple}
   * (the walsender speaks only the simple query protocol).
   */
  public Properties replicationProperties() {
    Properties props = new Properties();
    PGProperty.USER.set(props, user());
    PGProperty.PASSWORD.set(props, password());
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    return props;
  }

  /** A new replication connection; unwrap to {@code PGConnection} for {@code getReplicationAPI()}. */
  public Connection connectReplication() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), replicationProperties());
  }

  /** Whether {@link #restartServer()} can work: only for the local cluster, not an external server or container. */
  public boolean supportsRestart() {
    return server.supportsRestart();
  }

  /**
   * Restarts the whole test server (fast shutdown, then start on the same port), breaking every open
   * connection, as a Postgres restart in production would. Aborts the calling test (reported as
   * skipped, with the reason) when the server is external or a container.
   */
  public void restartServer() {
    restartServer(java.time.Duration.ZERO);
  }

  /** Like {@link #restartServer()}, with the server down (refusing connections) for {@code downtime}. */
  public void restartServer(java.time.Duration downtime) {
    Assumptions.assumeTrue(supportsRestart(), () -> "restartServer() needs the local test cluster; this run uses a " + server.kind);
    server.restart(downtime);
  }

  /**
   * Creates (or, if it exists from another test class, updates) a login role that is not a superuser,
   * with {@code CONNECT}, {@code CREATE} and {@code TEMP} on this database and {@code USAGE, CREATE} on
   * its {@code public} schema. Roles are cluster-wide and are not dropped with the database.
   */
  public TestRole createRole(String roleName, boolean replication, String password) {
    String role = quoteIdent(roleName);
    String options = "LOGIN NOSUPERUSER " + (replication ? "REPLICATION" : "NOREPLICATION") + " PASSWORD " + quoteLiteral(password);
    execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + quoteLiteral(roleName) + ") THEN "
            + "CREATE ROLE " + role + "; END IF; END $$",
        "ALTER ROLE " + role + " " + options,
        "GRANT CONNECT, CREATE, TEMP ON DATABASE " + quoteIdent(name) + " TO " + role,
        "GRANT USAGE, CREATE ON SCHEMA public TO " + role);
    return new TestRole(roleName, password, replication);
  }

  /**
   * Drops the database: its replication slots first (a slot pins the database and its WAL), after
   * terminating the backends and walsenders using it. Best effort and idempotent; failures are logged.
   */
  @Override
  public void close() {
    if (dropped || Boolean.getBoolean("viewsync.test.keepDatabases")) {
      return;
    }
    dropped = true;
    try (Connection c = server.connect(server.adminDatabase); Statement s = c.createStatement()) {
      String lit = quoteLiteral(name);
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + lit + " AND pid <> pg_backend_pid()");
      s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = " + lit + " AND active_pid IS NOT NULL");
      dropSlots(s, lit);
      s.execute("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)");
    } catch (SQLException e) {
      log.warn("could not drop test database {}: {}", name, e.getMessage());
    }
  }

  private static void dropSlots(Statement s, String databaseLiteral) throws SQLException {
    // A terminated walsender releases its slot asynchronously; retry briefly rather than fail the drop.
    for (int attempt = 0; ; attempt++) {
      try {
        s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = " + databaseLiteral);
        return;
      } catch (SQLException e) {
        if (attempt >= 50) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @Override
  public String toString() {
    return name + " on " + server.kind + " " + server.address;
  }

  static String quoteIdent(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
