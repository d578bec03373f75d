package io.viewsync.core.protocol;

import io.viewsync.core.protocol.CompatibilityReport.Issue;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import java.util.List;
import java.util.Optional;

/**
 * Whether a client's query can run given its {@link CompatibilityReport} (DESIGN §6). A query is unavailable when
 * it, at any depth (related subqueries, exists subqueries):
 * <ul>
 *   <li>reads a table that is {@code unavailable}, or that the client did not declare;
 *   <li>filters ({@code where}, including an exists subquery's), sorts ({@code orderBy}, {@code start} row) or
 *       joins (correlation columns of related and exists, parent and child side) on a column that is
 *       {@code missing}, or that the client did not declare (a client only asks about what it declared).
 * </ul>
 * Receiving a missing column is fine (rows carry null for it); coerced columns are usable. Every other query runs
 * normally. The first problem found, in the order of the query's JSON, is reported with its path.
 *
 * <p>This is about the schema only; the query is also validated against the server schema
 * ({@link io.viewsync.core.query.QueryValidator}), which this does not replace.
 *
 * <p>Stateless; safe from any thread.
 */
public final class QueryAvailability {

  private QueryAvailability() {}

  /** Whether {@code query}, sent by {@code client} whose report is {@code report}, can run. */
  public static Availability check(Query query, CompatibilityReport report, ClientSchema client) {
    return new Walk(report, client).query(query, "").map(a -> (Availability) a)
        .orElse(Availability.Available.INSTANCE);
  }

  private record Walk(CompatibilityReport report, ClientSchema client) {

    Optional<Availability.Unavailable> query(Query q, String path) {
      Optional<Availability.Unavailable> problem = table(q.table(), join(path, "table"));
      if (problem.isPresent()) {
        return problem;
      }
      if (q.where() != null) {
        problem = condition(q.table(), q.where(), join(path, "where"));
        if (problem.isPresent()) {
          return problem;
        }
      }
      List<Ordering> orderBy = q.orderBy();
      for (int i = 0; i < orderBy.size(); i++) {
        problem = column(q.table(), orderBy.get(i).column(), join(path, "orderBy") + "[" + i + "]", "sorts");
        if (problem.isPresent()) {
          return problem;
        }
      }
      if (q.start() != null) {
        for (String column : q.start().row().keySet()) {
          problem = column(q.table(), column, join(join(path, "start.row"), column), "starts at a row of");
          if (problem.isPresent()) {
            return problem;
          }
        }
      }
      List<Related> related = q.related();
      for (int i = 0; i < related.size(); i++) {
        Related r = related.get(i);
        String rPath = join(path, "related") + "[" + i + "]";
        problem = subquery(q.table(), r.correlation(), r.query(), rPath);
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }

    /** A correlated subquery: its table first (a clearer reason than its columns), then the join, then the rest. */
    Optional<Availability.Unavailable> subquery(String parentTable, Correlation correlation, Query child,
        String path) {
      Optional<Availability.Unavailable> problem = table(child.table(), join(path, "query.table"));
      if (problem.isPresent()) {
        return problem;
      }
      for (int i = 0; i < correlation.parent().size(); i++) {
        problem = column(parentTable, correlation.parent().get(i), join(path, "correlation.parent") + "[" + i + "]",
            "joins on");
        if (problem.isPresent()) {
          return problem;
        }
      }
      for (int i = 0; i < correlation.child().size(); i++) {
        problem = column(child.table(), correlation.child().get(i), join(path, "correlation.child") + "[" + i + "]",
            "joins on");
        if (problem.isPresent()) {
          return problem;
        }
      }
      return query(child, join(path, "query"));
    }

    Optional<Availability.Unavailable> condition(String table, Condition c, String path) {
      if (c instanceof Condition.Compare cmp) {
        return column(table, cmp.column(), join(path, "column"), "filters on");
      } else if (c instanceof Condition.And and) {
        return conditions(table, and.conditions(), join(path, "conditions"));
      } else if (c instanceof Condition.Or or) {
        return conditions(table, or.conditions(), join(path, "conditions"));
      } else if (c instanceof Condition.Not not) {
        return condition(table, not.condition(), join(path, "condition"));
      } else if (c instanceof Condition.Exists exists) {
        return subquery(table, exists.correlation(), exists.query(), path);
      }
      throw new IllegalStateException("unknown condition " + c);
    }

    Optional<Availability.Unavailable> conditions(String table, List<Condition> conditions, String path) {
      for (int i = 0; i < conditions.size(); i++) {
        Optional<Availability.Unavailable> problem = condition(table, conditions.get(i), path + "[" + i + "]");
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }

    Optional<Availability.Unavailable> table(String table, String path) {
      if (client.table(table) == null) {
        return unavailable(path, "The query reads table " + table + ", which the client did not declare.");
      }
      return report.tableIssue(table).map(issue -> new Availability.Unavailable(path,
          "The query reads table " + table + ", which is unavailable. " + issue.reason()));
    }

    Optional<Availability.Unavailable> column(String table, String column, String path, String use) {
      if (client.table(table).type(column) == null) {
        return unavailable(path, "The query " + use + " column " + table + "." + column
            + ", which the client did not declare.");
      }
      Optional<Issue> issue = report.columnIssue(table, column);
      if (issue.isPresent() && issue.get().kind() == CompatibilityReport.Kind.MISSING) {
        Issue missing = issue.get();
        return unavailable(path, "The query " + use + " column " + table + "." + column + ", which is missing: "
            + (missing.serverType() == null ? "it is not on the server."
            : "it has type " + missing.serverType() + " on the server, " + missing.clientType() + " declared."));
      }
      return Optional.empty();
    }

    static Optional<Availability.Unavailable> unavailable(String path, String reason) {
      return Optional.of(new Availability.Unavailable(path, reason));
    }

    static String join(String path, String field) {
      return path.isEmpty() ? field : path + "." + field;
    }
  }
}
