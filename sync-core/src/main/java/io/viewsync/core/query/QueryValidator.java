package io.viewsync.core.query;

import static io.viewsync.core.query.QueryJson.join;

import io.viewsync.core.query.QueryError.Kind;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a query against a schema and the {@link QueryLimits}: tables exist and are syncable, columns exist,
 * literals fit their columns and operators, correlations pair columns of agreeing types, start rows cover the
 * order, and the query is not too deep or too large. The rules are listed in docs/queries.md. Reports every
 * error it finds (except that a query over the size or depth limits is not looked into further); never throws
 * for a bad query.
 *
 * <p>Immutable (the schema map is copied); safe from any thread.
 */
public final class QueryValidator {

  private final Map<String, TableSpec> schema;
  private final QueryLimits limits;

  /** @param schema tables by replica name ({@code issues}, {@code s.issues}) */
  public QueryValidator(Map<String, TableSpec> schema, QueryLimits limits) {
    this.schema = Map.copyOf(schema);
    this.limits = limits;
  }

  /** Parses and validates JSON text: the errors of whichever step fails first. */
  public Result<Query> parseAndValidate(String json) {
    Result<Query> parsed = QueryJson.parse(json);
    return parsed instanceof Result.Ok<Query> ok ? validate(ok.value()) : parsed;
  }

  /** {@code query} itself when it is valid, else its errors. */
  public Result<Query> validate(Query query) {
    List<QueryError> errors = new ArrayList<>();
    int nodes = QuerySize.nodes(query);
    if (nodes > limits.maxNodes()) {
      errors.add(new QueryError(Kind.TOO_LARGE, "", "the query has " + nodes + " nodes; at most "
          + limits.maxNodes() + " are allowed"));
    }
    Optional<String> tooDeep = QuerySize.firstDeeperThan(query, limits.maxDepth());
    tooDeep.ifPresent(path -> errors.add(new QueryError(Kind.TOO_DEEP, path, "subqueries nest deeper than "
        + limits.maxDepth() + " levels")));
    if (errors.isEmpty()) {
      new Check(errors).query(query, "");
    }
    return Result.of(query, errors);
  }

  /** One validation: collects errors. */
  private final class Check {
    final List<QueryError> errors;

    Check(List<QueryError> errors) {
      this.errors = errors;
    }

    /** Checks {@code query}; returns its table when the table is usable, else null. */
    TableSpec query(Query query, String path) {
      TableSpec table = schema.get(query.table());
      if (table == null) {
        error(Kind.UNKNOWN_TABLE, join(path, "table"), "no table \"" + query.table() + "\"");
        return null;
      }
      if (!table.syncable()) {
        error(Kind.TABLE_UNAVAILABLE, join(path, "table"), "table \"" + query.table() + "\" cannot be synced: "
            + table.unsyncableReason());
        return null;
      }
      if (query.limit() != null && (query.limit() < 0 || query.limit() > limits.maxLimit())) {
        error(Kind.BAD_LIMIT, join(path, "limit"), "limit " + query.limit() + " is outside 0.." + limits.maxLimit());
      }
      for (int i = 0; i < query.orderBy().size(); i++) {
        column(table, query.orderBy().get(i).column(), join(path, "orderBy[" + i + "]"));
      }
      if (query.where() != null) {
        condition(table, query.where(), join(path, "where"));
      }
      if (query.start() != null) {
        start(table, query, join(path, "start"));
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < query.related().size(); i++) {
        Related related = query.related().get(i);
        String relatedPath = join(path, "related[" + i + "]");
        if (!names.add(related.name())) {
          error(Kind.DUPLICATE_NAME, join(relatedPath, "name"), "another related subquery is named \""
              + related.name() + "\"");
        }
        subquery(table, related.correlation(), related.query(), relatedPath);
      }
      return table;
    }

    void subquery(TableSpec parent, Correlation correlation, Query child, String path) {
      TableSpec childTable = query(child, join(path, "query"));
      String corrPath = join(path, "correlation");
      List<String> parentColumns = correlation.parent();
      List<String> childColumns = correlation.child();
      if (parentColumns.isEmpty() || parentColumns.size() != childColumns.size()) {
        error(Kind.BAD_CORRELATION, corrPath, "parent and child need the same number of columns, at least one; got "
            + parentColumns.size() + " and " + childColumns.size());
        return;
      }
      for (int i = 0; i < parentColumns.size(); i++) {
        Optional<ColumnSpec> p = parent.column(parentColumns.get(i));
        if (p.isEmpty()) {
          error(Kind.BAD_CORRELATION, corrPath + ".parent[" + i + "]", "no column \"" + parentColumns.get(i)
              + "\" in table \"" + parent.name().replicaName() + "\"");
        }
        if (childTable == null) {
          continue; // the child's table error is reported already
        }
        Optional<ColumnSpec> c = childTable.column(childColumns.get(i));
        if (c.isEmpty()) {
          error(Kind.BAD_CORRELATION, corrPath + ".child[" + i + "]", "no column \"" + childColumns.get(i)
              + "\" in table \"" + child.table() + "\"");
        } else if (p.isPresent() && !ColumnKind.of(p.get().type()).correlatesWith(ColumnKind.of(c.get().type()))) {
          error(Kind.BAD_CORRELATION, corrPath, "\"" + parentColumns.get(i) + "\" (" + p.get().type().name()
              + ") cannot equal \"" + childColumns.get(i) + "\" (" + c.get().type().name() + ")");
        }
      }
    }

    void condition(TableSpec table, Condition condition, String path) {
      if (condition instanceof Condition.Compare compare) {
        compare(table, compare, path);
      } else if (condition instanceof Condition.And and) {
        children(table, and.conditions(), path);
      } else if (condition instanceof Condition.Or or) {
        children(table, or.conditions(), path);
      } else if (condition instanceof Condition.Not not) {
        condition(table, not.condition(), join(path, "condition"));
      } else if (condition instanceof Condition.Exists exists) {
        subquery(table, exists.correlation(), exists.query(), path);
      } else {
        throw new IllegalStateException("unknown condition " + condition);
      }
    }

    void children(TableSpec table, List<Condition> conditions, String path) {
      for (int i = 0; i < conditions.size(); i++) {
        condition(table, conditions.get(i), path + ".conditions[" + i + "]");
      }
    }

    void compare(TableSpec table, Condition.Compare compare, String path) {
      Optional<ColumnSpec> column = column(table, compare.column(), join(path, "column"));
      if (column.isEmpty()) {
        return;
      }
      ColumnSpec spec = column.get();
      ColumnKind kind = ColumnKind.of(spec.type());
      Literal value = compare.value();
      String valuePath = join(path, "value");
      Op op = compare.op();
      if (op.isScalarComparison()) {
        if (value instanceof Literal.ListOf) {
          error(Kind.TYPE_MISMATCH, valuePath, op.symbol() + " takes one value, not a list (use IN)");
        } else {
          literal(spec, value, valuePath);
        }
      } else if (op == Op.IN || op == Op.NOT_IN) {
        if (!(value instanceof Literal.ListOf list)) {
          error(Kind.TYPE_MISMATCH, valuePath, op.symbol() + " takes a list of values");
          return;
        }
        for (int i = 0; i < list.values().size(); i++) {
          Literal element = list.values().get(i);
          if (element instanceof Literal.Null) {
            // SQL's x NOT IN (1, NULL) is never true; refusing NULL here keeps IN lists free of that trap.
            error(Kind.TYPE_MISMATCH, valuePath + "[" + i + "]", op.symbol() + " lists cannot contain null (use IS)");
          } else {
            literal(spec, element, valuePath + "[" + i + "]");
          }
        }
      } else if (op == Op.LIKE || op == Op.ILIKE) {
        if (kind != ColumnKind.TEXT) {
          error(Kind.TYPE_MISMATCH, join(path, "op"), op.symbol() + " needs a text column; \"" + spec.name()
              + "\" is " + spec.type().name());
        } else if (!(value instanceof Literal.Text || value instanceof Literal.Null)) {
          error(Kind.TYPE_MISMATCH, valuePath, op.symbol() + " takes a string pattern");
        } else if (value instanceof Literal.Text pattern && endsWithLoneEscape(pattern.value())) {
          // Postgres raises an error for such a pattern; refusing it keeps the replica and the oracle in step.
          error(Kind.TYPE_MISMATCH, valuePath, "the pattern ends with an escape character (write \\\\ for a \\)");
        }
      } else if (op == Op.IS || op == Op.IS_NOT) {
        boolean ok = value instanceof Literal.Null || (value instanceof Literal.Bool && kind == ColumnKind.BOOL);
        if (!ok) {
          error(Kind.TYPE_MISMATCH, valuePath, op.symbol() + " takes null, or true/false on a bool column");
        }
      } else {
        throw new IllegalStateException("unknown operator " + op);
      }
    }

    void start(TableSpec table, Query query, String path) {
      Map<String, Literal> row = query.start().row();
      Set<String> order = new LinkedHashSet<>();
      query.orderBy().forEach(o -> order.add(o.column()));
      order.addAll(table.keyColumns());
      for (String column : order) {
        if (!row.containsKey(column)) {
          error(Kind.BAD_START, join(path, "row"), "the start row needs a value for \"" + column
              + "\" (every orderBy and key column)");
        }
      }
      row.forEach((name, value) -> column(table, name, join(join(path, "row"), name))
          .ifPresent(spec -> literal(spec, value, join(join(path, "row"), name))));
    }

    Optional<ColumnSpec> column(TableSpec table, String name, String path) {
      Optional<ColumnSpec> column = table.column(name);
      if (column.isEmpty()) {
        error(Kind.UNKNOWN_COLUMN, path, "no column \"" + name + "\" in table \"" + table.name().replicaName() + "\"");
      }
      return column;
    }

    /** Checks that a scalar literal can be compared with (or stand for a value of) the column. */
    void literal(ColumnSpec column, Literal value, String path) {
      if (value instanceof Literal.Null) {
        return;
      }
      ColumnKind kind = ColumnKind.of(column.type());
      boolean ok = switch (kind) {
        case BOOL -> value instanceof Literal.Bool;
        case INTEGER -> value instanceof Literal.Int || (value instanceof Literal.Real r && Literals.isLong(r.value()));
        case REAL -> value instanceof Literal.Int || value instanceof Literal.Real;
        case TEXT -> value instanceof Literal.Text;
        case BLOB -> false;
      };
      if (!ok) {
        error(Kind.TYPE_MISMATCH, path, describe(value) + " does not fit column \"" + column.name() + "\" ("
            + column.type().name() + (kind == ColumnKind.BLOB ? ", which can only be tested with IS null)" : ")"));
      }
    }

    void error(Kind kind, String path, String message) {
      errors.add(new QueryError(kind, path, message));
    }
  }

  private static boolean endsWithLoneEscape(String pattern) {
    int backslashes = 0;
    for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static String describe(Literal value) {
    return QueryJson.toJson(value).toString();
  }
}
