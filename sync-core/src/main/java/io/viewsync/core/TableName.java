package io.viewsync.core;

/**
 * An upstream table's schema-qualified name. The replica names a table after it:
 * {@code public.x} becomes {@code x}, any other schema keeps its prefix, {@code s.x}.
 *
 * <p>Immutable value; safe from any thread.
 */
public record TableName(String schema, String name) implements Comparable<TableName> {

  public TableName {
    if (schema == null || schema.isEmpty() || name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a table name needs a schema and a name: " + schema + "." + name);
    }
  }

  /** Parses a replica name ({@code x} or {@code s.x}); a name without a dot is in {@code public}. */
  public static TableName parse(String replicaName) {
    int dot = replicaName.indexOf('.');
    return dot < 0 ? new TableName("public", replicaName)
        : new TableName(replicaName.substring(0, dot), replicaName.substring(dot + 1));
  }

  /** The name of this table in the replica, see the class comment. */
  public String replicaName() {
    return "public".equals(schema) ? name : schema + "." + name;
  }

  /** The name quoted for Postgres SQL. */
  public String pgQuoted() {
    return quoteIdent(schema) + "." + quoteIdent(name);
  }

  /** Quotes an identifier the way both Postgres and SQLite read it. */
  public static String quoteIdent(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  @Override
  public int compareTo(TableName o) {
    int c = schema.compareTo(o.schema);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
