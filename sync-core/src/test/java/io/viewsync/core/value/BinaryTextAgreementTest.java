package io.viewsync.core.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * For many random values, the binary COPY form and the pgoutput text form of the same upstream value
 * must store the same value, and that value must be the one computed independently here.
 */
class BinaryTextAgreementTest {

  private static final int N = 20_000;
  /** Postgres' earliest timestamp, 4714-11-24 00:00 BC, as Unix µs (MIN_TIMESTAMP + the epoch shift). */
  private static final long MIN_UNIX = -211_813_488_000_000_000L + PgTimestamp.PG_EPOCH_OFFSET_MICROS;
  /** The last Unix µs that fits an int64 below the infinity. */
  private static final long MAX_UNIX = Long.MAX_VALUE - 1;
  /** 0001-01-01 00:00 as Unix µs; everything before it is BC. */
  private static final long YEAR_1_AD = -62_135_596_800_000_000L;

  private final Random random = new Random(20_240_229L);

  private static void assertAgree(PgType type, String text, byte[] binary, Object expected) {
    Object fromText = ValueCodec.fromText(type, text);
    Object fromBinary = ValueCodec.fromBinary(type, binary, 0, binary.length);
    if (expected instanceof byte[] bytes) {
      assertThat((byte[]) fromText).as(text).isEqualTo(bytes);
      assertThat((byte[]) fromBinary).as(text).isEqualTo(bytes);
    } else {
      assertThat(fromText).as("%s from text %s", type, text).isEqualTo(expected);
      assertThat(fromBinary).as("%s from binary of %s", type, text).isEqualTo(expected);
    }
  }

  private static Object expectedFloat(double d) {
    return Double.isNaN(d) ? "NaN" : d == Double.POSITIVE_INFINITY ? "Infinity" : d == Double.NEGATIVE_INFINITY ? "-Infinity" : d;
  }

  @Test
  void integersAgree() {
    for (short s : new short[] {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE}) {
      assertAgree(PgType.INT2, Short.toString(s), PgBinary.int2(s), (long) s);
    }
    for (int i = 0; i < N; i++) {
      short s = (short) random.nextInt();
      int v = random.nextInt();
      long l = random.nextLong() >> random.nextInt(64);
      assertAgree(PgType.INT2, Short.toString(s), PgBinary.int2(s), (long) s);
      assertAgree(PgType.INT4, Integer.toString(v), PgBinary.int4(v), (long) v);
      assertAgree(PgType.INT8, Long.toString(l), PgBinary.int8(l), l);
    }
    assertAgree(PgType.INT8, Long.toString(Long.MIN_VALUE), PgBinary.int8(Long.MIN_VALUE), Long.MIN_VALUE);
    assertAgree(PgType.INT8, Long.toString(Long.MAX_VALUE), PgBinary.int8(Long.MAX_VALUE), Long.MAX_VALUE);
  }

  @Test
  void booleansAgree() {
    assertAgree(PgType.BOOL, "t", PgBinary.bool(true), 1L);
    assertAgree(PgType.BOOL, "f", PgBinary.bool(false), 0L);
  }

  @Test
  void float8AgreesForRandomBitsSpecialsAndSubnormals() {
    double[] specials = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, 1e15, 1e14, 1e-5, 1e-4, 123.456,
        1e22, 1e23, 9007199254740993.0, 2.2250738585072011e-308};
    for (double d : specials) {
      assertAgree(PgType.FLOAT8, PgTextForms.float8(d), PgBinary.float8(d), expectedFloat(d));
    }
    for (int i = 0; i < N; i++) {
      long bits = random.nextLong();
      if (i % 4 == 0) {
        bits &= 0x800F_FFFF_FFFF_FFFFL; // subnormal (or zero)
      }
      double d = Double.longBitsToDouble(bits);
      assertAgree(PgType.FLOAT8, PgTextForms.float8(d), PgBinary.float8Bits(bits), expectedFloat(d));
      double human = Math.round(random.nextGaussian() * 1e6) / 1000.0;
      assertAgree(PgType.FLOAT8, PgTextForms.float8(human), PgBinary.float8(human), human);
    }
  }

  @Test
  void float4AgreesForRandomBitsSpecialsAndSubnormals() {
    float[] specials = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.1f, 1.1f, 1e6f, 1e5f, 16777217f};
    for (float f : specials) {
      assertAgree(PgType.FLOAT4, PgTextForms.float4(f), PgBinary.float4(f), expectedFloat(f));
    }
    for (int i = 0; i < N; i++) {
      int bits = random.nextInt();
      if (i % 4 == 0) {
        bits &= 0x807F_FFFF; // subnormal (or zero)
      }
      float f = Float.intBitsToFloat(bits);
      assertAgree(PgType.FLOAT4, PgTextForms.float4(f), PgBinary.float4Bits(bits), expectedFloat(f));
    }
  }

  @Test
  void timestampsAgreeAcrossEraOffsetsAndFractions() {
    long[] specials = {0, -1, 1, MIN_UNIX, MAX_UNIX, Long.MAX_VALUE, Long.MIN_VALUE,
        PgTimestamp.PG_EPOCH_OFFSET_MICROS, YEAR_1_AD, YEAR_1_AD - 1 /* the last µs of 1 BC */, 253_402_300_800_000_000L /* 10000-01-01 */};
    for (long unix : specials) {
      assertTimestampAgrees(unix, 0);
    }
    for (int i = 0; i < N; i++) {
      long unix = switch (i % 3) {
        case 0 -> MIN_UNIX + (long) (random.nextDouble() * ((double) MAX_UNIX - MIN_UNIX)); // all eras
        case 1 -> MIN_UNIX + Math.floorMod(random.nextLong(), YEAR_1_AD - MIN_UNIX); // BC
        default -> random.nextLong() % 4_000_000_000_000_000L; // around today, 1843 to 2096
      };
      unix = Math.min(Math.max(unix, MIN_UNIX), MAX_UNIX);
      if (random.nextBoolean()) {
        unix -= Math.floorMod(unix, 1_000_000L) % (long) Math.pow(10, random.nextInt(7)); // fewer fraction digits
      }
      int offset = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> (random.nextInt(31) - 15) * 3600;
        case 2 -> (random.nextInt(63) - 31) * 1800;
        default -> random.nextInt(2 * 57_599 + 1) - 57_599; // up to ±15:59:59, with seconds
      };
      assertTimestampAgrees(unix, offset);
    }
  }

  private static void assertTimestampAgrees(long unix, int offset) {
    long pg = unix == Long.MAX_VALUE || unix == Long.MIN_VALUE ? unix : unix - PgTimestamp.PG_EPOCH_OFFSET_MICROS;
    if (unix <= MAX_UNIX - 16L * 3600 * 1_000_000 || offset <= 0) { // the wall clock must stay in range too
      assertAgree(PgType.TIMESTAMPTZ, PgTextForms.timestamp(unix, offset, true), PgBinary.timestamp(pg), unix);
    }
    assertAgree(PgType.TIMESTAMP, PgTextForms.timestamp(unix, 0, false), PgBinary.timestamp(pg), unix);
  }

  @Test
  void uuidsAgree() {
    for (int i = 0; i < N; i++) {
      UUID u = new UUID(random.nextLong(), random.nextLong());
      String text = u.toString();
      assertAgree(PgType.UUID, i % 2 == 0 ? text : text.toUpperCase(), PgBinary.uuid(u), text);
    }
  }

  @Test
  void textAgreesForRandomUnicode() {
    for (int i = 0; i < N / 4; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(20);
      for (int k = 0; k < n; k++) {
        int cp;
        do {
          cp = 1 + random.nextInt(i % 2 == 0 ? 0x7f : 0x10ffff);
        } while (cp >= 0xd800 && cp <= 0xdfff);
        b.appendCodePoint(cp);
      }
      String s = b.toString();
      for (PgType t : new PgType[] {PgType.TEXT, PgType.VARCHAR, PgType.BPCHAR, PgType.NAME}) {
        assertAgree(t, s, s.getBytes(StandardCharsets.UTF_8), s);
      }
    }
  }

  @Test
  void byteaAgrees() {
    for (int i = 0; i < N / 4; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      assertAgree(PgType.BYTEA, "\\x" + HexFormat.of().formatHex(bytes), bytes, bytes);
    }
  }
}
