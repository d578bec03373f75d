package io.viewsync.core.query;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.List;
import java.util.Map;

/** A small issue tracker schema shared by the query tests. */
final class Schemas {
  private Schemas() {}

  static final TableSpec ISSUES = table("issues", List.of("id"),
      col("id", PgType.INT8), col("title", PgType.TEXT), col("status", PgType.TEXT), col("priority", PgType.INT4),
      col("score", PgType.FLOAT8), col("created", PgType.TIMESTAMPTZ), col("open", PgType.BOOL),
      col("owner_id", PgType.INT8), col("attachment", PgType.BYTEA));
  static final TableSpec COMMENTS = table("comments", List.of("id"),
      col("id", PgType.INT8), col("issue_id", PgType.INT8), col("author_id", PgType.INT8),
      col("body", PgType.TEXT), col("created", PgType.TIMESTAMPTZ));
  static final TableSpec USERS = table("users", List.of("id"),
      col("id", PgType.INT8), col("name", PgType.VARCHAR));
  static final TableSpec LABELS = table("labels", List.of("issue_id", "name"),
      col("issue_id", PgType.INT8), col("name", PgType.TEXT));
  static final TableSpec AUDIT = new TableSpec(TableName.parse("audit"), 5, List.of(col("msg", PgType.TEXT)),
      List.of(), null, "no primary key or usable unique index");

  static final Map<String, TableSpec> SCHEMA = Map.of("issues", ISSUES, "comments", COMMENTS, "users", USERS,
      "labels", LABELS, "audit", AUDIT);

  private static ColumnSpec col(String name, PgType type) {
    return new ColumnSpec(name, type, type.name(), false);
  }

  private static TableSpec table(String name, List<String> key, ColumnSpec... columns) {
    return new TableSpec(TableName.parse(name), name.hashCode(), List.of(columns), key, "primary key", null);
  }
}
