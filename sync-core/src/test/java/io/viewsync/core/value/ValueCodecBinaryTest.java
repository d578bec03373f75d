package io.viewsync.core.value;

import static io.viewsync.core.value.ValueCodec.fromBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValueCodecBinaryTest {

  private static Object decode(PgType type, byte[] value) {
    return fromBinary(type, value, 0, value.length);
  }

  @Test
  void onlyTypesWithATrivialBinaryFormAreDecoded() {
    for (PgType t : new PgType[] {PgType.BOOL, PgType.INT2, PgType.INT4, PgType.INT8, PgType.FLOAT4, PgType.FLOAT8,
        PgType.BYTEA, PgType.TIMESTAMP, PgType.TIMESTAMPTZ, PgType.UUID, PgType.TEXT, PgType.VARCHAR,
        PgType.BPCHAR, PgType.NAME}) {
      assertThat(ValueCodec.decodesBinary(t)).as(t.name()).isTrue();
    }
    for (PgType t : new PgType[] {PgType.NUMERIC, PgType.OID, PgType.JSON, PgType.JSONB, PgType.DATE, PgType.TIME,
        PgType.INTERVAL, PgType.TIMETZ, PgType.INT4_ARRAY, PgType.TEXT_ARRAY, PgType.INT2VECTOR,
        PgType.of(16_384, "mood", 'E', null), PgType.of(16_400, "citext", 'S', null)}) {
      assertThat(ValueCodec.decodesBinary(t)).as(t.name()).isFalse();
    }
  }

  @Test
  void aTypeWithoutBinaryDecodingIsRefusedRatherThanGuessed() {
    assertThatThrownBy(() -> decode(PgType.NUMERIC, new byte[8])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cast it to text");
  }

  @Test
  void copysNullLengthIsNull() {
    assertThat(fromBinary(PgType.INT4, new byte[0], 0, -1)).isNull();
    assertThat(ValueCodec.fromCopyField(PgType.NUMERIC, new byte[0], 0, -1)).isNull();
  }

  @Test
  void fixedSizeValuesOfTheWrongLengthAreRejected() {
    assertThatThrownBy(() -> decode(PgType.INT4, new byte[8])).isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("expected 4 bytes, got 8");
    assertThatThrownBy(() -> decode(PgType.UUID, new byte[15])).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> decode(PgType.BOOL, new byte[0])).isInstanceOf(ValueFormatException.class);
  }

  @Test
  void integersAreBigEndianAndSignExtended() {
    assertThat(decode(PgType.INT2, PgBinary.int2((short) -2))).isEqualTo(-2L);
    assertThat(decode(PgType.INT4, new byte[] {0x01, 0x02, 0x03, 0x04})).isEqualTo(0x01020304L);
    assertThat(decode(PgType.INT8, PgBinary.int8(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void booleansAreOneAndZero() {
    assertThat(decode(PgType.BOOL, PgBinary.bool(true))).isEqualTo(1L);
    assertThat(decode(PgType.BOOL, PgBinary.bool(false))).isEqualTo(0L);
  }

  @Test
  void floatsFollowTheTextRulesForNonFiniteValues() {
    assertThat(decode(PgType.FLOAT8, PgBinary.float8(Double.NaN))).isEqualTo("NaN");
    assertThat(decode(PgType.FLOAT8, PgBinary.float8Bits(0x7ff0000000000123L))).as("NaN payload").isEqualTo("NaN");
    assertThat(decode(PgType.FLOAT4, PgBinary.float4(Float.NEGATIVE_INFINITY))).isEqualTo("-Infinity");
    assertThat(decode(PgType.FLOAT4, PgBinary.float4(1.1f))).isEqualTo((double) 1.1f);
    assertThat(decode(PgType.FLOAT8, PgBinary.float8(-0.0))).isEqualTo(-0.0);
  }

  @Test
  void timestampsMoveFromThePostgresEpochToTheUnixEpoch() {
    assertThat(decode(PgType.TIMESTAMPTZ, PgBinary.timestamp(0))).isEqualTo(946_684_800_000_000L);
    assertThat(decode(PgType.TIMESTAMP, PgBinary.timestamp(-946_684_800_000_000L))).isEqualTo(0L);
    assertThat(decode(PgType.TIMESTAMP, PgBinary.timestamp(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(decode(PgType.TIMESTAMPTZ, PgBinary.timestamp(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void uuidIsCanonicalLowerCase() {
    UUID u = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(decode(PgType.UUID, PgBinary.uuid(u))).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  }

  @Test
  void textLikeValuesAreUtf8() {
    assertThat(decode(PgType.VARCHAR, PgBinary.text("fünf 🐛"))).isEqualTo("fünf 🐛");
    assertThat(decode(PgType.BPCHAR, PgBinary.text("ab  "))).isEqualTo("ab  ");
    assertThat(decode(PgType.TEXT, new byte[0])).isEqualTo("");
  }

  @Test
  void onlyTheGivenSliceOfTheBufferIsRead() {
    byte[] buf = {9, 9, 0, 0, 0, 7, 9, 9};
    assertThat(fromBinary(PgType.INT4, buf, 2, 4)).isEqualTo(7L);
    assertThat((byte[]) fromBinary(PgType.BYTEA, buf, 1, 3)).containsExactly(9, 0, 0);
    byte[] u = new byte[20];
    System.arraycopy(PgBinary.uuid(new UUID(0x0123456789abcdefL, 0xfedcba9876543210L)), 0, u, 3, 16);
    assertThat(fromBinary(PgType.UUID, u, 3, 16)).isEqualTo("01234567-89ab-cdef-fedc-ba9876543210");
  }

  @Test
  void aCopyFieldOfATextCastColumnGoesThroughTheTextRules() {
    byte[] numeric = PgBinary.text("1.50");
    assertThat(ValueCodec.fromCopyField(PgType.NUMERIC, numeric, 0, numeric.length)).isEqualTo("1.50");
    byte[] array = PgBinary.text("{1,NULL}");
    assertThat(ValueCodec.fromCopyField(PgType.INT4_ARRAY, array, 0, array.length)).isEqualTo("[1,null]");
    byte[] oid = PgBinary.text("4294967295");
    assertThat(ValueCodec.fromCopyField(PgType.OID, oid, 0, oid.length)).isEqualTo(4_294_967_295L);
    assertThat(ValueCodec.fromCopyField(PgType.INT4, PgBinary.int4(5), 0, 4)).isEqualTo(5L);
  }
}
