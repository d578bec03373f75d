package io.viewsync.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.FileTrees;

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
  void aDirectoryOthersCouldHavePlantedIsNeverRun(@TempDir Path tmp) throws Exception {
    Path target = BundledPostgres.targetIn(tmp, BundledPostgres.digest());
    // What anyone could leave in /tmp under the predictable name: a complete-looking tree others may write.
    Files.createDirectories(target.resolve("bin"));
    for (String tool : new String[] {"postgres", "initdb", "pg_ctl"}) {
      Files.writeString(target.resolve("bin").resolve(tool), "#!/bin/sh\necho planted\n");
      target.resolve("bin").resolve(tool).toFile().setExecutable(true);
    }
    Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> BundledPostgres.unpackInto(tmp)).hasMessageContaining(target.toString())
        .hasMessageContaining("runs no binaries from it");

    FileTrees.delete(target);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(target, elsewhere);
    assertThatThrownBy(() -> BundledPostgres.unpackInto(tmp)).hasMessageContaining("symbolic link");
  }

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
    // An unpacking without its completion mark (killed half-way, or files a tmp cleaner removed) is done again.
    Files.delete(binaries.binDir().resolveSibling(BundledPostgres.COMPLETE));
    assertThat(BundledPostgres.unpackInto(root)).isEqualTo(binaries);
    assertThat(binaries.binDir().resolveSibling(BundledPostgres.COMPLETE)).exists();
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
