package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.value.PgType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The value encoding of sync protocol v1: how a replica storage value (DESIGN §5; {@code null},
 * {@link Long}, {@link Double}, {@link String}, {@code byte[]}, as {@link io.viewsync.core.value.ValueCodec}
 * makes them) of a column of Postgres type T travels as JSON, and back. Nothing loses precision in a
 * JavaScript client: a number on the wire is always exactly a double, so whatever cannot be one (big
 * int8s, numerics, timestamps beyond year 2255) travels as a string.
 *
 * <table>
 *   <caption>Wire encoding by Postgres type (the name is {@link #encoding})</caption>
 *   <tr><th>Postgres type</th><th>wire JSON</th><th>encoding</th></tr>
 *   <tr><td>SQL NULL (any type)</td><td>{@code null}</td><td>—</td></tr>
 *   <tr><td>bool</td><td>{@code true} / {@code false}</td><td>{@code boolean}</td></tr>
 *   <tr><td>int2, int4, oid</td><td>number</td><td>{@code number}</td></tr>
 *   <tr><td>int8</td><td>number within ±(2^53−1), else a string of the decimal integer</td>
 *       <td>{@code int64}</td></tr>
 *   <tr><td>float4, float8</td><td>number; NaN, Infinity, -Infinity as the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"}; −0.0 as {@code 0.0}</td><td>{@code float}</td></tr>
 *   <tr><td>numeric</td><td>string, Postgres' exact text (scale kept; also {@code NaN}, ±{@code Infinity})</td>
 *       <td>{@code decimal-string}</td></tr>
 *   <tr><td>timestamp, timestamptz</td><td>microseconds since the Unix epoch, UTC, by the int64 rule
 *       (a number up to year 2255); ±infinity are int64's extremes, so strings</td><td>{@code micros}</td></tr>
 *   <tr><td>bytea</td><td>string, standard base64 with padding</td><td>{@code base64}</td></tr>
 *   <tr><td>arrays</td><td>a JSON array, nested for more dimensions, elements as below</td>
 *       <td>{@code array<…>}</td></tr>
 *   <tr><td>everything else (money, date, time, timetz, interval, uuid, text, varchar, bpchar, char,
 *       name, citext, enums, inet, xml, json, jsonb, int2vector, oidvector, …)</td>
 *       <td>string, as stored (json/jsonb as their JSON <em>text</em>)</td><td>{@code string}</td></tr>
 * </table>
 *
 * <p><b>Array elements</b> follow the element type's rule where the replica's stored JSON array holds
 * the element's value, and stay the element's Postgres text (exactly as stored) where it holds text:
 * bool → {@code boolean}; int2, int4 → {@code number}; int8 → {@code int64}; numeric, float4, float8
 * → {@code decimal-string} (Postgres' text, e.g. {@code "0.1"}, {@code "1e+100"}, {@code "-0"},
 * {@code "NaN"}: what {@code Number()} in JavaScript reads); every other element → {@code string}, the
 * element's Postgres text (a timestamp element is {@code "2020-01-01 00:00:00+00"}, a bytea element
 * {@code "\\x00ff"}). Turning those texts into micros or base64 would make decoding depend on
 * reproducing Postgres' output functions (session TimeZone, bytea_output, extra_float_digits), which
 * is not exact; the text form is. NULL elements are {@code null}.
 *
 * <p><b>Round trip.</b> {@code decode(type, encode(type, v))} equals {@code v} for every storage value
 * {@code v} of the type, with one intended exception: {@code -0.0} comes back as {@code 0.0}. The
 * replica (SQLite, REAL affinity) already keeps −0 as 0, and Postgres compares {@code -0 = 0}, so
 * the wire says 0 whether a row came from the replica or from a change in flight. The same holds after
 * the JSON was written as text and parsed again, by Jackson or by JavaScript's {@code JSON.parse}. An
 * array's JSON text comes back exactly as {@link io.viewsync.core.value.ValueCodec} writes it.
 *
 * <p><b>Errors.</b> {@link #decode} rejects input no storage value encodes to (a wrong JSON type for
 * the column, an out-of-range integer, a float4 that is not a float, a non-canonical decimal string
 * for int8, non-base64, …) with an {@link IllegalArgumentException} naming the type and the value.
 * {@link #encode} rejects a storage value of the wrong class for the type the same way: that is a bug
 * upstream of the encoder.
 *
 * <p>Stateless; every method is safe from any thread.
 */
public final class WireValues {

  /** 2^53 − 1: every integer up to this magnitude is exactly a double. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Same defaults as the factory that wrote the replica's array JSON, so decoding writes the same text. */
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern DECIMAL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  /** numeric_out and float8out/float4out text: digits with optional fraction and exponent, or a special. */
  private static final Pattern DECIMAL_TEXT =
      Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?|NaN|Infinity|-Infinity");

  /** How a type's values travel; {@link #of} maps a type to it by oid (never by name). */
  private enum Kind {
    BOOLEAN("boolean"), INT2("number"), INT4("number"), OID("number"), INT64("int64"), FLOAT4("float"),
    FLOAT8("float"), DECIMAL("decimal-string"), MICROS("micros"), BASE64("base64"), STRING("string"),
    ARRAY("array");

    final String encoding;

    Kind(String encoding) {
      this.encoding = encoding;
    }

    static Kind of(PgType type) {
      if (type.isArray()) {
        return ARRAY;
      }
      return BY_OID.getOrDefault(type.oid(), STRING);
    }

    /** The kind of an array element as the replica stores it: see the class comment. */
    static Kind element(PgType element) {
      if (element == null) {
        return STRING;
      }
      Kind k = of(element);
      return switch (k) {
        case BOOLEAN, INT2, INT4, INT64 -> k;
        case FLOAT4, FLOAT8, DECIMAL -> DECIMAL;
        default -> STRING; // oid elements too: the replica stores them as their text
      };
    }
  }

  private static final Map<Integer, Kind> BY_OID = Map.ofEntries(
      Map.entry(PgType.BOOL.oid(), Kind.BOOLEAN),
      Map.entry(PgType.INT2.oid(), Kind.INT2),
      Map.entry(PgType.INT4.oid(), Kind.INT4),
      Map.entry(PgType.OID.oid(), Kind.OID),
      Map.entry(PgType.INT8.oid(), Kind.INT64),
      Map.entry(PgType.FLOAT4.oid(), Kind.FLOAT4),
      Map.entry(PgType.FLOAT8.oid(), Kind.FLOAT8),
      Map.entry(PgType.NUMERIC.oid(), Kind.DECIMAL),
      Map.entry(PgType.TIMESTAMP.oid(), Kind.MICROS),
      Map.entry(PgType.TIMESTAMPTZ.oid(), Kind.MICROS),
      Map.entry(PgType.BYTEA.oid(), Kind.BASE64));

  private WireValues() {}

  /**
   * The short name of the type's wire encoding, for the schema in {@code connected} messages:
   * {@code boolean}, {@code number}, {@code int64}, {@code float}, {@code decimal-string},
   * {@code micros}, {@code base64}, {@code string}, or {@code array<E>} with E the element's encoding
   * (one level: a multi-dimensional array is the same Postgres type, its JSON is just nested).
   */
  public static String encoding(PgType type) {
    Kind k = Kind.of(type);
    return k == Kind.ARRAY ? "array<" + Kind.element(type.element()).encoding + ">" : k.encoding;
  }

  /** The wire JSON of a storage value of a column of {@code type}; null (SQL NULL) gives JSON null. */
  public static JsonNode encode(PgType type, Object storageValue) {
    if (storageValue == null) {
      return NODES.nullNode();
    }
    Kind kind = Kind.of(type);
    return switch (kind) {
      case BOOLEAN -> {
        long b = storedLong(type, storageValue);
        if (b != 0 && b != 1) {
          throw bad(type, storageValue, "a stored bool is 0 or 1");
        }
        yield NODES.booleanNode(b == 1);
      }
      case INT2, INT4, OID -> NODES.numberNode(checkRange(kind, type, storedLong(type, storageValue), storageValue));
      case INT64, MICROS -> int64(storedLong(type, storageValue));
      case FLOAT4, FLOAT8 -> encodeFloat(type, storageValue);
      case DECIMAL, STRING -> NODES.textNode(storedString(type, storageValue));
      case BASE64 -> {
        if (!(storageValue instanceof byte[] bytes)) {
          throw bad(type, storageValue, "expected a stored byte[]");
        }
        yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      }
      case ARRAY -> encodeArray(type, storedString(type, storageValue));
    };
  }

  /**
   * The storage value a wire value of a column of {@code type} stands for; JSON null (or a missing
   * node) gives null. The inverse of {@link #encode} (see the class comment for −0.0).
   *
   * @throws IllegalArgumentException if no storage value of the type encodes to {@code wire}
   */
  public static Object decode(PgType type, JsonNode wire) {
    if (wire == null || wire.isNull() || wire.isMissingNode()) {
      return null;
    }
    Kind kind = Kind.of(type);
    return switch (kind) {
      case BOOLEAN -> {
        if (!wire.isBoolean()) {
          throw bad(type, wire, "expected true or false");
        }
        yield wire.booleanValue() ? 1L : 0L;
      }
      case INT2, INT4, OID -> {
        if (!wire.isIntegralNumber() || !wire.canConvertToLong()) {
          throw bad(type, wire, "expected an integer number");
        }
        yield checkRange(kind, type, wire.longValue(), wire);
      }
      case INT64, MICROS -> decodeInt64(type, wire);
      case FLOAT4, FLOAT8 -> decodeFloat(kind, type, wire);
      case DECIMAL -> decimalText(type, wire);
      case STRING -> {
        if (!wire.isTextual()) {
          throw bad(type, wire, "expected a string");
        }
        yield wire.textValue();
      }
      case BASE64 -> decodeBase64(type, wire);
      case ARRAY -> decodeArray(type, wire);
    };
  }

  /**
   * Exactly {@code columns}, in that order, as a JSON object of wire values; a column the row does not
   * have is {@code null} (a client gets exactly the columns it declared).
   *
   * @throws IllegalArgumentException if a column has no type in {@code types}
   */
  public static ObjectNode encodeRow(Row row, Map<String, PgType> types, List<String> columns) {
    ObjectNode out = NODES.objectNode();
    for (String column : columns) {
      PgType type = typeOf(types, column);
      out.set(column, row.has(column) ? encode(type, row.get(column)) : NODES.nullNode());
    }
    return out;
  }

  /**
   * The row a JSON object of wire values stands for, its columns in the object's order.
   *
   * @throws IllegalArgumentException if a field has no type in {@code types} or a value does not decode
   */
  public static Row decodeRow(ObjectNode wire, Map<String, PgType> types) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = wire.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      values.put(field.getKey(), decode(typeOf(types, field.getKey()), field.getValue()));
    }
    return Row.of(values);
  }

  // ---- scalars

  private static JsonNode int64(long v) {
    return safe(v) ? NODES.numberNode(v) : NODES.textNode(Long.toString(v));
  }

  /** Whether a double holds {@code v} exactly, and so does every JSON reader (not Math.abs: MIN_VALUE). */
  private static boolean safe(long v) {
    return v >= -MAX_SAFE_INTEGER && v <= MAX_SAFE_INTEGER;
  }

  private static long decodeInt64(PgType type, JsonNode wire) {
    if (wire.isIntegralNumber()) {
      if (!wire.canConvertToLong()) {
        throw bad(type, wire, "out of the int64 range");
      }
      return wire.longValue(); // a number beyond 2^53 is not what encode writes, but exact here
    }
    if (wire.isTextual()) {
      String s = wire.textValue();
      if (!DECIMAL_INTEGER.matcher(s).matches()) {
        throw bad(type, wire, "expected a decimal integer string");
      }
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw bad(type, wire, "out of the int64 range");
      }
    }
    throw bad(type, wire, "expected an integer number or a decimal integer string");
  }

  private static JsonNode encodeFloat(PgType type, Object v) {
    if (v instanceof Double d) {
      if (!Double.isFinite(d)) { // ValueCodec stores these as text; accept the double anyway
        return NODES.textNode(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      }
      return NODES.numberNode(d == 0 ? 0.0 : d); // -0.0 → 0.0, as the replica keeps it
    }
    if (v instanceof Long l && safe(l)) { // an integral REAL read back as INTEGER
      return NODES.numberNode((double) l);
    }
    if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
      return NODES.textNode(s);
    }
    throw bad(type, v, "expected a stored double or NaN, Infinity, -Infinity");
  }

  private static Object decodeFloat(Kind kind, PgType type, JsonNode wire) {
    if (wire.isTextual()) {
      String s = wire.textValue();
      if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity")) {
        return s;
      }
      throw bad(type, wire, "a string must be NaN, Infinity or -Infinity");
    }
    if (!wire.isNumber()) {
      throw bad(type, wire, "expected a number or NaN, Infinity, -Infinity");
    }
    double d = wire.doubleValue();
    if (!Double.isFinite(d)) {
      throw bad(type, wire, "out of the " + type.name() + " range");
    }
    if (kind == Kind.FLOAT4 && (double) (float) d != d) {
      throw bad(type, wire, "not a float4 value");
    }
    return d == 0 ? 0.0 : d;
  }

  private static String decimalText(PgType type, JsonNode wire) {
    if (!wire.isTextual() || !DECIMAL_TEXT.matcher(wire.textValue()).matches()) {
      throw bad(type, wire, "expected a decimal string (or NaN, Infinity, -Infinity)");
    }
    return wire.textValue();
  }

  private static byte[] decodeBase64(PgType type, JsonNode wire) {
    if (!wire.isTextual()) {
      throw bad(type, wire, "expected a base64 string");
    }
    String s = wire.textValue();
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw bad(type, wire, "not base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(s)) { // padding, stray low bits
      throw bad(type, wire, "not canonical standard base64 with padding");
    }
    return bytes;
  }

  private static long checkRange(Kind kind, PgType type, long v, Object shown) {
    long min = switch (kind) {
      case INT2 -> Short.MIN_VALUE;
      case INT4 -> Integer.MIN_VALUE;
      default -> 0; // oid
    };
    long max = switch (kind) {
      case INT2 -> Short.MAX_VALUE;
      case INT4 -> Integer.MAX_VALUE;
      default -> 0xFFFF_FFFFL;
    };
    if (v < min || v > max) {
      throw bad(type, shown, "out of the " + type.name() + " range");
    }
    return v;
  }

  private static long storedLong(PgType type, Object v) {
    if (!(v instanceof Long l)) {
      throw bad(type, v, "expected a stored Long");
    }
    return l;
  }

  private static String storedString(PgType type, Object v) {
    if (!(v instanceof String s)) {
      throw bad(type, v, "expected a stored String");
    }
    return s;
  }

  // ---- arrays: the stored JSON text, read and written with streaming Jackson so no number is rounded

  private static JsonNode encodeArray(PgType type, String stored) {
    Kind element = Kind.element(type.element());
    try (JsonParser p = JSON.createParser(stored)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw bad(type, stored, "a stored array is a JSON array");
      }
      ArrayNode out = readArray(p, element, type, stored);
      if (p.nextToken() != null) {
        throw bad(type, stored, "text after the stored JSON array");
      }
      return out;
    } catch (IOException e) {
      throw bad(type, stored, "not a JSON array: " + e.getMessage());
    }
  }

  /** Reads up to and including the END_ARRAY of an array whose START_ARRAY was just read. */
  private static ArrayNode readArray(JsonParser p, Kind element, PgType type, String stored) throws IOException {
    ArrayNode out = NODES.arrayNode();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        throw bad(type, stored, "unterminated JSON array");
      } else if (t == JsonToken.START_ARRAY) {
        out.add(readArray(p, element, type, stored));
      } else if (t == JsonToken.VALUE_NULL) {
        out.addNull();
      } else {
        out.add(encodeElement(p, t, element, type, stored));
      }
    }
    return out;
  }

  private static JsonNode encodeElement(JsonParser p, JsonToken t, Kind element, PgType type, String stored)
      throws IOException {
    switch (element) {
      case BOOLEAN -> {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
          return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
        }
      }
      case INT2, INT4, INT64 -> {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          return int64(p.getLongValue());
        }
      }
      default -> {
        if (t == JsonToken.VALUE_STRING) {
          return NODES.textNode(p.getText());
        }
      }
    }
    throw bad(type, stored, "unexpected element " + p.getText() + " for a " + element.encoding + " element");
  }

  private static String decodeArray(PgType type, JsonNode wire) {
    if (!wire.isArray()) {
      throw bad(type, wire, "expected a JSON array");
    }
    Kind element = Kind.element(type.element());
    PgType elementType = type.element() == null ? PgType.TEXT : type.element();
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeArray(g, wire, element, type, elementType);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string failed", e);
    }
    return out.toString();
  }

  private static void writeArray(JsonGenerator g, JsonNode array, Kind element, PgType type, PgType elementType)
      throws IOException {
    g.writeStartArray();
    for (JsonNode item : array) {
      if (item.isNull()) {
        g.writeNull();
      } else if (item.isArray()) {
        writeArray(g, item, element, type, elementType);
      } else {
        try {
          switch (element) {
            case BOOLEAN -> g.writeBoolean((Long) decode(elementType, item) == 1L);
            case INT2, INT4, INT64 -> g.writeNumber((long) decode(elementType, item));
            case DECIMAL -> g.writeString(decimalText(elementType, item));
            default -> {
              if (!item.isTextual()) {
                throw bad(elementType, item, "expected a string");
              }
              g.writeString(item.textValue());
            }
          }
        } catch (IllegalArgumentException e) {
          throw bad(type, array, "element " + e.getMessage());
        }
      }
    }
    g.writeEndArray();
  }

  // ---- errors

  private static PgType typeOf(Map<String, PgType> types, String column) {
    PgType type = types.get(column);
    if (type == null) {
      throw new IllegalArgumentException("no type for column " + column + " (known: " + types.keySet() + ")");
    }
    return type;
  }

  private static IllegalArgumentException bad(PgType type, Object value, String reason) {
    String shown = value instanceof byte[] b ? "byte[" + b.length + "]"
        : value instanceof String s ? '"' + s + '"' : String.valueOf(value);
    if (shown.length() > 200) {
      shown = shown.substring(0, 200) + "…";
    }
    String cls = value == null ? "" : " (" + value.getClass().getSimpleName() + ")";
    return new IllegalArgumentException(type.name() + " value " + shown + cls + ": " + reason);
  }
}
