package io.viewsync.core.protocol;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.List;
import java.util.Map;

/** The server side of the compatibility tests: an issue tracker as the replica mirrors it today. */
final class ServerSchema {
  private ServerSchema() {}

  static final TableSpec ISSUES = table("issues", List.of("id"),
      col("id", PgType.INT8, true), col("title", PgType.TEXT, true), col("status", PgType.VARCHAR, true),
      col("priority", PgType.INT8, false), col("created", PgType.TIMESTAMPTZ, true),
      col("owner_id", PgType.INT8, false), col("tags", PgType.TEXT_ARRAY, false), col("meta", PgType.JSONB, false),
      col("estimate", PgType.NUMERIC, false));
  static final TableSpec COMMENTS = table("comments", List.of("id"),
      col("id", PgType.INT8, true), col("issue_id", PgType.INT8, true), col("author_id", PgType.INT8, true),
      col("body", PgType.TEXT, true), col("created", PgType.TIMESTAMPTZ, true));
  static final TableSpec USERS = table("users", List.of("id"),
      col("id", PgType.INT8, true), col("name", PgType.TEXT, true), col("email", PgType.TEXT, false));
  static final TableSpec LABELS = table("labels", List.of("issue_id", "name"),
      col("issue_id", PgType.INT8, true), col("name", PgType.TEXT, true), col("color", PgType.BPCHAR, false));
  /** Server-only: no client knows it. */
  static final TableSpec MILESTONES = table("milestones", List.of("id"), col("id", PgType.INT8, true));
  static final TableSpec AUDIT = new TableSpec(TableName.parse("audit"), 5,
      List.of(col("at", PgType.TIMESTAMPTZ, false), col("msg", PgType.TEXT, false)), List.of(), null,
      "no primary key or usable unique index");

  static final Map<String, TableSpec> SCHEMA = Map.of("issues", ISSUES, "comments", COMMENTS, "users", USERS,
      "labels", LABELS, "milestones", MILESTONES, "audit", AUDIT);

  static ColumnSpec col(String name, PgType type, boolean notNull) {
    return new ColumnSpec(name, type, type.name(), notNull);
  }

  static TableSpec table(String name, List<String> key, ColumnSpec... columns) {
    return new TableSpec(TableName.parse(name), name.hashCode(), List.of(columns), key, "primary key", null);
  }

  /** The client declaration that matches the server exactly, less the server-only table. */
  static final String IDENTICAL = """
      {"tables": {
        "issues": {"columns": {"id": {"type": "int8"}, "title": {"type": "text"}, "status": {"type": "varchar"},
                               "priority": {"type": "int8"}, "created": {"type": "timestamptz"},
                               "owner_id": {"type": "int8"}, "tags": {"type": "_text"}, "meta": {"type": "jsonb"},
                               "estimate": {"type": "numeric"}},
                   "primaryKey": ["id"]},
        "comments": {"columns": {"id": {"type": "int8"}, "issue_id": {"type": "int8"}, "author_id": {"type": "int8"},
                                 "body": {"type": "text"}, "created": {"type": "timestamptz"}},
                     "primaryKey": ["id"]},
        "users": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}, "email": {"type": "text"}},
                  "primaryKey": ["id"]},
        "labels": {"columns": {"issue_id": {"type": "int8"}, "name": {"type": "text"}, "color": {"type": "bpchar"}},
                   "primaryKey": ["issue_id", "name"]}}}
      """;

  static ClientSchema client(String json) {
    return ClientSchema.parse(json).orElseThrow();
  }
}
