package io.viewsync.core.query;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rewrites a valid query into its canonical form, so that queries that mean the same are equal records (and
 * have the same {@link QueryHash}). The rules, each of which preserves meaning (docs/queries.md):
 *
 * <ul>
 *   <li>orderBy: later duplicates of a column dropped, then the table's key columns not yet in it appended
 *       ascending, so the order is total;
 *   <li>and/or: children normalized, nested ones of the same type flattened, duplicates dropped, the rest sorted
 *       by their canonical JSON; one child is unwrapped; a {@code where} that is an empty {@code and} is removed;
 *   <li>{@code not(not x)} is {@code x}; {@code not(exists)} is {@code exists} negated (exists is never unknown);
 *   <li>numbers typed by their column: {@code 1.0} on an integer column is {@code 1}, {@code 1} on a float column
 *       is {@code 1.0}; IN lists deduplicated and sorted;
 *   <li>start rows keep only the columns of the completed order;
 *   <li>correlation pairs sorted; related sorted by name;
 *   <li>an exists subquery loses its related (they produce nothing), and its orderBy when it has neither limit nor
 *       start (order cannot change which rows exist).
 * </ul>
 *
 * <p>Immutable (the schema map is copied); safe from any thread.
 */
public final class Normalizer {

  private final Map<String, TableSpec> schema;

  /** @param schema the schema the queries were validated against, tables by replica name */
  public Normalizer(Map<String, TableSpec> schema) {
    this.schema = Map.copyOf(schema);
  }

  /**
   * The canonical form of {@code query}, which must have passed {@link QueryValidator} against the same schema;
   * an unknown table or column throws {@link IllegalArgumentException}.
   */
  public Query normalize(Query query) {
    TableSpec table = schema.get(query.table());
    if (table == null) {
      throw new IllegalArgumentException("not a validated query: no table " + query.table());
    }
    Condition where = query.where() == null ? null : condition(table, query.where());
    if (where instanceof Condition.And and && and.conditions().isEmpty()) {
      where = null;
    }
    List<Ordering> orderBy = completeOrder(table, query.orderBy());
    Start start = query.start() == null ? null : start(table, orderBy, query.start());
    List<Related> related = new ArrayList<>();
    for (Related r : query.related()) {
      related.add(new Related(r.name(), correlation(r.correlation()), normalize(r.query())));
    }
    related.sort(Comparator.comparing(Related::name));
    return new Query(query.table(), where, orderBy, query.limit(), start, related);
  }

  private static List<Ordering> completeOrder(TableSpec table, List<Ordering> orderBy) {
    Map<String, Ordering> terms = new LinkedHashMap<>();
    orderBy.forEach(o -> terms.putIfAbsent(o.column(), o));
    table.keyColumns().forEach(k -> terms.putIfAbsent(k, Ordering.asc(k)));
    return List.copyOf(terms.values());
  }

  private static Start start(TableSpec table, List<Ordering> orderBy, Start start) {
    Map<String, Literal> row = new TreeMap<>();
    for (Ordering o : orderBy) {
      Literal value = start.row().get(o.column());
      if (value == null) {
        throw new IllegalArgumentException("not a validated query: the start row has no " + o.column());
      }
      row.put(o.column(), typed(column(table, o.column()), value));
    }
    return new Start(row, start.exclusive());
  }

  private Condition condition(TableSpec table, Condition condition) {
    if (condition instanceof Condition.Compare c) {
      return compare(column(table, c.column()), c);
    } else if (condition instanceof Condition.And a) {
      List<Condition> children = junction(table, a.conditions(), Condition.And.class);
      return children.size() == 1 ? children.get(0) : new Condition.And(children);
    } else if (condition instanceof Condition.Or o) {
      List<Condition> children = junction(table, o.conditions(), Condition.Or.class);
      return children.size() == 1 ? children.get(0) : new Condition.Or(children);
    } else if (condition instanceof Condition.Not n) {
      Condition inner = condition(table, n.condition());
      if (inner instanceof Condition.Not twice) {
        return twice.condition();
      } else if (inner instanceof Condition.Exists e) {
        return new Condition.Exists(e.correlation(), e.query(), !e.negated());
      }
      return new Condition.Not(inner);
    } else if (condition instanceof Condition.Exists e) {
      Query sub = e.query().withRelated(List.of());
      if (sub.limit() == null && sub.start() == null) {
        sub = sub.withOrderBy(List.of());
      }
      return new Condition.Exists(correlation(e.correlation()), normalize(sub), e.negated());
    }
    throw new IllegalStateException("unknown condition " + condition);
  }

  /** The normalized children of an and ({@code type} And) or or ({@code type} Or): flattened, unique, sorted. */
  private List<Condition> junction(TableSpec table, List<Condition> conditions, Class<? extends Condition> type) {
    Map<String, Condition> byCanonicalJson = new TreeMap<>();
    for (Condition child : conditions) {
      Condition normalized = condition(table, child);
      List<Condition> flat = List.of(normalized);
      if (type.isInstance(normalized)) {
        flat = normalized instanceof Condition.And a ? a.conditions() : ((Condition.Or) normalized).conditions();
      }
      flat.forEach(c -> byCanonicalJson.put(QueryJson.toJson(c).toString(), c));
    }
    return List.copyOf(byCanonicalJson.values());
  }

  private static Condition compare(ColumnSpec column, Condition.Compare c) {
    if (c.value() instanceof Literal.ListOf list) {
      Set<Literal> values = new LinkedHashSet<>();
      list.values().forEach(v -> values.add(typed(column, v)));
      List<Literal> sorted = new ArrayList<>(values);
      sorted.sort(Literal.CANONICAL_ORDER);
      return new Condition.Compare(c.column(), c.op(), new Literal.ListOf(sorted));
    }
    return new Condition.Compare(c.column(), c.op(), typed(column, c.value()));
  }

  /** A number as the column's kind holds it; any other literal unchanged. */
  private static Literal typed(ColumnSpec column, Literal value) {
    ColumnKind kind = ColumnKind.of(column.type());
    if (kind == ColumnKind.INTEGER && value instanceof Literal.Real r && Literals.isLong(r.value())) {
      return new Literal.Int((long) r.value());
    }
    if (kind == ColumnKind.REAL && value instanceof Literal.Int i) {
      return new Literal.Real(i.value());
    }
    return value;
  }

  private static Correlation correlation(Correlation correlation) {
    List<String> parent = correlation.parent();
    List<String> child = correlation.child();
    List<String[]> sorted = new ArrayList<>();
    for (int i = 0; i < parent.size(); i++) {
      sorted.add(new String[] {parent.get(i), child.get(i)});
    }
    sorted.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    return new Correlation(sorted.stream().map(p -> p[0]).toList(), sorted.stream().map(p -> p[1]).toList());
  }

  private static ColumnSpec column(TableSpec table, String name) {
    return table.column(name).orElseThrow(() -> new IllegalArgumentException(
        "not a validated query: no column " + name + " in " + table.name().replicaName()));
  }
}
