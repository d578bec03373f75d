package io.viewsync.core.value;

/**
 * The SQLite storage class a Postgres column is declared with in the replica (DESIGN §5, a public
 * contract: operators read the replica with {@code sqlite3}).
 *
 * <p>This is the class of the <em>column</em>. A single value may still be stored as TEXT where the
 * declared class cannot hold it losslessly: a {@link #REAL} column stores {@code NaN} and
 * {@code ±Infinity} as the TEXT strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}
 * (SQLite turns a NaN double into NULL, and leaves those strings alone under REAL affinity).
 *
 * <p>Stored in replica metadata: values only grow, never rename one. Immutable; safe from any thread.
 */
public enum StorageClass {
  /** 64-bit signed integer: bool (0/1), int2, int4, int8, oid, timestamp and timestamptz (µs since the Unix epoch). */
  INTEGER,
  /** IEEE double: float4 (widened exactly), float8; non-finite values as TEXT, see above. */
  REAL,
  /** UTF-8 text: numeric, strings, uuid, json, date/time text forms, arrays as JSON, anything else. */
  TEXT,
  /** Raw bytes: bytea. */
  BLOB
}
