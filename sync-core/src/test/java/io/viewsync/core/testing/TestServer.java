package io.viewsync.core.testing;

import io.viewsync.core.pg.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one PostgreSQL server a test JVM uses, chosen on first use (DESIGN.md §10):
 *
 * <ol>
 *   <li>{@code VIEWSYNC_TEST_PG_URL} (environment) or {@code viewsync.test.pg.url} (system property):
 *       an external server, a superuser URL on a {@code wal_level=logical} server;
 *   <li>a Testcontainers {@code postgres:17} container when Docker is available;
 *   <li>a throwaway {@link LocalPostgres} cluster (fsync off) from local binaries.
 * </ol>
 *
 * <p>A local cluster or container is stopped at JVM exit. Thread-safe: {@link #shared()} is
 * synchronized and a failure to start is remembered, so later test classes fail fast with the same
 * cause instead of trying again.
 */
final class TestServer {

  static final String URL_ENV = "VIEWSYNC_TEST_PG_URL";
  static final String URL_PROPERTY = "viewsync.test.pg.url";
  private static final Logger log = LoggerFactory.getLogger(TestServer.class);

  private static TestServer shared;
  private static RuntimeException sharedFailure;

  final String kind;
  final ServerAddress address;
  final String adminDatabase;
  final String user;
  final String password;
  /** Present only for a local cluster, the one kind this harness can restart. */
  private final LocalPostgres local;

  TestServer(String kind, ServerAddress address, String adminDatabase, String user, String password, LocalPostgres local) {
    this.kind = kind;
    this.address = address;
    this.adminDatabase = adminDatabase;
    this.user = user;
    this.password = password;
    this.local = local;
  }

  static synchronized TestServer shared() {
    if (shared != null) {
      return shared;
    }
    if (sharedFailure != null) {
      throw new IllegalStateException("the test PostgreSQL server failed to start earlier in this JVM", sharedFailure);
    }
    try {
      shared = choose();
      log.info("test PostgreSQL: {} at {}", shared.kind, shared.address);
      return shared;
    } catch (RuntimeException e) {
      sharedFailure = e;
      throw e;
    }
  }

  private static TestServer choose() {
    String url = System.getProperty(URL_PROPERTY, System.getenv(URL_ENV));
    if (url != null && !url.isBlank()) {
      ServerUrl u = ServerUrl.parse(url);
      return new TestServer("external server (" + URL_ENV + ")", new ServerAddress(u.host(), u.port()), u.database(),
          u.user(), u.password(), null);
    }
    Optional<TestServer> container = ContainerServer.startIfDockerAvailable();
    if (container.isPresent()) {
      return container.get();
    }
    LocalPostgres pg = LocalPostgres.builder().fsync(false).build().start(); // its shutdown hook stops it
    return new TestServer("local cluster " + pg.dataDir(), new ServerAddress(pg.host(), pg.port()), "postgres",
        pg.superuser(), "", pg);
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://" + address.host() + ":" + address.port() + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  boolean supportsRestart() {
    return local != null;
  }

  /** Restarts a local cluster; throws {@link UnsupportedOperationException} for other kinds. */
  void restart(java.time.Duration downtime) {
    if (local == null) {
      throw new UnsupportedOperationException("cannot restart the test PostgreSQL server: it is a " + kind);
    }
    if (downtime.isZero()) {
      local.restart();
      return;
    }
    local.stop();
    try {
      Thread.sleep(downtime.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    local.start();
  }
}
