package io.viewsync.core.value;

import static io.viewsync.core.value.ValueCodec.fromText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ValueCodecTextTest {

  @Test
  void sqlNullIsNullForEveryType() {
    for (PgType t : new PgType[] {PgType.BOOL, PgType.INT4, PgType.FLOAT8, PgType.BYTEA, PgType.TIMESTAMPTZ,
        PgType.NUMERIC, PgType.TEXT, PgType.INT4_ARRAY}) {
      assertThat(fromText(t, null)).as(t.name()).isNull();
    }
  }

  @Test
  void booleansAreOneAndZero() {
    assertThat(fromText(PgType.BOOL, "t")).isEqualTo(1L);
    assertThat(fromText(PgType.BOOL, "f")).isEqualTo(0L);
    assertThatThrownBy(() -> fromText(PgType.BOOL, "yes")).isInstanceOf(ValueFormatException.class);
  }

  @Test
  void integersAreLongsIncludingTheExtremes() {
    assertThat(fromText(PgType.INT2, "-32768")).isEqualTo(-32_768L);
    assertThat(fromText(PgType.INT4, "2147483647")).isEqualTo(2_147_483_647L);
    assertThat(fromText(PgType.INT8, "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(fromText(PgType.OID, "4294967295")).isEqualTo(4_294_967_295L);
  }

  @Test
  void malformedIntegersAreRejected() {
    assertThatThrownBy(() -> fromText(PgType.INT4, "1.5")).isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("int4");
    assertThatThrownBy(() -> fromText(PgType.INT8, "9223372036854775808")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> fromText(PgType.INT2, "")).isInstanceOf(ValueFormatException.class);
  }

  @Test
  void float8IsTheDoubleItsShortestTextNames() {
    assertThat(fromText(PgType.FLOAT8, "0.1")).isEqualTo(0.1);
    assertThat(fromText(PgType.FLOAT8, "1e+100")).isEqualTo(1e100);
    assertThat(fromText(PgType.FLOAT8, "5e-324")).isEqualTo(Double.MIN_VALUE);
    assertThat(fromText(PgType.FLOAT8, "1.7976931348623157e+308")).isEqualTo(Double.MAX_VALUE);
  }

  @Test
  void float4IsRoundedToFloatThenWidened() {
    assertThat(fromText(PgType.FLOAT4, "1.1")).isEqualTo((double) 1.1f).isNotEqualTo(1.1);
    assertThat(fromText(PgType.FLOAT4, "1e-45")).isEqualTo((double) Float.MIN_VALUE);
    assertThat(fromText(PgType.FLOAT4, "3.4028235e+38")).isEqualTo((double) Float.MAX_VALUE);
  }

  @Test
  void nonFiniteFloatsAreKeptAsPostgresSpellsThem() {
    for (PgType t : new PgType[] {PgType.FLOAT4, PgType.FLOAT8}) {
      assertThat(fromText(t, "NaN")).isEqualTo("NaN");
      assertThat(fromText(t, "Infinity")).isEqualTo("Infinity");
      assertThat(fromText(t, "-Infinity")).isEqualTo("-Infinity");
    }
  }

  @Test
  void negativeZeroStaysNegativeZero() {
    assertThat(fromText(PgType.FLOAT8, "-0")).isEqualTo(-0.0).isNotEqualTo(0.0);
    assertThat(fromText(PgType.FLOAT4, "-0")).isEqualTo(-0.0);
  }

  @Test
  void floatTextJavaWouldAcceptButPostgresNeverWritesIsRejected() {
    for (String bad : new String[] {"1d", "1f", "0x1p3", " 1", "nan", "inf", ""}) {
      assertThatThrownBy(() -> fromText(PgType.FLOAT8, bad)).as(bad).isInstanceOf(ValueFormatException.class);
    }
  }

  @Test
  void numericIsKeptExactlyWithItsScale() {
    assertThat(fromText(PgType.NUMERIC, "1.10")).isEqualTo("1.10");
    assertThat(fromText(PgType.NUMERIC, "123456789012345678901234567890.000000001"))
        .isEqualTo("123456789012345678901234567890.000000001");
    assertThat(fromText(PgType.NUMERIC, "NaN")).isEqualTo("NaN");
    assertThat(fromText(PgType.NUMERIC, "-Infinity")).isEqualTo("-Infinity");
  }

  @Test
  void stringLikeAndOtherTypesKeepTheirTextForm() {
    assertThat(fromText(PgType.TEXT, "héllo 🐛")).isEqualTo("héllo 🐛");
    assertThat(fromText(PgType.BPCHAR, "ab   ")).isEqualTo("ab   ");
    assertThat(fromText(PgType.JSONB, "{\"a\": [1, 2.50]}")).isEqualTo("{\"a\": [1, 2.50]}");
    assertThat(fromText(PgType.DATE, "0044-03-15 BC")).isEqualTo("0044-03-15 BC");
    assertThat(fromText(PgType.INTERVAL, "1 year 2 mons -3 days 04:05:06.7")).isEqualTo("1 year 2 mons -3 days 04:05:06.7");
    assertThat(fromText(PgType.TIMETZ, "12:00:00+05:30")).isEqualTo("12:00:00+05:30");
    assertThat(fromText(PgType.of(16_384, "mood", 'E', null), "happy")).isEqualTo("happy");
    assertThat(fromText(PgType.of(16_390, "pair", 'C', null), "(1,\"a b\")")).isEqualTo("(1,\"a b\")");
  }

  @Test
  void uuidIsLowerCasedDefensively() {
    assertThat(fromText(PgType.UUID, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
        .isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  }

  @Test
  void byteaHexIsBytes() {
    assertThat((byte[]) fromText(PgType.BYTEA, "\\x00ff")).containsExactly(0x00, 0xff);
  }

  @Test
  void timestampsAreUnixMicrosecondsInUtc() {
    long expected = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.of(2024, 2, 29, 22, 30, 0, 250_000_000));
    assertThat(fromText(PgType.TIMESTAMPTZ, "2024-03-01 04:00:00.25+05:30")).isEqualTo(expected);
    assertThat(fromText(PgType.TIMESTAMP, "2024-02-29 22:30:00.25")).isEqualTo(expected);
    assertThat(fromText(PgType.TIMESTAMPTZ, "infinity")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void vectorTypesKeepTheirSpaceSeparatedText() {
    assertThat(fromText(PgType.INT2VECTOR, "1 2 3")).isEqualTo("1 2 3");
  }
}
