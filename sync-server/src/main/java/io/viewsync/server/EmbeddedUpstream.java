package io.viewsync.server;

import io.viewsync.core.FileTrees;
import io.viewsync.core.pg.LocalPostgres;
import io.viewsync.server.config.UpstreamUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
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

  /** Where clusters live whose replica directory the unprivileged Postgres account cannot reach (see dataDir). */
  static final Path FALLBACK_ROOT = Path.of("/var/lib/viewsync/embedded-postgres");

  /**
   * Where the embedded Postgres of {@code replicaDir} keeps its data: {@code REPLICA_DIR/postgres}, unless the
   * unprivileged account Postgres runs as under root cannot reach it (a replica directory under {@code /root}, say);
   * then {@code /var/lib/viewsync/embedded-postgres/<digest of the replica directory's path>}, kept between runs
   * just the same. A cluster that exists in either place is used where it is.
   */
  public static Path dataDir(Path replicaDir) {
    Path preferred = replicaDir.toAbsolutePath().normalize().resolve("postgres");
    Path fallback;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          preferred.toString().getBytes(StandardCharsets.UTF_8));
      fallback = FALLBACK_ROOT.resolve(HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    if (Files.exists(preferred.resolve("PG_VERSION"))) {
      return preferred;
    }
    if (Files.exists(fallback.resolve("PG_VERSION"))) {
      return fallback;
    }
    return LocalPostgres.canUseDataDir(preferred) ? preferred : fallback;
  }

  /**
   * Makes {@link #FALLBACK_ROOT} (only root uses it) and checks that nobody but root could have made or changed any
   * of it: root-owned, not writable by others, no links.
   */
  private static void prepareFallbackRoot() throws IOException {
    for (Path dir : new Path[] {FALLBACK_ROOT.getParent(), FALLBACK_ROOT}) {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // whatever the umask
      }
      FileTrees.requireOwnedOnlyBy(dir, 0);
    }
  }

  static EmbeddedUpstream start(Path replicaDir) throws SQLException {
    Path dataDir = dataDir(replicaDir);
    if (dataDir.startsWith(FALLBACK_ROOT)) {
      log.info("the unprivileged user PostgreSQL runs as cannot reach {}: its data lives in {} instead (kept between"
          + " runs; viewsync demo --fresh empties it too)", replicaDir.toAbsolutePath().normalize(), dataDir);
      try {
        prepareFallbackRoot();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep the embedded PostgreSQL's data in " + dataDir + ": "
            + e.getMessage(), e);
      }
    }
    log.info("no upstream URL given: starting an embedded PostgreSQL in {}", dataDir);
    // The service stops its embedded Postgres itself, after its replicator: no JVM hook of its own.
    LocalPostgres pg = LocalPostgres.builder().dataDir(dataDir).stopOnJvmExit(false).build().start();
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
