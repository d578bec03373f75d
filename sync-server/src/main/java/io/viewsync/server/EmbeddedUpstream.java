package io.viewsync.server;

import io.viewsync.core.pg.LocalPostgres;
import io.viewsync.server.config.UpstreamUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local PostgreSQL that {@code viewsync serve} starts when no upstream URL is given, so the service runs
 * out of the box: a persistent cluster in {@code REPLICA_DIR/postgres} (the same launcher the test harness
 * uses), with a database {@code viewsync}. Stopped with the service. Called from the main thread.
 */
final class EmbeddedUpstream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedUpstream.class);
  static final String DATABASE = "viewsync";

  private final LocalPostgres postgres;

  private EmbeddedUpstream(LocalPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedUpstream start(Path replicaDir) throws SQLException {
    Path dataDir = replicaDir.toAbsolutePath().resolve("postgres");
    log.info("no upstream URL given: starting an embedded PostgreSQL in {}", dataDir);
    LocalPostgres pg = LocalPostgres.builder().dataDir(dataDir).build().start();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, null);
         PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, DATABASE);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
          }
        }
      }
    } catch (SQLException e) {
      pg.close();
      throw e;
    }
    return new EmbeddedUpstream(pg);
  }

  UpstreamUrl url() {
    return UpstreamUrl.parse("postgresql://" + LocalPostgres.SUPERUSER + "@" + postgres.host() + ":" + postgres.port()
        + "/" + DATABASE);
  }

  @Override
  public void close() {
    postgres.close();
  }
}
