package io.viewsync.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second class in the same JVM as {@link PostgresExtensionIT}: it must get a different, fresh database. */
@ExtendWith(PostgresExtension.class)
class PostgresExtensionOtherIT {

  @BeforeAll
  static void recordDatabase(TestDatabase db) {
    PostgresExtensionIT.assertFreshAndNamedAfter(db, PostgresExtensionOtherIT.class);
  }

  @Test
  void getsItsOwnDatabaseOnTheSameServer(TestDatabase db) throws SQLException {
    db.execute("CREATE TABLE items(id int PRIMARY KEY)"); // same table name as the other class: no clash
    assertThat(PostgresExtensionIT.query(db, "SELECT current_database()")).isEqualTo(db.databaseName());
    assertThat(PostgresExtensionIT.query(db, "SHOW wal_level")).isEqualTo("logical");
  }

  @Test
  void theOtherClassesDatabaseIsDroppedAfterItsClassEvenWithASlotLeft(TestDatabase db) throws SQLException {
    String other = PostgresExtensionIT.DATABASES.get(PostgresExtensionIT.class);
    assumeTrue(other != null, "PostgresExtensionIT has not run before this class in this JVM");
    assertThat(PostgresExtensionIT.query(db, "SELECT count(*) FROM pg_database WHERE datname = '" + other + "'"))
        .isEqualTo("0");
    assertThat(PostgresExtensionIT.query(db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'ext_it_slot'"))
        .isEqualTo("0");
  }
}
