package io.viewsync.core.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Converts Postgres values to the plain Java values the replica stores (DESIGN §5): {@code null},
 * {@link Long} (INTEGER), {@link Double} (REAL), {@link String} (TEXT) or {@code byte[]} (BLOB).
 *
 * <p>Two inputs, one result: the text form that pgoutput sends ({@link #fromText}) and the binary
 * form of {@code COPY … TO STDOUT (FORMAT binary)} ({@link #fromBinary}) give the <em>same</em>
 * stored value for the same upstream value, so a row copied at startup equals the same row replicated
 * later. Only the types for which {@link #decodesBinary} is true arrive in binary; the copy query
 * casts every other column to {@code ::text} and its UTF-8 bytes go through {@link #fromText}
 * ({@link #fromCopyField} does that choice).
 *
 * <p>Stored values, by type ({@code type} must already be resolved from a domain to its base type):
 * <ul>
 *   <li>{@code bool} → 1L/0L; {@code int2}, {@code int4}, {@code int8}, {@code oid} → Long.
 *   <li>{@code float4}, {@code float8} → Double; NaN and ±Infinity → the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"}; -0.0 stays -0.0 (see {@link PgScalars}).
 *   <li>{@code bytea} → byte[] (hex or legacy escape text, see {@link PgBytea}).
 *   <li>{@code timestamp}, {@code timestamptz} → Long µs since 1970-01-01 UTC; infinity and -infinity
 *       → {@link Long#MAX_VALUE}/{@link Long#MIN_VALUE}, Postgres' own int64 infinities (see
 *       {@link PgTimestamp}).
 *   <li>{@code uuid} → canonical lower-case text.
 *   <li>arrays → a JSON array as text (see {@link PgArrayJson}); {@code int2vector} and
 *       {@code oidvector} are not arrays here, they keep their text form.
 *   <li>everything else ({@code numeric}, strings, enums, json, jsonb, date, time, timetz, interval,
 *       composites, ranges, extension types…) → the Postgres text form, unchanged.
 * </ul>
 *
 * <p>The text form of a few types depends on session settings; both sessions (the walsender and the
 * copy) must use DateStyle ISO, IntervalStyle postgres, extra_float_digits ≥ 1, client_encoding UTF8
 * and the same bytea_output. Timestamps are immune to the TimeZone setting (their offset is parsed),
 * but types that print timestamptz inside them ({@code timestamptz[]}, {@code tstzrange}) are not: the
 * two sessions must also share a TimeZone, best UTC.
 *
 * <p>Pure and stateless; every method is safe from any thread. Malformed input throws
 * {@link ValueFormatException}.
 */
public final class ValueCodec {

  private ValueCodec() {}

  /** Converts pgoutput's text form of a value; null (SQL NULL) gives null. */
  public static Object fromText(PgType type, String text) {
    if (text == null) {
      return null;
    }
    if (type.isArray()) {
      return PgArrayJson.fromText(text, type.element());
    }
    return switch (type.oid()) {
      case PgType.BOOL_OID -> PgScalars.parseBool(text, text) ? 1L : 0L;
      case PgType.INT2_OID, PgType.INT4_OID, PgType.INT8_OID, PgType.OID_OID -> PgScalars.parseLong(text, type.name(), text);
      case PgType.FLOAT4_OID -> PgScalars.parseFloat4(text);
      case PgType.FLOAT8_OID -> PgScalars.parseFloat8(text);
      case PgType.BYTEA_OID -> PgBytea.fromText(text);
      case PgType.TIMESTAMP_OID, PgType.TIMESTAMPTZ_OID -> PgTimestamp.fromText(text, type.name());
      case PgType.UUID_OID -> text.toLowerCase(Locale.ROOT);
      default -> text;
    };
  }

  /**
   * Whether {@link #fromBinary} decodes this type's binary send format. False means the copy query
   * must cast the column to {@code ::text}. Arrays are never decoded in binary.
   */
  public static boolean decodesBinary(PgType type) {
    return switch (type.oid()) {
      case PgType.BOOL_OID, PgType.INT2_OID, PgType.INT4_OID, PgType.INT8_OID, PgType.FLOAT4_OID,
          PgType.FLOAT8_OID, PgType.BYTEA_OID, PgType.TIMESTAMP_OID, PgType.TIMESTAMPTZ_OID,
          PgType.UUID_OID, PgType.TEXT_OID, PgType.VARCHAR_OID, PgType.BPCHAR_OID, PgType.NAME_OID -> true;
      default -> false;
    };
  }

  /**
   * Converts a value in Postgres' binary send format (big-endian), as a binary COPY field holds it.
   * A negative {@code len} (COPY's −1 for NULL) gives null.
   *
   * @throws IllegalArgumentException if {@link #decodesBinary} is false for the type
   * @throws ValueFormatException if the length does not fit the type, or the value is out of range
   */
  public static Object fromBinary(PgType type, byte[] buf, int off, int len) {
    if (len < 0) {
      return null;
    }
    if (!decodesBinary(type)) {
      throw new IllegalArgumentException("no binary decoding for " + type + "; the copy must cast it to text");
    }
    return switch (type.oid()) {
      case PgType.BOOL_OID -> fixed(type, buf, off, len, 1).get() != 0 ? 1L : 0L;
      case PgType.INT2_OID -> (long) fixed(type, buf, off, len, 2).getShort();
      case PgType.INT4_OID -> (long) fixed(type, buf, off, len, 4).getInt();
      case PgType.INT8_OID -> fixed(type, buf, off, len, 8).getLong();
      case PgType.FLOAT4_OID -> PgScalars.storedFloat(fixed(type, buf, off, len, 4).getFloat());
      case PgType.FLOAT8_OID -> PgScalars.storedFloat(fixed(type, buf, off, len, 8).getDouble());
      case PgType.BYTEA_OID -> Arrays.copyOfRange(buf, off, off + len);
      case PgType.TIMESTAMP_OID, PgType.TIMESTAMPTZ_OID ->
          PgTimestamp.fromPgMicros(fixed(type, buf, off, len, 8).getLong(), type.name());
      case PgType.UUID_OID -> PgScalars.uuid(buf, fixed(type, buf, off, len, 16).position());
      default -> new String(buf, off, len, StandardCharsets.UTF_8); // text, varchar, bpchar, name
    };
  }

  /**
   * Converts one field of a binary COPY whose query cast every column that {@link #decodesBinary}
   * rejects to {@code ::text}: binary for those it accepts, UTF-8 text through {@link #fromText} for
   * the rest. A negative {@code len} gives null.
   */
  public static Object fromCopyField(PgType type, byte[] buf, int off, int len) {
    if (len < 0) {
      return null;
    }
    if (decodesBinary(type)) {
      return fromBinary(type, buf, off, len);
    }
    return fromText(type, new String(buf, off, len, StandardCharsets.UTF_8));
  }

  /** A big-endian reader (as Postgres sends) positioned at the value, if its length fits the type. */
  private static ByteBuffer fixed(PgType type, byte[] buf, int off, int len, int expected) {
    if (len != expected) {
      throw new ValueFormatException(
          "Not a valid binary " + type.name() + " value: expected " + expected + " bytes, got " + len);
    }
    return ByteBuffer.wrap(buf, off, len);
  }
}
