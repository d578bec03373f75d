package io.viewsync.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamUrlTest {

  @Test
  void aLibpqUriYieldsEveryPart() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://alice:s3cret@db.example.com:6543/shop?sslmode=require");

    assertThat(url.host()).isEqualTo("db.example.com");
    assertThat(url.port()).isEqualTo(6543);
    assertThat(url.database()).isEqualTo("shop");
    assertThat(url.user()).isEqualTo("alice");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.params()).containsExactly(Map.entry("sslmode", "require"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/shop");
  }

  @Test
  void bothSchemeSpellingsAreAcceptedInAnyCase() {
    assertThat(UpstreamUrl.parse("postgresql://u@h/d")).isEqualTo(UpstreamUrl.parse("postgres://u@h/d"));
    assertThat(UpstreamUrl.parse("PostgreSQL://u@h/d")).isEqualTo(UpstreamUrl.parse("postgres://u@h/d"));
  }

  @Test
  void thePortDefaultsTo5432() {
    assertThat(UpstreamUrl.parse("postgres://u@h/d").port()).isEqualTo(5432);
  }

  @Test
  void userAndPasswordArePercentDecoded() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://al%40ice:p%40ss%3Aw%2Ford%25+%C3%A9@h/d");

    assertThat(url.user()).isEqualTo("al@ice");
    assertThat(url.password()).isEqualTo("p@ss:w/ord%+é"); // '+' is literal in a libpq URI
  }

  @Test
  void anUnencodedAtSignInThePasswordStillParses() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u:p@ss@h/d");

    assertThat(url.password()).isEqualTo("p@ss");
    assertThat(url.host()).isEqualTo("h");
  }

  @Test
  void aUserWithoutPasswordHasANullPassword() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u@h/d");

    assertThat(url.password()).isNull();
    assertThat(url.properties()).doesNotContainKey("password");
  }

  @Test
  void noUserInfoLeavesUserAndPasswordNull() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://h/d");

    assertThat(url.user()).isNull();
    assertThat(url.password()).isNull();
    assertThat(url.properties()).isEmpty();
  }

  @Test
  void anIpv6HostIsWrittenInBracketsAndStoredWithout() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u:p@[2001:db8::1]:5433/d");

    assertThat(url.host()).isEqualTo("2001:db8::1");
    assertThat(url.port()).isEqualTo(5433);
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::1]:5433/d");
    assertThat(UpstreamUrl.parse("postgres://[::1]/d").port()).isEqualTo(5432);
  }

  @Test
  void anIpv6HostWithoutBracketsIsRejectedWithAHint() {
    assertThatThrownBy(() -> UpstreamUrl.parse("postgres://u@::1:5432/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in brackets");
  }

  @Test
  void theDatabaseDefaultsToTheUserNameAsInLibpq() {
    assertThat(UpstreamUrl.parse("postgres://bob@h").database()).isEqualTo("bob");
    assertThat(UpstreamUrl.parse("postgres://bob@h/").database()).isEqualTo("bob");
  }

  @Test
  void theDatabaseNameIsDecodedAndReEncodedForJdbc() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u@h/my%20db%2Bx");

    assertThat(url.database()).isEqualTo("my db+x");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/my%20db%2Bx");
  }

  @Test
  void extraQueryParametersBecomePgjdbcProperties() {
    UpstreamUrl url = UpstreamUrl.parse(
        "postgres://u:p@h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=vs&connect_timeout=5");

    Properties props = url.properties();
    assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
    assertThat(props.getProperty("sslrootcert")).isEqualTo("/etc/ca.pem");
    assertThat(props.getProperty("ApplicationName")).isEqualTo("vs");
    assertThat(props.getProperty("connectTimeout")).isEqualTo("5");
    assertThat(props.getProperty("user")).isEqualTo("u");
    assertThat(props.getProperty("password")).isEqualTo("p");
  }

  @Test
  void propertiesAreAFreshCopyEachTime() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u:p@h/d");

    url.properties().setProperty("password", "changed");

    assertThat(url.properties().getProperty("password")).isEqualTo("p");
  }

  @Test
  void userAndPasswordMayComeFromQueryParameters() {
    UpstreamUrl url = UpstreamUrl.parse("postgresql://h/d?user=u&password=p%26q");

    assertThat(url.user()).isEqualTo("u");
    assertThat(url.password()).isEqualTo("p&q");
    assertThat(url.params()).isEmpty();
  }

  @Test
  void aJdbcUrlTakesCredentialsFromItsQuery() {
    UpstreamUrl url = UpstreamUrl.parse("jdbc:postgresql://h:5440/d?user=u&password=a+b%21&sslmode=disable");

    assertThat(url.host()).isEqualTo("h");
    assertThat(url.port()).isEqualTo(5440);
    assertThat(url.database()).isEqualTo("d");
    assertThat(url.user()).isEqualTo("u");
    assertThat(url.password()).isEqualTo("a b!"); // pgjdbc form-decodes query values: '+' is a space
    assertThat(url.params()).containsExactly(Map.entry("sslmode", "disable"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5440/d");
  }

  @Test
  void aJdbcUrlWithoutCredentialsIsFine() {
    UpstreamUrl url = UpstreamUrl.parse("jdbc:postgresql://localhost/app");

    assertThat(url.user()).isNull();
    assertThat(url.password()).isNull();
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
  }

  @Test
  void pgjdbcsShortFormMeansLocalhost() {
    UpstreamUrl url = UpstreamUrl.parse("jdbc:postgresql:app?user=u");

    assertThat(url.host()).isEqualTo("localhost");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.database()).isEqualTo("app");
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(UpstreamUrl.parse("  postgres://u@h/d\n").host()).isEqualTo("h");
  }

  @Test
  void thePasswordNeverAppearsInToStringOrTheRedactedForm() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://alice:hunter2@h/d?sslmode=require&sslpassword=keypass");

    assertThat(url.toString())
        .isEqualTo(url.redacted())
        .isEqualTo("postgresql://alice:***@h:5432/d?sslmode=require&sslpassword=***")
        .doesNotContain("hunter2")
        .doesNotContain("keypass");
  }

  @Test
  void theRedactedFormOmitsAnAbsentPassword() {
    assertThat(UpstreamUrl.parse("postgres://alice@[::1]/d").redacted()).isEqualTo("postgresql://alice@[::1]:5432/d");
    assertThat(UpstreamUrl.parse("postgres://h/d").redacted()).isEqualTo("postgresql://h:5432/d");
  }

  @Test
  void withDatabaseKeepsEverythingElse() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://u:p@h:1234/app?sslmode=require").withDatabase("postgres");

    assertThat(url.database()).isEqualTo("postgres");
    assertThat(url.password()).isEqualTo("p");
    assertThat(url.port()).isEqualTo(1234);
    assertThat(url.params()).containsEntry("sslmode", "require");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "   ",
      "localhost:5432/db",
      "mysql://u:hunter2@h/d",
      "http://h/d",
      "postgres://",
      "postgres://u:hunter2@/d",
      "postgres://u:hunter2@h:0/d",
      "postgres://u:hunter2@h:65536/d",
      "postgres://u:hunter2@h:port/d",
      "postgres://u:hunter2@h:/d",
      "postgres://u:hunter2@h1,h2/d",
      "postgres://u:hunter2@[::1/d",
      "postgres://u:hunter2@[not-ipv6]/d",
      "postgres://u:hunter2@[::1]x/d",
      "postgres://u:hunter2@h/a/b",
      "postgres://u:hunter2%zz@h/d",
      "postgres://u:hunter2@h/d?=x",
      "postgres://u:hunter2@bad host/d",
      "postgres://:hunter2@h",
  })
  void badInputIsRejectedWithTheExpectedFormsAndWithoutEchoingIt(String input) {
    assertThatThrownBy(() -> UpstreamUrl.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected postgres://user:password@host:5432/dbname")
        .hasMessageContaining("jdbc:postgresql://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void nullIsRejectedLikeEmptyInput() {
    assertThatThrownBy(() -> UpstreamUrl.parse(null)).hasMessageContaining("empty");
  }

  @Test
  void anUnsupportedSchemeIsNamed() {
    assertThatThrownBy(() -> UpstreamUrl.parse("mysql://u@h/d")).hasMessageContaining("'mysql:'");
  }

  @Test
  void theConstructorRejectsCredentialsSmuggledIntoParams() {
    assertThatThrownBy(() -> new UpstreamUrl("h", 5432, "d", null, null, Map.of("password", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
