package io.viewsync.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class PgTimestampTest {

  private static long text(String s) {
    return PgTimestamp.fromText(s, "timestamptz");
  }

  /** Unix µs of a UTC wall clock, computed by java.time alone. */
  private static long micros(LocalDateTime utc) {
    return ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), utc);
  }

  @Test
  void theUnixEpochIsZero() {
    assertThat(text("1970-01-01 00:00:00")).isZero();
    assertThat(text("1970-01-01 00:00:00+00")).isZero();
  }

  @Test
  void postgresEpochIsTheBinaryOffset() {
    assertThat(text("2000-01-01 00:00:00")).isEqualTo(946_684_800_000_000L);
    assertThat(PgTimestamp.fromPgMicros(0, "timestamp")).isEqualTo(946_684_800_000_000L);
  }

  @Test
  void aFractionOfOneToSixDigitsIsMicroseconds() {
    LocalDateTime base = LocalDateTime.of(2020, 1, 2, 3, 4, 5);
    assertThat(text("2020-01-02 03:04:05.123456")).isEqualTo(micros(base) + 123_456);
    assertThat(text("2020-01-02 03:04:05.5")).isEqualTo(micros(base) + 500_000);
    assertThat(text("2020-01-02 03:04:05.000001")).isEqualTo(micros(base) + 1);
    assertThat(text("2020-01-02 03:04:05.12")).isEqualTo(micros(base) + 120_000);
  }

  @Test
  void anOffsetIsSubtractedToGetUtc() {
    LocalDateTime wall = LocalDateTime.of(2020, 6, 1, 12, 0);
    assertThat(text("2020-06-01 12:00:00+05:30"))
        .isEqualTo(ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(wall, ZoneOffset.ofHoursMinutes(5, 30))));
    assertThat(text("2020-06-01 12:00:00+02")).isEqualTo(micros(wall.minusHours(2)));
    assertThat(text("2020-06-01 12:00:00-03:30:15")).isEqualTo(micros(wall.plusHours(3).plusMinutes(30).plusSeconds(15)));
  }

  @Test
  void anOffsetWithSecondsFromLocalMeanTimeIsHonoured() {
    // What Postgres prints for an 1850 timestamptz with TimeZone America/New_York.
    assertThat(text("1850-01-01 00:00:00-04:56:02"))
        .isEqualTo(micros(LocalDateTime.of(1850, 1, 1, 4, 56, 2)));
  }

  @Test
  void timestampWithoutTimeZoneIsReadAsUtcWallClock() {
    assertThat(PgTimestamp.fromText("2021-03-04 05:06:07", "timestamp"))
        .isEqualTo(micros(LocalDateTime.of(2021, 3, 4, 5, 6, 7)));
  }

  @Test
  void yearsBeforeTheEpochAreNegative() {
    assertThat(text("1969-12-31 23:59:59.999999+00")).isEqualTo(-1);
    assertThat(text("0001-01-01 00:00:00+00")).isEqualTo(micros(LocalDateTime.of(1, 1, 1, 0, 0)));
  }

  @Test
  void yearOneBcIsProlepticYearZero() {
    assertThat(text("0001-01-01 00:00:00 BC")).isEqualTo(micros(LocalDateTime.of(0, 1, 1, 0, 0)));
    assertThat(text("0044-03-15 12:00:00+00 BC")).isEqualTo(micros(LocalDateTime.of(-43, 3, 15, 12, 0)));
  }

  @Test
  void bcComesAfterTheOffset() {
    // 5 BC is proleptic year -4, a leap year.
    assertThat(text("0005-02-29 01:00:00+01 BC")).isEqualTo(micros(LocalDateTime.of(-4, 2, 29, 0, 0)));
  }

  @Test
  void bcBeforeTheOffsetIsAcceptedToo() {
    assertThat(text("0005-02-29 01:00:00 BC+01")).isEqualTo(text("0005-02-29 01:00:00+01 BC"));
  }

  @Test
  void theEarliestPostgresTimestampMatchesPostgresOwnConstant() {
    // MIN_TIMESTAMP in src/include/datatype/timestamp.h: -211813488000000000 µs from 2000-01-01.
    assertThat(text("4714-11-24 00:00:00+00 BC")).isEqualTo(-211_813_488_000_000_000L + 946_684_800_000_000L);
  }

  @Test
  void yearsWithMoreThanFourDigitsAreRead() {
    assertThat(text("10000-01-01 00:00:00+00")).isEqualTo(micros(LocalDateTime.of(10_000, 1, 1, 0, 0)));
    assertThat(text("294246-12-31 23:59:59.999999+00")).isEqualTo(micros(LocalDateTime.of(294_246, 12, 31, 23, 59, 59, 999_999_000)));
  }

  @Test
  void infinitiesArePostgresOwnInt64Infinities() {
    assertThat(text("infinity")).isEqualTo(Long.MAX_VALUE);
    assertThat(text("-infinity")).isEqualTo(Long.MIN_VALUE);
    assertThat(PgTimestamp.fromPgMicros(Long.MAX_VALUE, "timestamp")).isEqualTo(Long.MAX_VALUE);
    assertThat(PgTimestamp.fromPgMicros(Long.MIN_VALUE, "timestamp")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void theLastThirtyYearsOfPostgresRangeAreRejectedNotClamped() {
    // END_TIMESTAMP - 1 in Postgres: 294276-12-31 23:59:59.999999.
    assertThatThrownBy(() -> text("294276-12-31 23:59:59.999999+00")).isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("range");
    assertThatThrownBy(() -> PgTimestamp.fromPgMicros(9_223_371_331_199_999_999L, "timestamp"))
        .isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> PgTimestamp.fromPgMicros(Long.MAX_VALUE - 946_684_800_000_000L, "timestamp"))
        .as("a finite value that would land on the infinity").isInstanceOf(ValueFormatException.class);
  }

  @Test
  void aTSeparatorIsAcceptedToo() {
    assertThat(text("2020-01-02T03:04:05Z".replace("Z", "+00"))).isEqualTo(text("2020-01-02 03:04:05+00"));
  }

  @Test
  void malformedTextIsRejectedWithTheInputQuoted() {
    for (String bad : new String[] {"", "2020-01-02", "2020-1-02 00:00:00", "2020-02-30 00:00:00",
        "2020-01-02 24:00:00", "2020-01-02 00:60:00", "2020-01-02 00:00:00.1234567", "2020-01-02 00:00:00+5",
        "2020-01-02 00:00:00 AD", "2020-01-02 00:00:00+00 BC x", "2020-01-02 00:00:00 BC+00 BC", "Infinity", "0000-01-01 00:00:00"}) {
      assertThatThrownBy(() -> text(bad)).as(bad).isInstanceOf(ValueFormatException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
