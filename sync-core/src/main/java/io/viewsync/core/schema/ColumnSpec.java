package io.viewsync.core.schema;

import io.viewsync.core.value.PgType;

/**
 * One upstream column as the replica mirrors it: its name, its Postgres type (domains resolved to their
 * base type, the declared type kept as text for operators), whether it is NOT NULL, its attribute number
 * (pg_attribute.attnum: a column's identity across renames; 0 when unknown, e.g. in specs recorded before
 * viewsync tracked it) and its default expression (null when none). Immutable.
 */
public record ColumnSpec(String name, PgType type, String declaredType, boolean notNull, int attnum,
    String defaultExpr) {

  public ColumnSpec(String name, PgType type, String declaredType, boolean notNull) {
    this(name, type, declaredType, notNull, 0, null);
  }
}
