package io.viewsync.client;

import io.viewsync.core.TableName;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Result;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The client's declared schema ({@link ClientSchema}) as sync-core's query machinery reads a schema: one
 * {@link TableSpec} per declared table, keyed by the declared primary key, each column of the Postgres type its
 * name stands for ({@link #type}). With it a query is validated ({@link #check}) and normalized ({@link #normalize})
 * against exactly what the client can hold, so the client evaluates it locally as the server does.
 *
 * <p>Immutable; safe from any thread.
 */
final class DeclaredSchema {

  /** Builtin types by {@code typname}: every {@link PgType} constant, so the list stays sync-core's. */
  private static final Map<String, PgType> BUILTIN_BY_NAME = builtins();

  private final ClientSchema schema;
  private final Map<String, TableSpec> specs;
  private final QueryValidator validator;
  private final Normalizer normalizer;

  DeclaredSchema(ClientSchema schema) {
    this.schema = schema;
    Map<String, TableSpec> out = new LinkedHashMap<>();
    schema.tables().forEach((name, table) -> {
      List<ColumnSpec> columns = new ArrayList<>();
      table.columns().forEach((column, type) -> columns.add(new ColumnSpec(column, type(type), type, false)));
      out.put(name, new TableSpec(TableName.parse(name), 0, columns, table.primaryKey(), "declared", null));
    });
    this.specs = Map.copyOf(out);
    this.validator = new QueryValidator(specs, QueryLimits.DEFAULTS);
    this.normalizer = new Normalizer(specs);
  }

  ClientSchema schema() {
    return schema;
  }

  /** The declared table, or null. */
  ClientSchema.Table table(String name) {
    return schema.table(name);
  }

  /**
   * The Postgres type a declared type name stands for: a builtin by its {@code typname} ({@code int8},
   * {@code _int4}); any other name (an enum, {@code citext}) a type without a builtin oid, whose values travel and
   * sort as text ({@link io.viewsync.core.protocol.WireValues}: "everything else"); {@code _x} an array of such.
   */
  static PgType type(String name) {
    PgType builtin = BUILTIN_BY_NAME.get(name);
    if (builtin != null) {
      return builtin;
    }
    if (name.startsWith("_") && name.length() > 1) {
      return PgType.arrayOf(0, type(name.substring(1)));
    }
    return PgType.of(0, name, 'U', null);
  }

  /**
   * {@code query} if the client can evaluate it over the rows it holds; otherwise an
   * {@link IllegalArgumentException} that lists why: it does not validate against the declared schema (an
   * undeclared table or column, a literal of the wrong type, the server's limits), or it uses {@code exists},
   * whose subquery rows protocol v1 does not send (the server keeps them to itself), so no client can answer it.
   */
  Query check(Query query) {
    Result<Query> r = validator.validate(query);
    if (!r.isOk()) {
      throw new IllegalArgumentException("the query does not fit the declared schema: " + r.errors().stream()
          .map(DeclaredSchema::describe).collect(Collectors.joining("; ")));
    }
    String exists = firstExists(query, "");
    if (exists != null) {
      throw new IllegalArgumentException("the query uses exists at " + exists + ": protocol v1 does not send the"
          + " rows of exists subqueries, so the client cannot evaluate it (use a related subquery instead)");
    }
    return query;
  }

  /** The canonical form of a {@linkplain #check checked} query, its order completed with the declared key. */
  Query normalize(Query checked) {
    return normalizer.normalize(checked);
  }

  private static String describe(QueryError e) {
    return (e.path().isEmpty() ? "" : e.path() + ": ") + e.message() + " (" + e.kind() + ")";
  }

  private static String firstExists(Query q, String path) {
    String inWhere = q.where() == null ? null : firstExists(q.where(), path + (path.isEmpty() ? "" : ".") + "where");
    if (inWhere != null) {
      return inWhere;
    }
    for (int i = 0; i < q.related().size(); i++) {
      Related r = q.related().get(i);
      String found = firstExists(r.query(), path + (path.isEmpty() ? "" : ".") + "related[" + i + "].query");
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String firstExists(Condition c, String path) {
    if (c instanceof Condition.Exists) {
      return path;
    } else if (c instanceof Condition.And a) {
      return firstExists(a.conditions(), path);
    } else if (c instanceof Condition.Or o) {
      return firstExists(o.conditions(), path);
    } else if (c instanceof Condition.Not n) {
      return firstExists(n.condition(), path + ".condition");
    } else if (c instanceof Condition.Compare) {
      return null;
    }
    throw new IllegalStateException("unknown condition " + c);
  }

  private static String firstExists(List<Condition> conditions, String path) {
    for (int i = 0; i < conditions.size(); i++) {
      String found = firstExists(conditions.get(i), path + ".conditions[" + i + "]");
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Map<String, PgType> builtins() {
    Map<String, PgType> out = new HashMap<>();
    for (Field f : PgType.class.getFields()) {
      if (f.getType() == PgType.class && Modifier.isStatic(f.getModifiers())) {
        try {
          PgType t = (PgType) f.get(null);
          out.put(t.name(), t);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("PgType." + f.getName() + " is public", e);
        }
      }
    }
    return Map.copyOf(out);
  }
}
