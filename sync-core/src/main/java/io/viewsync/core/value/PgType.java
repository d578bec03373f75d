package io.viewsync.core.value;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Postgres data type as far as value conversion cares: its oid, its {@code pg_type.typname}, its
 * {@code pg_type.typcategory} and, for arrays, its element type.
 *
 * <p><b>Domains are not types here.</b> The caller resolves a domain to its base type (recursively,
 * {@code pg_type.typbasetype}) before building a {@code PgType}, and does the same for an array's
 * element, because pgoutput and COPY send a domain value exactly as its base type.
 *
 * <p>The storage class is derived from the oid, never from the name: builtin oids are fixed, while a
 * user type in another schema may well be called {@code int4}. Types from extensions ({@code citext},
 * PostGIS …) have no fixed oid and are stored as TEXT, as DESIGN §5 says for "anything else".
 *
 * <p>Immutable value; safe from any thread.
 *
 * @param oid the type's oid ({@code pg_type.oid})
 * @param name the type's name ({@code pg_type.typname}), e.g. {@code int4}, {@code _int4}, {@code my_enum}
 * @param category the type's {@code pg_type.typcategory}: {@code A} array, {@code B} boolean,
 *     {@code C} composite, {@code D} date/time, {@code E} enum, {@code N} numeric, {@code S} string,
 *     {@code T} timespan, {@code U} user-defined, … (see {@code pg_type} in the Postgres docs)
 * @param element the element type of an array (category {@code A}), already resolved from a domain;
 *     null for every other type, and allowed to be null for an array whose element type is unknown
 *     (its elements are then written as JSON strings)
 */
public record PgType(int oid, String name, char category, PgType element) {

  /** {@code pg_type.typcategory} of array types. */
  public static final char CATEGORY_ARRAY = 'A';

  public static final PgType BOOL = base(16, "bool", 'B');
  public static final PgType BYTEA = base(17, "bytea", 'U');
  public static final PgType CHAR = base(18, "char", 'Z');
  public static final PgType NAME = base(19, "name", 'S');
  public static final PgType INT8 = base(20, "int8", 'N');
  public static final PgType INT2 = base(21, "int2", 'N');
  /** Category A, but its text form is space-separated without braces: stored as that text. */
  public static final PgType INT2VECTOR = base(22, "int2vector", 'A');
  public static final PgType INT4 = base(23, "int4", 'N');
  public static final PgType TEXT = base(25, "text", 'S');
  public static final PgType OID = base(26, "oid", 'N');
  /** Category A, but its text form is space-separated without braces: stored as that text. */
  public static final PgType OIDVECTOR = base(30, "oidvector", 'A');
  public static final PgType JSON = base(114, "json", 'U');
  public static final PgType XML = base(142, "xml", 'U');
  public static final PgType FLOAT4 = base(700, "float4", 'N');
  public static final PgType FLOAT8 = base(701, "float8", 'N');
  public static final PgType MONEY = base(790, "money", 'N');
  public static final PgType INET = base(869, "inet", 'I');
  public static final PgType BPCHAR = base(1042, "bpchar", 'S');
  public static final PgType VARCHAR = base(1043, "varchar", 'S');
  public static final PgType DATE = base(1082, "date", 'D');
  public static final PgType TIME = base(1083, "time", 'D');
  public static final PgType TIMESTAMP = base(1114, "timestamp", 'D');
  public static final PgType TIMESTAMPTZ = base(1184, "timestamptz", 'D');
  public static final PgType INTERVAL = base(1186, "interval", 'T');
  public static final PgType TIMETZ = base(1266, "timetz", 'D');
  public static final PgType NUMERIC = base(1700, "numeric", 'N');
  public static final PgType UUID = base(2950, "uuid", 'U');
  public static final PgType PG_LSN = base(3220, "pg_lsn", 'U');
  public static final PgType JSONB = base(3802, "jsonb", 'U');

  public static final PgType BOOL_ARRAY = arrayOf(1000, BOOL);
  public static final PgType BYTEA_ARRAY = arrayOf(1001, BYTEA);
  public static final PgType INT2_ARRAY = arrayOf(1005, INT2);
  public static final PgType INT4_ARRAY = arrayOf(1007, INT4);
  public static final PgType TEXT_ARRAY = arrayOf(1009, TEXT);
  public static final PgType BPCHAR_ARRAY = arrayOf(1014, BPCHAR);
  public static final PgType VARCHAR_ARRAY = arrayOf(1015, VARCHAR);
  public static final PgType INT8_ARRAY = arrayOf(1016, INT8);
  public static final PgType FLOAT4_ARRAY = arrayOf(1021, FLOAT4);
  public static final PgType FLOAT8_ARRAY = arrayOf(1022, FLOAT8);
  public static final PgType OID_ARRAY = arrayOf(1028, OID);
  public static final PgType TIMESTAMP_ARRAY = arrayOf(1115, TIMESTAMP);
  public static final PgType DATE_ARRAY = arrayOf(1182, DATE);
  public static final PgType TIMESTAMPTZ_ARRAY = arrayOf(1185, TIMESTAMPTZ);
  public static final PgType NUMERIC_ARRAY = arrayOf(1231, NUMERIC);
  public static final PgType UUID_ARRAY = arrayOf(2951, UUID);
  public static final PgType JSON_ARRAY = arrayOf(199, JSON);
  public static final PgType JSONB_ARRAY = arrayOf(3807, JSONB);

  private static final Map<Integer, PgType> BUILTINS = Stream.of(
          BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT2VECTOR, INT4, TEXT, OID, OIDVECTOR, JSON, XML,
          FLOAT4, FLOAT8, MONEY, INET, BPCHAR, VARCHAR, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL,
          TIMETZ, NUMERIC, UUID, PG_LSN, JSONB,
          BOOL_ARRAY, BYTEA_ARRAY, INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, BPCHAR_ARRAY, VARCHAR_ARRAY,
          INT8_ARRAY, FLOAT4_ARRAY, FLOAT8_ARRAY, OID_ARRAY, TIMESTAMP_ARRAY, DATE_ARRAY,
          TIMESTAMPTZ_ARRAY, NUMERIC_ARRAY, UUID_ARRAY, JSON_ARRAY, JSONB_ARRAY)
      .collect(Collectors.toUnmodifiableMap(PgType::oid, Function.identity()));

  public PgType {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a type name must not be empty (oid " + oid + ")");
    }
    if (element != null && category != CATEGORY_ARRAY) {
      throw new IllegalArgumentException(
          "only an array (category A) has an element type, not " + name + " (category " + category + ")");
    }
  }

  /** Same as the constructor; reads well at call sites that come from a {@code pg_type} row. */
  public static PgType of(int oid, String name, char category, PgType elementOrNull) {
    return new PgType(oid, name, category, elementOrNull);
  }

  /** An array type named as Postgres names it: {@code _} and the element's name. */
  public static PgType arrayOf(int oid, PgType element) {
    return new PgType(oid, "_" + element.name(), CATEGORY_ARRAY, Objects.requireNonNull(element, "element"));
  }

  /** The builtin type with that oid among the constants above, if it is one of them. */
  public static Optional<PgType> builtin(int oid) {
    return Optional.ofNullable(BUILTINS.get(oid));
  }

  /**
   * Whether values are Postgres array literals ({@code {1,2}}) stored as a JSON array. False for
   * {@code int2vector} and {@code oidvector}, which have category A but a brace-less text form.
   */
  public boolean isArray() {
    return category == CATEGORY_ARRAY && oid != INT2VECTOR_OID && oid != OIDVECTOR_OID;
  }

  /** The column's storage class in the replica, DESIGN §5. */
  public StorageClass storageClass() {
    return switch (oid) {
      case BOOL_OID, INT2_OID, INT4_OID, INT8_OID, OID_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID -> StorageClass.INTEGER;
      case FLOAT4_OID, FLOAT8_OID -> StorageClass.REAL;
      case BYTEA_OID -> StorageClass.BLOB;
      default -> StorageClass.TEXT;
    };
  }

  @Override
  public String toString() {
    return name + "(" + oid + ")";
  }

  private static PgType base(int oid, String name, char category) {
    return new PgType(oid, name, category, null);
  }

  // Oids as constant expressions, for switches. Fixed by Postgres' catalog (pg_type.dat).
  static final int BOOL_OID = 16;
  static final int BYTEA_OID = 17;
  static final int NAME_OID = 19;
  static final int INT8_OID = 20;
  static final int INT2_OID = 21;
  static final int INT2VECTOR_OID = 22;
  static final int INT4_OID = 23;
  static final int TEXT_OID = 25;
  static final int OID_OID = 26;
  static final int OIDVECTOR_OID = 30;
  static final int FLOAT4_OID = 700;
  static final int FLOAT8_OID = 701;
  static final int BPCHAR_OID = 1042;
  static final int VARCHAR_OID = 1043;
  static final int TIMESTAMP_OID = 1114;
  static final int TIMESTAMPTZ_OID = 1184;
  static final int UUID_OID = 2950;
}
