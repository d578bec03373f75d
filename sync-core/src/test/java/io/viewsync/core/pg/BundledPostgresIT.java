package io.viewsync.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL binaries the jar ships for machines without any (the Maven artifact is on this module's test
 * classpath, as it is in the service jar): they unpack, run a cluster the way {@code viewsync demo} does, and
 * decode pgoutput.
 */
class BundledPostgresIT {

  @Test
  void theBundledBinariesUnpackOnceAndRunALogicalReplicationCluster(@TempDir Path tmp) throws Exception {
    assertThat(BundledPostgres.available()).as("the binaries artifact is on the classpath").isTrue();
    // Reachable by the unprivileged account Postgres runs as when the tests run as root, as java.io.tmpdir is.
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = Files.createDirectories(tmp.resolve("cache"));
    PgBinaries binaries = BundledPostgres.unpackInto(root);
    assertThat(PgBinaries.missing(binaries.binDir())).isEmpty();
    assertThat(BundledPostgres.unpackInto(root)).as("unpacked once, then reused").isEqualTo(binaries);
    try (Stream<Path> entries = Files.list(root)) {
      assertThat(entries.toList()).as("no partly unpacked directory is left").hasSize(1);
    }
    try (LocalPostgres pg = LocalPostgres.builder().binaries(binaries).build().start();
         Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, null);
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY)");
      s.execute("CREATE PUBLICATION p FOR TABLE t");
      s.execute("SELECT pg_create_logical_replication_slot('s', 'pgoutput')");
      s.execute("INSERT INTO t VALUES (1)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_logical_slot_get_binary_changes('s', NULL, NULL,"
          + " 'proto_version', '1', 'publication_names', 'p')")) {
        rs.next();
        assertThat(rs.getInt(1)).as("begin, relation, insert, commit").isGreaterThanOrEqualTo(4);
      }
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("17.");
      }
    }
  }
}
