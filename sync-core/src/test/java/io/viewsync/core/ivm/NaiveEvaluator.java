package io.viewsync.core.ivm;

import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import io.viewsync.core.schema.TableSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The reference meaning of a query (docs/queries.md, "Meaning"), computed from scratch over in-memory tables with
 * no operators and no cleverness: for the incremental views and the replica-backed sources to be compared with.
 *
 * <p>For a query: keep the rows of its table for which the {@code where} is true (three-valued, see
 * {@link #truth}; an exists is evaluated by running its subquery, with its own where, order, start and limit,
 * over the child rows correlated with the row), sort them by the query's order (which must already be
 * completed with the table's key, as {@link io.viewsync.core.query.Normalizer} does), keep those at or after
 * the start row, then the first {@code limit}, and for each attach every related subquery evaluated the same
 * way over the child rows correlated with it. Correlation is SQL equality: a NULL on either side matches nothing.
 *
 * <p>Deliberately independent of {@link Predicates}: literals are converted here, and LIKE goes through
 * {@link java.util.regex} (fine on test data), so a bug in one is not silently shared by the other.
 *
 * <p>Stateless: the public methods are static and read only their arguments (an instance lives for one call);
 * safe from any thread as long as the caller does not change the tables during a call.
 */
public final class NaiveEvaluator {
  private final Map<String, List<Row>> tables;
  private final Map<String, TableSpec> schema;

  private NaiveEvaluator(Map<String, List<Row>> tables, Map<String, TableSpec> schema) {
    this.tables = tables;
    this.schema = schema;
  }

  /**
   * The result of {@code normalizedQuery} over {@code tables} (every row of each table the query reads, storage
   * values, every column the query names present). {@code schema} gives each table's key.
   *
   * @throws IllegalArgumentException if a table is missing from {@code tables} or {@code schema}, or an order
   *     is not completed with its table's key (normalize the query first)
   */
  public static List<ResultNode> evaluate(Query normalizedQuery, Map<String, List<Row>> tables,
      Map<String, TableSpec> schema) {
    NaiveEvaluator e = new NaiveEvaluator(tables, schema);
    return e.nodes(normalizedQuery, e.table(normalizedQuery.table()));
  }

  /**
   * The three-valued truth of {@code condition} for {@code row}: {@code TRUE}, {@code FALSE}, or {@code null} for
   * unknown. {@code exists} answers exists nodes (before {@code negated} is applied: whether the correlated
   * subquery has a row).
   */
  public static Boolean truth(Condition condition, Row row, Function<Condition.Exists, Boolean> exists) {
    if (condition instanceof Condition.Compare c) {
      return compare(c, row.get(c.column()));
    } else if (condition instanceof Condition.And and) {
      boolean unknown = false;
      for (Condition child : and.conditions()) {
        Boolean t = truth(child, row, exists);
        if (t == null) {
          unknown = true;
        } else if (!t) {
          return false;
        }
      }
      return unknown ? null : true;
    } else if (condition instanceof Condition.Or or) {
      boolean unknown = false;
      for (Condition child : or.conditions()) {
        Boolean t = truth(child, row, exists);
        if (t == null) {
          unknown = true;
        } else if (t) {
          return true;
        }
      }
      return unknown ? null : false;
    } else if (condition instanceof Condition.Not not) {
      Boolean t = truth(not.condition(), row, exists);
      return t == null ? null : !t;
    } else if (condition instanceof Condition.Exists e) {
      return exists.apply(e) != e.negated();
    }
    throw new IllegalStateException("unknown condition " + condition);
  }

  private static Boolean compare(Condition.Compare c, Object v) {
    Op op = c.op();
    switch (op) {
      case EQ, NE, LT, LE, GT, GE -> {
        Object w = value(c.value());
        if (v == null || w == null) {
          return null;
        }
        int cmp = Values.compare(v, w);
        return switch (op) {
          case EQ -> cmp == 0;
          case NE -> cmp != 0;
          case LT -> cmp < 0;
          case LE -> cmp <= 0;
          case GT -> cmp > 0;
          default -> cmp >= 0;
        };
      }
      case IS -> {
        return Values.compare(v, value(c.value())) == 0;
      }
      case IS_NOT -> {
        return Values.compare(v, value(c.value())) != 0;
      }
      case IN, NOT_IN -> {
        List<Literal> list = ((Literal.ListOf) c.value()).values();
        if (list.isEmpty()) {
          return op == Op.NOT_IN;
        }
        if (v == null) {
          return null;
        }
        boolean found = false;
        for (Literal l : list) {
          found |= Values.compare(v, value(l)) == 0;
        }
        return found == (op == Op.IN);
      }
      case LIKE, ILIKE -> {
        Object pattern = value(c.value());
        if (v == null || pattern == null) {
          return null;
        }
        return likeRegex((String) pattern, op == Op.ILIKE).matcher((String) v).matches();
      }
      default -> throw new IllegalStateException("unknown operator " + op);
    }
  }

  /**
   * A LIKE pattern as a regex: {@code %} is {@code .*}, {@code _} is {@code .} (one code point; DOTALL so a line
   * break is a character too), an escaped or ordinary character is itself. {@code CASE_INSENSITIVE} without
   * {@code UNICODE_CASE} folds US-ASCII letters only, which is ILIKE's meaning.
   */
  static Pattern likeRegex(String pattern, boolean ignoreAsciiCase) {
    StringBuilder re = new StringBuilder();
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int cp = cps[i];
      if (cp == '%') {
        re.append(".*");
      } else if (cp == '_') {
        re.append('.');
      } else {
        if (cp == '\\') {
          cp = cps[++i]; // the validator refuses a trailing lone backslash
        }
        re.append(Pattern.quote(new String(Character.toChars(cp))));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL | (ignoreAsciiCase ? Pattern.CASE_INSENSITIVE : 0));
  }

  /** A literal as the replica stores it: bool as 1/0, the rest as themselves. */
  private static Object value(Literal l) {
    if (l instanceof Literal.Null) {
      return null;
    } else if (l instanceof Literal.Bool b) {
      return b.value() ? 1L : 0L;
    } else if (l instanceof Literal.Int i) {
      return i.value();
    } else if (l instanceof Literal.Real r) {
      return r.value();
    } else if (l instanceof Literal.Text t) {
      return t.value();
    }
    throw new IllegalArgumentException("not a scalar literal: " + l);
  }

  private List<Row> table(String name) {
    List<Row> rows = tables.get(name);
    if (rows == null) {
      throw new IllegalArgumentException("no rows given for table " + name + " (pass an empty list for none)");
    }
    return rows;
  }

  private TableSpec spec(String name) {
    TableSpec spec = schema.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no table " + name + " in the schema");
    }
    return spec;
  }

  /** The query's rows among {@code candidates} (rows of its table), each with its related subqueries. */
  private List<ResultNode> nodes(Query query, List<Row> candidates) {
    TableSpec spec = spec(query.table());
    List<ResultNode> nodes = new ArrayList<>();
    for (Row row : rows(query, candidates)) {
      Map<String, List<ResultNode>> related = new LinkedHashMap<>();
      for (Related r : query.related()) {
        related.put(r.name(), nodes(r.query(), correlated(r.correlation(), row, r.query().table())));
      }
      nodes.add(new ResultNode(query.table(), row.select(spec.keyColumns()), row, related));
    }
    return nodes;
  }

  /** The query's rows among {@code candidates}: where, order, start, limit; no related. */
  private List<Row> rows(Query query, List<Row> candidates) {
    TableSpec spec = spec(query.table());
    List<String> orderColumns = query.orderBy().stream().map(Ordering::column).toList();
    if (!orderColumns.containsAll(spec.keyColumns())) {
      throw new IllegalArgumentException("the order " + query.orderBy() + " of " + query.table()
          + " does not end with its key " + spec.keyColumns() + ": normalize the query first");
    }
    List<Row> kept = new ArrayList<>();
    for (Row row : candidates) {
      Boolean t = query.where() == null ? Boolean.TRUE
          : truth(query.where(), row, e -> !rows(e.query(), correlated(e.correlation(), row, e.query().table()))
              .isEmpty());
      if (Boolean.TRUE.equals(t)) {
        kept.add(row);
      }
    }
    Comparator<Row> order = order(query.orderBy());
    kept.sort(order);
    if (query.start() != null) {
      Map<String, Object> start = new LinkedHashMap<>();
      query.start().row().forEach((column, literal) -> start.put(column, value(literal)));
      Row bound = Row.of(start);
      boolean exclusive = query.start().exclusive();
      kept.removeIf(row -> {
        int c = order.compare(row, bound);
        return c < 0 || (c == 0 && exclusive);
      });
    }
    if (query.limit() != null && kept.size() > query.limit()) {
      kept = new ArrayList<>(kept.subList(0, (int) (long) query.limit()));
    }
    return kept;
  }

  private static Comparator<Row> order(List<Ordering> orderBy) {
    return (a, b) -> {
      for (Ordering o : orderBy) {
        int c = Values.compare(a.get(o.column()), b.get(o.column()));
        if (c != 0) {
          return o.direction() == Ordering.Direction.ASC ? c : -c;
        }
      }
      return 0;
    };
  }

  /** The rows of {@code childTable} with {@code child[i] = parent[i]} for all i, by SQL equality. */
  private List<Row> correlated(Correlation correlation, Row parent, String childTable) {
    List<Row> children = new ArrayList<>();
    for (Row child : table(childTable)) {
      boolean match = true;
      for (int i = 0; i < correlation.parent().size() && match; i++) {
        Object p = parent.get(correlation.parent().get(i));
        Object c = child.get(correlation.child().get(i));
        match = p != null && c != null && Values.compare(p, c) == 0;
      }
      if (match) {
        children.add(child);
      }
    }
    return children;
  }
}
