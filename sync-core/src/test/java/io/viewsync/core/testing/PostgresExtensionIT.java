package io.viewsync.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

  /** Database name per test class, shared with {@link PostgresExtensionOtherIT}, which runs in the same JVM. */
  static final Map<Class<?>, String> DATABASES = new ConcurrentHashMap<>();

  private static TestDatabase fromBeforeAll;
  private final TestDatabase fromConstructor;

  PostgresExtensionIT(TestDatabase db) {
    this.fromConstructor = db;
  }

  @BeforeAll
  static void recordDatabase(TestDatabase db) {
    fromBeforeAll = db;
    assertFreshAndNamedAfter(db, PostgresExtensionIT.class);
  }

  @Test
  void constructorBeforeAllAndTestMethodGetTheSameDatabase(TestDatabase db) {
    assertThat(db).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
  }

  @Test
  void walLevelIsLogical(TestDatabase db) throws SQLException {
    assertThat(query(db, "SHOW wal_level")).isEqualTo("logical");
    assertThat(query(db, "SELECT current_database()")).isEqualTo(db.databaseName());
  }

  @Test
  void aPgoutputStreamCanBeOpenedOnAReplicationConnection(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE items(id int PRIMARY KEY)", "CREATE PUBLICATION items_pub FOR TABLE items");
    try (Connection c = db.connectReplication()) {
      PGConnection pg = c.unwrap(PGConnection.class);
      pg.getReplicationAPI().createReplicationSlot().logical().withSlotName("ext_it_slot").withOutputPlugin("pgoutput").make();
      db.execute("INSERT INTO items VALUES (1)");
      try (PGReplicationStream stream =
          pg.getReplicationAPI().replicationStream().logical().withSlotName("ext_it_slot")
              .withSlotOption("proto_version", "1").withSlotOption("publication_names", "items_pub").start()) {
        assertThat(stream.read()).isNotNull(); // BEGIN
      }
    }
    // The slot stays; dropping the database after the class must still succeed (TestDatabase drops slots first).
  }

  @Test
  void aCreatedRoleIsNotASuperuser(TestDatabase db) throws SQLException {
    TestRole role = db.createRole("ext_it_reader", true, "s3cr'et");
    db.createRole("ext_it_reader", true, "s3cr'et"); // idempotent
    try (Connection c = db.connectAs(role); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT rolsuper::text || rolreplication::text FROM pg_roles WHERE rolname = current_user"))
          .isEqualTo("falsetrue");
      s.execute("CREATE TABLE owned_by_role(id int)");
      assertThatThrownBy(() -> s.execute("CREATE DATABASE not_allowed")).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void restartServerKeepsTheDatabaseAndBreaksOpenConnections(TestDatabase db) throws SQLException {
    db.execute("CREATE TABLE before_restart(v int)", "INSERT INTO before_restart VALUES (7)");
    try (Connection open = db.connect()) {
      db.restartServer(); // aborts (skips) on an external server or container
      assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
    }
    assertThat(query(db, "SELECT v FROM before_restart")).isEqualTo("7");
  }

  static void assertFreshAndNamedAfter(TestDatabase db, Class<?> testClass) {
    assertThat(db.databaseName()).startsWith(testClass.getSimpleName().toLowerCase() + "_").hasSizeLessThanOrEqualTo(63);
    try {
      assertThat(query(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo("0");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    DATABASES.put(testClass, db.databaseName());
    assertThat(DATABASES.values()).doesNotHaveDuplicates();
  }

  static String query(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      return single(s, sql);
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
