package io.viewsync.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerUrlTest {

  @Test
  void aJdbcUrlGivesUserAndPasswordFromItsQuery() {
    assertThat(ServerUrl.parse("jdbc:postgresql://db.example:6543/admin?user=su&password=p%40ss"))
        .isEqualTo(new ServerUrl("db.example", 6543, "admin", "su", "p@ss"));
  }

  @Test
  void aLibpqUriGivesUserAndPasswordFromItsUserInfo() {
    assertThat(ServerUrl.parse("postgres://su:a+b%3Ac@localhost/"))
        .isEqualTo(new ServerUrl("localhost", 5432, "postgres", "su", "a+b:c"));
  }

  @Test
  void missingPartsDefaultToPostgres() {
    assertThat(ServerUrl.parse("postgresql://127.0.0.1:5433"))
        .isEqualTo(new ServerUrl("127.0.0.1", 5433, "postgres", "postgres", ""));
  }

  @Test
  void otherSchemesAreRejected() {
    assertThatThrownBy(() -> ServerUrl.parse("mysql://localhost/db")).isInstanceOf(IllegalArgumentException.class);
  }
}
