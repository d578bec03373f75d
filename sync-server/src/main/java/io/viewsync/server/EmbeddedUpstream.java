package io.viewsync.server;

import io.viewsync.core.pg.LocalPostgres;
import io.viewsync.server.config.UpstreamUrl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
public final class EmbeddedUpstream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedUpstream.class);
  static final String DATABASE = "viewsync";

  private final LocalPostgres postgres;

  private EmbeddedUpstream(LocalPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Where the embedded Postgres of {@code replicaDir} keeps its data: {@code REPLICA_DIR/postgres}, unless the
   * unprivileged account Postgres runs as under root cannot reach it (a replica directory under {@code /root}, say);
   * then {@code /var/tmp/viewsync-postgres-data/<digest of the replica directory's path>}, which is kept between
   * runs just the same.
   */
  public static Path dataDir(Path replicaDir) {
    Path preferred = replicaDir.toAbsolutePath().normalize().resolve("postgres");
    if (Files.exists(preferred.resolve("PG_VERSION")) || LocalPostgres.canUseDataDir(preferred)) {
      return preferred;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          preferred.toString().getBytes(StandardCharsets.UTF_8));
      return Path.of("/var/tmp", "viewsync-postgres-data", HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static EmbeddedUpstream start(Path replicaDir) throws SQLException {
    Path dataDir = dataDir(replicaDir);
    if (!dataDir.startsWith(replicaDir.toAbsolutePath().normalize())) {
      log.info("the unprivileged user PostgreSQL runs as cannot reach {}: its data lives in {} instead (kept between"
          + " runs)", replicaDir.toAbsolutePath().normalize(), dataDir);
      try {
        Files.createDirectories(dataDir.getParent());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot create " + dataDir.getParent(), e);
      }
    }
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
