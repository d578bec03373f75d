package io.viewsync.core.query;

import io.viewsync.core.value.PgType;
import io.viewsync.core.value.StorageClass;

/**
 * What a query can do with a column, from its type: the replica's storage class (DESIGN §5), with {@code bool}
 * (stored as INTEGER 0/1) set apart so that {@code true} is not compared with 1. Stateless; safe from any thread.
 */
enum ColumnKind {
  BOOL, INTEGER, REAL, TEXT, BLOB;

  static ColumnKind of(PgType type) {
    if (type.oid() == PgType.BOOL.oid()) {
      return BOOL;
    }
    StorageClass storage = type.storageClass();
    return switch (storage) {
      case INTEGER -> INTEGER;
      case REAL -> REAL;
      case TEXT -> TEXT;
      case BLOB -> BLOB;
    };
  }

  boolean isNumber() {
    return this == INTEGER || this == REAL;
  }

  /** Whether a correlation may equate columns of these kinds: the same kind, or two numbers. */
  boolean correlatesWith(ColumnKind other) {
    return this == other || (isNumber() && other.isNumber());
  }
}
