package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.value.PgType;
import io.viewsync.core.value.ValueCodec;
import io.viewsync.core.value.ValueFormatException;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: for random storage values of every type, made by {@link ValueCodec} from random Postgres text (or
 * binary) forms, {@code decode(encode(v))} is {@code v} (−0.0 comes back as 0.0), also after the wire JSON was
 * written as text and parsed again; and every integral number on the wire is exactly a double. Seeded: the seed
 * is printed, {@code -Dviewsync.seed=N} replays it.
 */
class WirePropertyTest {

  private static final int CASES = 20_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long SEED = seed();
  private static final PgType MOOD = PgType.of(16_384, "mood", 'E', null);
  private static final String SPECIAL = "\"\\{},' \t\nNULL";

  /** A generator of one type's Postgres text form (null: SQL NULL). */
  private record Case(PgType type, Function<Random, String> text) {
    @Override
    public String toString() {
      return type.name();
    }
  }

  static Stream<Arguments> types() {
    List<Case> cases = new ArrayList<>(List.of(
        new Case(PgType.BOOL, r -> r.nextBoolean() ? "t" : "f"),
        new Case(PgType.INT2, r -> Long.toString((short) r.nextInt())),
        new Case(PgType.INT4, r -> Long.toString(r.nextInt() >> r.nextInt(32))),
        new Case(PgType.OID, r -> Long.toString(r.nextLong() >>> (32 + r.nextInt(32)))),
        new Case(PgType.INT8, WirePropertyTest::int8),
        new Case(PgType.FLOAT8, WirePropertyTest::float8),
        new Case(PgType.FLOAT4, WirePropertyTest::float4),
        new Case(PgType.NUMERIC, WirePropertyTest::numeric),
        new Case(PgType.MONEY, r -> (r.nextBoolean() ? "-" : "") + "$" + String.format("%,d", r.nextInt(1 << 30))
            + "." + String.format("%02d", r.nextInt(100))),
        new Case(PgType.TIMESTAMP, r -> timestamp(r, false)),
        new Case(PgType.TIMESTAMPTZ, r -> timestamp(r, true)),
        new Case(PgType.BYTEA, r -> "\\x" + HexFormat.of().formatHex(bytes(r))),
        new Case(PgType.TEXT, WirePropertyTest::text),
        new Case(PgType.VARCHAR, WirePropertyTest::text),
        new Case(PgType.BPCHAR, WirePropertyTest::text),
        new Case(MOOD, WirePropertyTest::text),
        new Case(PgType.UUID, r -> r.nextBoolean() ? UUID.randomUUID().toString()
            : new UUID(r.nextLong(), r.nextLong()).toString().toUpperCase()),
        new Case(PgType.JSONB, WirePropertyTest::json),
        new Case(PgType.INTERVAL, r -> r.nextInt(100) + " years " + -r.nextInt(40) + " days 0" + r.nextInt(10)
            + ":00:0" + r.nextInt(10) + "." + r.nextInt(1_000_000))));
    for (PgType array : new PgType[] {PgType.BOOL_ARRAY, PgType.INT2_ARRAY, PgType.INT4_ARRAY, PgType.INT8_ARRAY,
        PgType.OID_ARRAY, PgType.FLOAT4_ARRAY, PgType.FLOAT8_ARRAY, PgType.NUMERIC_ARRAY, PgType.TEXT_ARRAY,
        PgType.BYTEA_ARRAY, PgType.TIMESTAMPTZ_ARRAY, PgType.UUID_ARRAY, PgType.JSONB_ARRAY,
        PgType.arrayOf(16_385, MOOD), PgType.of(16_386, "_unknown", 'A', null)}) {
      Function<Random, String> element = array.element() == null ? WirePropertyTest::text
          : cases.stream().filter(c -> c.type().equals(array.element())).findFirst().orElseThrow().text();
      cases.add(new Case(array, r -> arrayLiteral(r, element)));
    }
    return cases.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void decodingTheEncodingGivesTheStorageValueBack(Case c) throws Exception {
    Random random = new Random(SEED ^ c.type().oid());
    for (int i = 0; i < CASES; i++) {
      String text = random.nextInt(50) == 0 ? null : c.text().apply(random);
      Object stored = storage(c.type(), text, random);
      Object expected = stored instanceof Double d && d == 0 ? 0.0 : stored; // -0.0 goes out as 0
      String what = String.format("seed %d, %s case %d: %s (stored %s)", SEED, c.type().name(), i, text, stored);

      JsonNode wire = WireValues.encode(c.type(), stored);
      assertThat(WireValuesTest.same(WireValues.decode(c.type(), wire), expected)).as(what).isTrue();
      String json = MAPPER.writeValueAsString(wire);
      JsonNode parsed = MAPPER.readTree(json);
      assertThat(WireValuesTest.same(WireValues.decode(c.type(), parsed), expected)).as(what + " via " + json).isTrue();
      assertOnlySafeIntegers(parsed, what + " → " + json);
    }
  }

  /** The storage value of a text form; timestamps also from random binary values, which reach every int64. */
  private static Object storage(PgType type, String text, Random r) {
    if (text != null && (type.equals(PgType.TIMESTAMP) || type.equals(PgType.TIMESTAMPTZ)) && r.nextInt(3) == 0) {
      while (true) {
        byte[] b = ByteBuffer.allocate(8).putLong(r.nextLong() >> r.nextInt(64)).array();
        try {
          return ValueCodec.fromBinary(type, b, 0, 8);
        } catch (ValueFormatException e) {
          // within 30 years of int64's ends: not a timestamp the replica can hold; draw again
        }
      }
    }
    return ValueCodec.fromText(type, text);
  }

  private static void assertOnlySafeIntegers(JsonNode node, String what) {
    if (node.isIntegralNumber()) {
      assertThat(node.canConvertToLong() && Math.abs(node.longValue()) <= WireValues.MAX_SAFE_INTEGER).as(what).isTrue();
    }
    node.forEach(child -> assertOnlySafeIntegers(child, what));
  }

  // ---- Postgres text forms

  private static String int8(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> Long.toString(r.nextLong());
      case 1 -> Long.toString((r.nextBoolean() ? 1 : -1) * (WireValues.MAX_SAFE_INTEGER + r.nextInt(5) - 2));
      case 2 -> Long.toString(r.nextBoolean() ? Long.MAX_VALUE - r.nextInt(3) : Long.MIN_VALUE + r.nextInt(3));
      default -> Long.toString(r.nextLong() >> r.nextInt(64));
    };
  }

  private static String float8(Random r) {
    double d = switch (r.nextInt(4)) {
      case 0 -> Double.longBitsToDouble(r.nextLong()); // everything, NaNs and subnormals included
      case 1 -> new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
          Double.MIN_VALUE, Double.MAX_VALUE, 0x1p53, 0x1p53 + 2, 1e21, 1e-7}[r.nextInt(11)];
      case 2 -> (r.nextLong() >> r.nextInt(64)) / Math.pow(10, r.nextInt(10));
      default -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
    };
    return Double.toString(d);
  }

  private static String float4(Random r) {
    float f = r.nextBoolean() ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * r.nextInt(1000));
    return Float.toString(f);
  }

  private static String numeric(Random r) {
    if (r.nextInt(20) == 0) {
      return new String[] {"NaN", "Infinity", "-Infinity"}[r.nextInt(3)];
    }
    StringBuilder b = new StringBuilder(r.nextBoolean() ? "-" : "");
    b.append(r.nextInt(10) == 0 ? "0" : Integer.toString(1 + r.nextInt(9)));
    for (int n = r.nextInt(r.nextBoolean() ? 5 : 60); n > 0; n--) {
      b.append(r.nextInt(10));
    }
    int scale = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(30);
    if (scale > 0) {
      b.append('.');
      for (int n = 0; n < scale; n++) {
        b.append(r.nextInt(4) == 0 ? 0 : r.nextInt(10)); // trailing zeros too: the scale is kept
      }
    }
    return b.toString();
  }

  /** ISO DateStyle text from year 1 BC-ish to 9999 AD, offset with seconds sometimes. */
  private static String timestamp(Random r, boolean withOffset) {
    if (r.nextInt(30) == 0) {
      return r.nextBoolean() ? "infinity" : "-infinity";
    }
    long second = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC)
        + (long) (r.nextDouble() * 315_537_897_599L);
    LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    String s = String.format("%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
        t.getHour(), t.getMinute(), t.getSecond());
    if (r.nextBoolean()) {
      s += "." + (1 + r.nextInt(999_999));
    }
    if (withOffset) {
      int off = r.nextInt(15 * 3600) * (r.nextBoolean() ? 1 : -1);
      int a = Math.abs(off);
      s += (off < 0 ? "-" : "+") + String.format("%02d:%02d:%02d", a / 3600, a / 60 % 60, a % 60);
    }
    boolean leapDay = t.getMonthValue() == 2 && t.getDayOfMonth() == 29; // the same year BC may not have one
    return r.nextInt(20) == 0 && !leapDay ? s + " BC" : s;
  }

  private static byte[] bytes(Random r) {
    byte[] b = new byte[r.nextInt(5) == 0 ? 0 : r.nextInt(40)];
    r.nextBytes(b);
    return b;
  }

  /** Any Unicode text Postgres can hold (no NUL): ASCII, controls, quotes, backslashes, astral planes. */
  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(r.nextBoolean() ? 4 : 30); n > 0; n--) {
      int cp = switch (r.nextInt(6)) {
        case 0 -> 1 + r.nextInt(0x7f);
        case 1 -> SPECIAL.charAt(r.nextInt(SPECIAL.length()));
        case 2 -> 0x80 + r.nextInt(0xd800 - 0x80);
        case 3 -> 0xe000 + r.nextInt(0x10000 - 0xe000);
        case 4 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
        default -> 'a' + r.nextInt(26);
      };
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  /** JSON text with numbers no double holds (they must stay text). */
  private static String json(Random r) {
    return "{\"n\": " + int8(r) + "9" + r.nextInt(1000) + ", \"f\": " + numeric(r).replace("NaN", "1")
        .replace("-Infinity", "2").replace("Infinity", "3") + ", \"s\": \"" + r.nextInt() + "\\u00e9\", \"a\": [true, null]}";
  }

  /** A 1-D or 2-D array literal with NULLs, every element quoted (array_in accepts that for any type). */
  private static String arrayLiteral(Random r, Function<Random, String> element) {
    int dims = r.nextInt(4) == 0 ? 2 : 1;
    int rows = r.nextInt(dims == 2 ? 4 : 1) + 1;
    int cols = r.nextInt(6);
    if (dims == 2 && cols == 0) {
      cols = 1;
    }
    StringBuilder b = new StringBuilder();
    if (dims == 2) {
      b.append('{');
    }
    for (int i = 0; i < rows; i++) {
      b.append(i > 0 ? ",{" : "{");
      for (int j = 0; j < cols; j++) {
        if (j > 0) {
          b.append(',');
        }
        if (r.nextInt(6) == 0) {
          b.append("NULL");
        } else {
          b.append('"').append(element.apply(r).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
      }
      b.append('}');
    }
    if (dims == 2) {
      b.append('}');
    }
    return b.toString();
  }

  /** -Dviewsync.seed=N replays a run; else a fresh seed, printed. */
  private static long seed() {
    String s = System.getProperty("viewsync.seed");
    long seed = s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s);
    System.out.println("WirePropertyTest seed: " + seed + " (replay with -Dviewsync.seed=" + seed + ")");
    return seed;
  }
}
