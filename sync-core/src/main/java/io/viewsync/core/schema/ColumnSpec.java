package io.viewsync.core.schema;

import io.viewsync.core.value.PgType;

/**
 * One upstream column as the replica mirrors it: its name, its Postgres type (domains resolved to their
 * base type, the declared type kept as text for operators) and whether it is NOT NULL. Immutable.
 */
public record ColumnSpec(String name, PgType type, String declaredType, boolean notNull) {}
