package io.viewsync.core.protocol;

import static io.viewsync.core.protocol.WireValues.decode;
import static io.viewsync.core.protocol.WireValues.encode;
import static io.viewsync.core.protocol.WireValues.encoding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.value.PgType;
import io.viewsync.core.value.ValueCodec;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Edge cases of the protocol v1 value encoding, type by type: storage value ↔ exact wire JSON text. */
class WireValuesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final PgType MOOD = PgType.of(16_384, "mood", 'E', null);
  private static final PgType CITEXT = PgType.of(16_500, "citext", 'S', null);
  private static final long SAFE = (1L << 53) - 1;

  /** type, storage value, the wire JSON as Jackson writes it, the storage value decoding gives back. */
  static Stream<Arguments> edges() {
    return Stream.of(
        edge(PgType.BOOL, 1L, "true"),
        edge(PgType.BOOL, 0L, "false"),
        edge(PgType.INT2, -32_768L, "-32768"),
        edge(PgType.INT4, 2_147_483_647L, "2147483647"),
        edge(PgType.OID, 4_294_967_295L, "4294967295"),
        edge(PgType.INT8, SAFE, "9007199254740991"),
        edge(PgType.INT8, -SAFE, "-9007199254740991"),
        edge(PgType.INT8, SAFE + 1, "\"9007199254740992\""),
        edge(PgType.INT8, -SAFE - 1, "\"-9007199254740992\""),
        edge(PgType.INT8, Long.MAX_VALUE, "\"9223372036854775807\""),
        edge(PgType.INT8, Long.MIN_VALUE, "\"-9223372036854775808\""),
        edge(PgType.INT8, 0L, "0"),
        edge(PgType.FLOAT8, 0.1, "0.1"),
        edge(PgType.FLOAT8, Double.MIN_VALUE, "4.9E-324"),
        edge(PgType.FLOAT8, -Double.MAX_VALUE, "-1.7976931348623157E308"),
        edge(PgType.FLOAT8, 1e22, "1.0E22"),
        edge(PgType.FLOAT8, -0.0, "0.0", 0.0),
        edge(PgType.FLOAT4, -0.0, "0.0", 0.0),
        edge(PgType.FLOAT4, (double) 1.1f, "1.100000023841858"),
        edge(PgType.FLOAT8, "NaN", "\"NaN\""),
        edge(PgType.FLOAT8, "Infinity", "\"Infinity\""),
        edge(PgType.FLOAT4, "-Infinity", "\"-Infinity\""),
        edge(PgType.NUMERIC, "1.50", "\"1.50\""),
        edge(PgType.NUMERIC, "-0.000000000000000000001", "\"-0.000000000000000000001\""),
        edge(PgType.NUMERIC, "1" + "0".repeat(130) + ".5", "\"1" + "0".repeat(130) + ".5\""),
        edge(PgType.NUMERIC, "NaN", "\"NaN\""),
        edge(PgType.MONEY, "-$1,234.56", "\"-$1,234.56\""),
        edge(PgType.TIMESTAMPTZ, 0L, "0"),
        edge(PgType.TIMESTAMPTZ, ts("1969-12-31 23:59:59.999999+00"), "-1"),
        edge(PgType.TIMESTAMP, ts("2024-02-29 22:30:00.000001"), "1709245800000001"),
        edge(PgType.TIMESTAMPTZ, ts("2255-06-05 23:47:34.740991+00"), "9007199254740991"),
        edge(PgType.TIMESTAMPTZ, ts("2255-06-05 23:47:34.740992+00"), "\"9007199254740992\""),
        edge(PgType.TIMESTAMPTZ, -SAFE, "-9007199254740991"),
        edge(PgType.TIMESTAMPTZ, -SAFE - 1, "\"-9007199254740992\""),
        edge(PgType.TIMESTAMP, ts("0044-03-15 12:00:00 BC"), "\"" + ChronoUnit.MICROS.between(
            LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.of(-43, 3, 15, 12, 0)) + "\""),
        edge(PgType.TIMESTAMPTZ, ts("infinity"), "\"9223372036854775807\""),
        edge(PgType.TIMESTAMPTZ, ts("-infinity"), "\"-9223372036854775808\""),
        edge(PgType.BYTEA, new byte[0], "\"\""),
        edge(PgType.BYTEA, new byte[] {0, -1, -128, 10}, "\"AP+ACg==\""),
        edge(PgType.TEXT, "", "\"\""),
        edge(PgType.TEXT, "héllo 😀 \"q\" \\ \t\u0001", "\"héllo 😀 \\\"q\\\" \\\\ \\t\\u0001\""),
        edge(CITEXT, "Ab", "\"Ab\""),
        edge(MOOD, "happy", "\"happy\""),
        edge(PgType.BPCHAR, "ab   ", "\"ab   \""),
        edge(PgType.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
        edge(PgType.DATE, "0044-03-15 BC", "\"0044-03-15 BC\""),
        edge(PgType.INTERVAL, "1 year -3 days 04:05:06.7", "\"1 year -3 days 04:05:06.7\""),
        edge(PgType.JSONB, "{\"n\": 123456789012345678901234567890, \"f\": 0.10000000000000000001}",
            "\"{\\\"n\\\": 123456789012345678901234567890, \\\"f\\\": 0.10000000000000000001}\""),
        edge(PgType.INT2VECTOR, "1 2 3", "\"1 2 3\""),
        edge(PgType.INT4_ARRAY, arr(PgType.INT4_ARRAY, "{1,NULL,-3}"), "[1,null,-3]"),
        edge(PgType.INT4_ARRAY, arr(PgType.INT4_ARRAY, "{}"), "[]"),
        edge(PgType.INT4_ARRAY, arr(PgType.INT4_ARRAY, "{{1,2},{3,NULL}}"), "[[1,2],[3,null]]"),
        edge(PgType.INT8_ARRAY, arr(PgType.INT8_ARRAY, "{9007199254740991,9007199254740992,-9223372036854775808}"),
            "[9007199254740991,\"9007199254740992\",\"-9223372036854775808\"]"),
        edge(PgType.BOOL_ARRAY, arr(PgType.BOOL_ARRAY, "{t,NULL,f}"), "[true,null,false]"),
        edge(PgType.NUMERIC_ARRAY, arr(PgType.NUMERIC_ARRAY, "{1.50,NaN,NULL,123456789012345678901234567890.1}"),
            "[\"1.50\",\"NaN\",null,\"123456789012345678901234567890.1\"]"),
        edge(PgType.FLOAT8_ARRAY, arr(PgType.FLOAT8_ARRAY, "{0.1,-0,1e+100,NaN,-Infinity}"),
            "[\"0.1\",\"-0\",\"1e+100\",\"NaN\",\"-Infinity\"]"),
        edge(PgType.TEXT_ARRAY, arr(PgType.TEXT_ARRAY, "{\"a b\",NULL,\"NULL\",\"\\\\\",😀}"),
            "[\"a b\",null,\"NULL\",\"\\\\\",\"😀\"]"),
        edge(PgType.TIMESTAMPTZ_ARRAY, arr(PgType.TIMESTAMPTZ_ARRAY, "{\"2020-01-01 00:00:00+00\",infinity}"),
            "[\"2020-01-01 00:00:00+00\",\"infinity\"]"),
        edge(PgType.BYTEA_ARRAY, arr(PgType.BYTEA_ARRAY, "{\"\\\\x00ff\"}"), "[\"\\\\x00ff\"]"),
        edge(PgType.OID_ARRAY, arr(PgType.OID_ARRAY, "{1,4294967295}"), "[\"1\",\"4294967295\"]"),
        edge(PgType.of(16_385, "_mood", 'A', null), arr(PgType.of(16_385, "_mood", 'A', null), "{{sad,happy}}"),
            "[[\"sad\",\"happy\"]]"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("edges")
  void encodesToExactlyThisJsonAndBack(PgType type, Object stored, String wireJson, Object decoded) throws Exception {
    JsonNode wire = encode(type, stored);
    assertThat(MAPPER.writeValueAsString(wire)).isEqualTo(wireJson);
    assertThat(same(decode(type, wire), decoded)).as("decode(encode(%s))", stored).isTrue();
    assertThat(same(decode(type, MAPPER.readTree(wireJson)), decoded)).as("decode(parse(%s))", wireJson).isTrue();
  }

  @Test
  void sqlNullIsJsonNullForEveryType() {
    for (PgType t : new PgType[] {PgType.BOOL, PgType.INT8, PgType.FLOAT8, PgType.BYTEA, PgType.TIMESTAMPTZ,
        PgType.NUMERIC, PgType.TEXT, PgType.INT4_ARRAY}) {
      assertThat(encode(t, null).isNull()).as(t.name()).isTrue();
      assertThat(decode(t, MAPPER.nullNode())).as(t.name()).isNull();
    }
  }

  @Test
  void encodingNamesForTheConnectedSchema() {
    Map<PgType, String> expected = new LinkedHashMap<>();
    expected.put(PgType.BOOL, "boolean");
    expected.put(PgType.INT2, "number");
    expected.put(PgType.INT4, "number");
    expected.put(PgType.OID, "number");
    expected.put(PgType.INT8, "int64");
    expected.put(PgType.FLOAT4, "float");
    expected.put(PgType.FLOAT8, "float");
    expected.put(PgType.NUMERIC, "decimal-string");
    expected.put(PgType.MONEY, "string");
    expected.put(PgType.TIMESTAMP, "micros");
    expected.put(PgType.TIMESTAMPTZ, "micros");
    expected.put(PgType.BYTEA, "base64");
    expected.put(PgType.DATE, "string");
    expected.put(PgType.UUID, "string");
    expected.put(PgType.JSONB, "string");
    expected.put(MOOD, "string");
    expected.put(PgType.INT2VECTOR, "string");
    expected.put(PgType.INT4_ARRAY, "array<number>");
    expected.put(PgType.INT8_ARRAY, "array<int64>");
    expected.put(PgType.BOOL_ARRAY, "array<boolean>");
    expected.put(PgType.NUMERIC_ARRAY, "array<decimal-string>");
    expected.put(PgType.FLOAT8_ARRAY, "array<decimal-string>");
    expected.put(PgType.TIMESTAMPTZ_ARRAY, "array<string>");
    expected.put(PgType.BYTEA_ARRAY, "array<string>");
    expected.put(PgType.OID_ARRAY, "array<string>");
    expected.put(PgType.of(16_385, "_mood", 'A', null), "array<string>");
    expected.forEach((t, e) -> assertThat(encoding(t)).as(t.name()).isEqualTo(e));
  }

  /** A user type named like a builtin is not that builtin: the oid decides. */
  @Test
  void aUserTypeCalledInt8IsAString() {
    PgType fake = PgType.of(16_600, "int8", 'U', null);
    assertThat(encoding(fake)).isEqualTo("string");
    assertThat(encode(fake, "x").textValue()).isEqualTo("x");
  }

  static Stream<Arguments> badWire() {
    return Stream.of(
        Arguments.of(PgType.BOOL, "1"),
        Arguments.of(PgType.BOOL, "\"t\""),
        Arguments.of(PgType.INT2, "32768"),
        Arguments.of(PgType.INT4, "1.5"),
        Arguments.of(PgType.INT4, "\"1\""),
        Arguments.of(PgType.OID, "-1"),
        Arguments.of(PgType.INT8, "\"9223372036854775808\""),
        Arguments.of(PgType.INT8, "9223372036854775808"),
        Arguments.of(PgType.INT8, "\"+1\""),
        Arguments.of(PgType.INT8, "\"007\""),
        Arguments.of(PgType.INT8, "\" 1\""),
        Arguments.of(PgType.INT8, "1.0"),
        Arguments.of(PgType.INT8, "true"),
        Arguments.of(PgType.TIMESTAMPTZ, "\"2020-01-01\""),
        Arguments.of(PgType.FLOAT8, "\"nan\""),
        Arguments.of(PgType.FLOAT8, "\"0.1\""),
        Arguments.of(PgType.FLOAT8, "1e400"),
        Arguments.of(PgType.FLOAT4, "1.1"),
        Arguments.of(PgType.FLOAT4, "1e39"),
        Arguments.of(PgType.NUMERIC, "1.5"),
        Arguments.of(PgType.NUMERIC, "\"abc\""),
        Arguments.of(PgType.NUMERIC, "\"1,5\""),
        Arguments.of(PgType.TEXT, "1"),
        Arguments.of(PgType.TEXT, "[\"a\"]"),
        Arguments.of(PgType.JSONB, "{\"a\":1}"),
        Arguments.of(PgType.BYTEA, "\"@@@@\""),
        Arguments.of(PgType.BYTEA, "\"AP+ACg\""),
        Arguments.of(PgType.BYTEA, "\"AP-A\""),
        Arguments.of(PgType.BYTEA, "[0,1]"),
        Arguments.of(PgType.INT4_ARRAY, "\"[1,2]\""),
        Arguments.of(PgType.INT4_ARRAY, "[1,\"2\"]"),
        Arguments.of(PgType.INT4_ARRAY, "[2147483648]"),
        Arguments.of(PgType.INT8_ARRAY, "[\"1.5\"]"),
        Arguments.of(PgType.BOOL_ARRAY, "[1]"),
        Arguments.of(PgType.NUMERIC_ARRAY, "[1.5]"),
        Arguments.of(PgType.TEXT_ARRAY, "[[\"a\"],{}]"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badWire")
  void decodingWhatNoStorageValueEncodesToIsRejectedNamingTypeAndValue(PgType type, String json) throws Exception {
    JsonNode wire = MAPPER.readTree(json);
    assertThatThrownBy(() -> decode(type, wire)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(type.name())
        .hasMessageContaining(wire.isTextual() ? wire.textValue() : wire.toString());
  }

  @Test
  void encodingAStorageValueOfTheWrongClassIsABug() {
    assertThatThrownBy(() -> encode(PgType.INT8, "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("int8").hasMessageContaining("\"1\"");
    assertThatThrownBy(() -> encode(PgType.BOOL, 2L)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encode(PgType.INT4, 1L << 40)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encode(PgType.FLOAT8, "1.5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encode(PgType.BYTEA, "\\x00")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encode(PgType.INT4_ARRAY, "[\"1\"]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("_int4");
    assertThatThrownBy(() -> encode(PgType.INT4_ARRAY, "{1}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anIntegralRealReadBackAsAnIntegerIsStillAFloatOnTheWire() {
    assertThat(encode(PgType.FLOAT8, 3L).isDouble()).isTrue();
    assertThat(decode(PgType.FLOAT8, encode(PgType.FLOAT8, 3L))).isEqualTo(3.0);
  }

  @Test
  void aRowIsWrittenWithExactlyTheDeclaredColumnsInOrder() throws Exception {
    Map<String, PgType> types = Map.of("id", PgType.INT8, "title", PgType.TEXT, "blob", PgType.BYTEA,
        "at", PgType.TIMESTAMPTZ, "secret", PgType.TEXT);
    Row row = Row.of("title", "a", "id", 1L << 60, "blob", new byte[] {1}, "secret", "s");
    ObjectNode wire = WireValues.encodeRow(row, types, List.of("id", "at", "blob", "title"));
    assertThat(MAPPER.writeValueAsString(wire))
        .isEqualTo("{\"id\":\"1152921504606846976\",\"at\":null,\"blob\":\"AQ==\",\"title\":\"a\"}");
    Row back = WireValues.decodeRow((ObjectNode) MAPPER.readTree(MAPPER.writeValueAsString(wire)), types);
    assertThat(back).isEqualTo(Row.of("id", 1L << 60, "at", null, "blob", new byte[] {1}, "title", "a"));
    assertThat(List.copyOf(back.columns())).containsExactly("id", "at", "blob", "title");
  }

  @Test
  void aColumnWithoutATypeIsRejected() {
    assertThatThrownBy(() -> WireValues.encodeRow(Row.of("x", 1L), Map.of(), List.of("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    ObjectNode wire = MAPPER.createObjectNode().put("x", 1);
    assertThatThrownBy(() -> WireValues.decodeRow(wire, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x");
  }

  // ---- helpers

  private static Arguments edge(PgType type, Object stored, String wireJson) {
    return Arguments.of(type, stored, wireJson, stored);
  }

  private static Arguments edge(PgType type, Object stored, String wireJson, Object decoded) {
    return Arguments.of(type, stored, wireJson, decoded);
  }

  private static long ts(String text) {
    return (Long) ValueCodec.fromText(text.endsWith("BC") || !text.contains("+") && !text.contains("infinity")
        ? PgType.TIMESTAMP : PgType.TIMESTAMPTZ, text);
  }

  private static String arr(PgType type, String literal) {
    return (String) ValueCodec.fromText(type, literal);
  }

  static boolean same(Object a, Object b) {
    return Arrays.deepEquals(new Object[] {a}, new Object[] {b});
  }
}
