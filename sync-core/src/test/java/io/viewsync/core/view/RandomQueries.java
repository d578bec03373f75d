package io.viewsync.core.view;

import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import io.viewsync.core.query.Start;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random queries over a {@link RandomSchema} from the whole AST: every comparison operator, and/or/not, exists
 * and not exists (anywhere in a condition), orderBy over several columns both ways, limit (0 included), start
 * (at or after, on existing and missing rows, with NULLs), related subqueries nested to depth 2 in all three
 * correlation shapes, over one column or two, and between an int8 and a float8 column. Every query it returns passes validation. One thread.
 */
public final class RandomQueries {
  private static final String[] PATTERNS = {"a%", "%b", "_", "%", "A%", "é%", "%\\%%", "a\\_b", "", "__"};
  private final Random random;
  private final RandomSchema schema;

  public RandomQueries(Random random, RandomSchema schema) {
    this.random = random;
    this.schema = schema;
  }

  public Query next() {
    return query(pick(schema.names()), 0, false);
  }

  private Query query(String table, int depth, boolean underExists) {
    Query q = Query.of(table);
    if (random.nextInt(3) > 0) {
      q = q.withWhere(condition(table, depth, 0));
    }
    List<Ordering> orderBy = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      String c = pick(RandomSchema.COLUMNS);
      orderBy.add(random.nextBoolean() ? Ordering.asc(c) : Ordering.desc(c));
    }
    q = q.withOrderBy(orderBy);
    if (random.nextInt(underExists ? 4 : 2) == 0) {
      q = q.withLimit((long) random.nextInt(6));
    }
    if (random.nextInt(5) == 0) {
      q = q.withStart(start(orderBy));
    }
    if (!underExists && depth < 2) {
      List<Related> related = new ArrayList<>();
      for (int i = random.nextInt(depth == 0 ? 3 : 2); i > 0; i--) {
        String child = pick(schema.names());
        related.add(new Related("r" + depth + "_" + i, correlation(), query(child, depth + 1, false)));
      }
      q = q.withRelated(related);
    }
    return q;
  }

  /** A start row for the order completed with the key (values from the domains, NULLs included). */
  private Start start(List<Ordering> orderBy) {
    Map<String, Literal> row = new LinkedHashMap<>();
    for (Ordering o : orderBy) {
      row.put(o.column(), RandomSchema.randomLiteral(random, o.column(), !o.column().equals("id")));
    }
    row.putIfAbsent("id", RandomSchema.randomLiteral(random, "id", false));
    return new Start(row, random.nextBoolean());
  }

  private Correlation correlation() {
    return switch (random.nextInt(6)) {
      case 0 -> new Correlation(List.of("id"), List.of("p")); // one-to-many
      case 1 -> new Correlation(List.of("p"), List.of("id")); // many-to-one
      case 2 -> new Correlation(List.of("a"), List.of("a")); // many-to-many
      // Several columns: a composite join, NULLs in any of them.
      case 3 -> random.nextBoolean() ? new Correlation(List.of("id", "a"), List.of("p", "a"))
          : new Correlation(List.of("a", "b"), List.of("a", "b"));
      // An int8 column with a float8 one (the validator lets numbers correlate): 0 = 0.0, 1 = 1.0.
      case 4 -> random.nextBoolean() ? new Correlation(List.of("a"), List.of("f"))
          : new Correlation(List.of("f"), List.of("a"));
      default -> new Correlation(List.of("f"), List.of("f"));
    };
  }

  private Condition condition(String table, int depth, int level) {
    int r = random.nextInt(level >= 2 ? 6 : 10);
    if (r < 5) {
      return compare();
    }
    if (r == 5) {
      if (depth >= 2) {
        return compare();
      }
      return new Condition.Exists(correlation(), query(pick(schema.names()), depth + 1, true), random.nextBoolean());
    }
    if (r < 8) {
      List<Condition> cs = new ArrayList<>();
      for (int i = random.nextInt(3) + 1; i > 0; i--) {
        cs.add(condition(table, depth, level + 1));
      }
      return r == 6 ? new Condition.And(cs) : new Condition.Or(cs);
    }
    return new Condition.Not(condition(table, depth, level + 1));
  }

  private Condition compare() {
    String c = pick(RandomSchema.COLUMNS);
    List<Op> ops = new ArrayList<>(List.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN, Op.NOT_IN, Op.IS,
        Op.IS_NOT));
    if (c.equals("s")) {
      ops.add(Op.LIKE);
      ops.add(Op.ILIKE);
    }
    if (c.equals("b")) {
      ops.removeAll(List.of(Op.LT, Op.LE, Op.GT, Op.GE));
    }
    Op op = pick(ops);
    Literal value;
    if (op == Op.IN || op == Op.NOT_IN) {
      List<Literal> values = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        values.add(RandomSchema.randomLiteral(random, c, false));
      }
      value = new Literal.ListOf(values);
    } else if (op == Op.LIKE || op == Op.ILIKE) {
      value = new Literal.Text(PATTERNS[random.nextInt(PATTERNS.length)]);
    } else if (op == Op.IS || op == Op.IS_NOT) {
      value = c.equals("b") && random.nextBoolean() ? new Literal.Bool(random.nextBoolean()) : Literal.Null.INSTANCE;
    } else {
      value = RandomSchema.randomLiteral(random, c, true);
    }
    return new Condition.Compare(c, op, value);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
