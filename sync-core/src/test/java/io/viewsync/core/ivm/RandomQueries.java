package io.viewsync.core.ivm;

import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Start;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import io.viewsync.core.value.StorageClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random queries over a schema whose literals are drawn from the tables' own values (so comparisons, IN lists,
 * LIKE patterns and start rows hit rows), for property tests that compare evaluators. Generates only what
 * {@link io.viewsync.core.query.QueryValidator} accepts; conditions and orders use every column but arrays,
 * bpchar and bytea; subqueries (related and exists, up to the given depth) follow the given links.
 *
 * <p>Not thread-safe: one instance draws from one {@link Random}.
 */
public final class RandomQueries {

  /** A correlation the generator may use: {@code parentTable.parent = childTable.child}. */
  public record Link(String parentTable, String parentColumn, String childTable, String childColumn) {}

  private final Map<String, TableSpec> schema;
  private final Map<String, List<Row>> tables;
  private final List<Link> links;
  private final Random random;

  public RandomQueries(Map<String, TableSpec> schema, Map<String, List<Row>> tables, List<Link> links,
      Random random) {
    this.schema = schema;
    this.tables = tables;
    this.links = links;
    this.random = random;
  }

  /** A query on {@code table} nesting subqueries at most {@code depth} levels. */
  public Query query(String table, int depth) {
    TableSpec spec = schema.get(table);
    Query q = Query.of(table);
    if (random.nextInt(3) > 0) {
      q = q.withWhere(condition(spec, 2, depth));
    }
    List<Ordering> order = new ArrayList<>();
    for (int n = random.nextInt(3); n > 0; n--) {
      ColumnSpec c = comparable(spec);
      order.add(random.nextBoolean() ? Ordering.asc(c.name()) : Ordering.desc(c.name()));
    }
    q = q.withOrderBy(order);
    if (random.nextInt(3) == 0) {
      q = q.withLimit((long) random.nextInt(5));
    }
    if (random.nextInt(4) == 0) {
      q = q.withStart(start(spec, order));
    }
    if (depth > 0) {
      List<Related> related = new ArrayList<>();
      for (int n = random.nextInt(3); n > 0; n--) {
        Link link = link(table);
        if (link != null) {
          related.add(new Related("r" + related.size(), correlation(link), query(link.childTable(), depth - 1)));
        }
      }
      q = q.withRelated(related);
    }
    return q;
  }

  private Condition condition(TableSpec spec, int levels, int depth) {
    int kind = random.nextInt(levels == 0 ? 2 : 6);
    if (kind == 1 && depth > 0) {
      Link link = link(spec.name().replicaName());
      if (link != null) {
        Query sub = query(link.childTable(), depth - 1).withRelated(List.of());
        return new Condition.Exists(correlation(link), sub, random.nextBoolean());
      }
    }
    if (kind == 2 || kind == 3) {
      List<Condition> children = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        children.add(condition(spec, levels - 1, depth));
      }
      return kind == 2 ? new Condition.And(children) : new Condition.Or(children);
    }
    if (kind == 4) {
      return new Condition.Not(condition(spec, levels - 1, depth));
    }
    return compare(spec);
  }

  private Condition compare(TableSpec spec) {
    ColumnSpec column = comparable(spec);
    boolean bool = column.type().oid() == PgType.BOOL.oid();
    boolean text = column.type().storageClass() == StorageClass.TEXT;
    List<Op> ops = new ArrayList<>(List.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN, Op.NOT_IN, Op.IS,
        Op.IS_NOT));
    if (text) {
      ops.add(Op.LIKE);
      ops.add(Op.ILIKE);
      ops.add(Op.LIKE);
      ops.add(Op.ILIKE);
    }
    Op op = ops.get(random.nextInt(ops.size()));
    String name = column.name();
    switch (op) {
      case IS, IS_NOT -> {
        Literal v = bool && random.nextBoolean() ? new Literal.Bool(random.nextBoolean()) : Literal.Null.INSTANCE;
        return new Condition.Compare(name, op, v);
      }
      case IN, NOT_IN -> {
        List<Literal> values = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
          Literal v = value(spec, column);
          if (!(v instanceof Literal.Null)) {
            values.add(v);
          }
        }
        return new Condition.Compare(name, op, new Literal.ListOf(values));
      }
      case LIKE, ILIKE -> {
        return new Condition.Compare(name, op, pattern(spec, column));
      }
      default -> {
        return new Condition.Compare(name, op, value(spec, column));
      }
    }
  }

  /** A pattern from a value of the column: a prefix, suffix or middle with wildcards, letters' case flipped. */
  private Literal pattern(TableSpec spec, ColumnSpec column) {
    Object v = sample(spec, column);
    if (v == null) {
      return random.nextInt(4) == 0 ? Literal.Null.INSTANCE : new Literal.Text("%");
    }
    int[] cps = ((String) v).codePoints().toArray();
    StringBuilder p = new StringBuilder();
    int from = cps.length == 0 ? 0 : random.nextInt(cps.length + 1);
    int to = from + random.nextInt(cps.length - from + 1);
    if (from > 0) {
      p.append(random.nextBoolean() ? "%" : "_".repeat(from));
    }
    for (int i = from; i < to; i++) {
      int cp = cps[i];
      if (random.nextInt(5) == 0) {
        p.append('_');
        continue;
      }
      if (random.nextInt(4) == 0) {
        cp = Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp);
      }
      if (cp == '%' || cp == '_' || cp == '\\') {
        p.append('\\');
      }
      p.appendCodePoint(cp);
    }
    if (to < cps.length || random.nextBoolean()) {
      p.append('%');
    }
    return new Literal.Text(p.toString());
  }

  private Start start(TableSpec spec, List<Ordering> order) {
    List<String> columns = new ArrayList<>();
    order.forEach(o -> columns.add(o.column()));
    spec.keyColumns().forEach(k -> {
      if (!columns.contains(k)) {
        columns.add(k);
      }
    });
    List<Row> rows = tables.get(spec.name().replicaName());
    Row base = rows.isEmpty() ? null : rows.get(random.nextInt(rows.size()));
    Map<String, Literal> start = new LinkedHashMap<>();
    for (String c : columns) {
      ColumnSpec column = spec.column(c).orElseThrow();
      start.put(c, base != null && random.nextInt(4) > 0 ? literal(column, base.get(c)) : value(spec, column));
    }
    return new Start(start, random.nextBoolean());
  }

  /** A value of the column from the table (NULL among them), sometimes a nearby or an absent one. */
  private Literal value(TableSpec spec, ColumnSpec column) {
    Object v = sample(spec, column);
    if (v != null && random.nextInt(5) == 0) {
      if (v instanceof Long l && column.type().oid() != PgType.BOOL.oid()) {
        v = l + random.nextInt(3) - 1;
      } else if (v instanceof Double d) {
        v = d + 0.5;
      } else if (v instanceof String s) {
        v = s + (random.nextBoolean() ? "a" : "");
      }
    }
    return literal(column, v);
  }

  private Object sample(TableSpec spec, ColumnSpec column) {
    List<Row> rows = tables.get(spec.name().replicaName());
    if (rows.isEmpty() || random.nextInt(8) == 0) {
      return null;
    }
    return rows.get(random.nextInt(rows.size())).get(column.name());
  }

  private static Literal literal(ColumnSpec column, Object v) {
    if (v == null) {
      return Literal.Null.INSTANCE;
    }
    if (column.type().oid() == PgType.BOOL.oid()) {
      return new Literal.Bool((Long) v != 0);
    } else if (v instanceof Long l) {
      return new Literal.Int(l);
    } else if (v instanceof Double d) {
      return new Literal.Real(d);
    } else if (v instanceof String s) {
      return new Literal.Text(s);
    }
    throw new IllegalArgumentException("no literal for " + v);
  }

  /** A column the generator can compare and order by: bool, integer, timestamp, float, text (not numeric etc.). */
  private ColumnSpec comparable(TableSpec spec) {
    List<ColumnSpec> candidates = spec.columns().stream().filter(c -> {
      PgType t = c.type();
      return !t.isArray() && t.oid() != PgType.BPCHAR.oid() && t.storageClass() != StorageClass.BLOB;
    }).toList();
    return candidates.get(random.nextInt(candidates.size()));
  }

  private Link link(String parentTable) {
    List<Link> from = links.stream().filter(l -> l.parentTable().equals(parentTable)).toList();
    return from.isEmpty() ? null : from.get(random.nextInt(from.size()));
  }

  private static Correlation correlation(Link link) {
    return new Correlation(List.of(link.parentColumn()), List.of(link.childColumn()));
  }
}
