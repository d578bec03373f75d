package io.viewsync.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.query.Condition.And;
import io.viewsync.core.query.Condition.Compare;
import io.viewsync.core.query.Condition.Exists;
import io.viewsync.core.query.Condition.Not;
import io.viewsync.core.query.Condition.Or;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style: random queries (seeded, so a failure names its seed) rewritten by meaning-preserving
 * transformations hash the same; every real difference hashes differently.
 */
class QueryHashTest {
  private static final Normalizer NORMALIZER = new Normalizer(Schemas.SCHEMA);
  private static final QueryValidator VALIDATOR = new QueryValidator(Schemas.SCHEMA, QueryLimits.DEFAULTS);
  private static final Correlation ISSUE_COMMENTS = new Correlation(List.of("id"), List.of("issue_id"));

  private static QueryHash hash(Query q) {
    VALIDATOR.validate(q).orElseThrow(); // the generators must only make valid queries
    return QueryHash.of(NORMALIZER.normalize(q));
  }

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void rewritingARandomQueryWithoutChangingItsMeaningKeepsItsHash(long seed) {
    Query q = new Generator(new Random(seed)).query();
    Rewriter rewriter = new Rewriter(new Random(~seed));

    Query rewritten = rewriter.query(q);

    assertThat(hash(rewritten)).as("seed %d:%n%s%n%s", seed, QueryJson.write(q), QueryJson.write(rewritten))
        .isEqualTo(hash(q));
  }

  @Test
  void theHashIsTheSha256OfTheCanonicalJson() {
    // echo -n '{"table":"users","orderBy":[["id","asc"]]}' | sha256sum
    assertThat(hash(Query.of("users")).hex()).isEqualTo("41796f86c4f288dacd098b4ec8063490d1d9ce5613dcea9abafc840be97ea4d1");
  }

  @Test
  void anExplicitKeyOrderHashesLikeNoOrder() {
    assertThat(hash(Query.of("issues").withOrderBy(List.of(Ordering.asc("id"))))).isEqualTo(hash(Query.of("issues")));
  }

  static List<UnaryOperator<Query>> differences() {
    return List.of(
        q -> q.withWhere(new Compare("priority", Op.GE, new Literal.Int(2))),   // op
        q -> q.withWhere(new Compare("priority", Op.GT, new Literal.Int(3))),   // literal
        q -> q.withWhere(new Compare("owner_id", Op.GT, new Literal.Int(2))),   // column
        q -> q.withWhere(new Not(new Compare("priority", Op.GT, new Literal.Int(2)))),
        q -> q.withWhere(new Or(List.of(new Compare("priority", Op.GT, new Literal.Int(2)),
            new Compare("status", Op.EQ, new Literal.Text("open"))))),
        q -> q.withOrderBy(List.of(Ordering.asc("created"))),                  // direction
        q -> q.withOrderBy(List.of(Ordering.desc("created"), Ordering.desc("id"))),
        q -> q.withLimit(51L),                                                  // limit
        q -> q.withLimit(null),
        q -> q.withStart(new Start(java.util.Map.of("created", new Literal.Int(1), "id", new Literal.Int(1)), true)),
        q -> q.withStart(new Start(java.util.Map.of("created", new Literal.Int(1), "id", new Literal.Int(1)), false)),
        q -> q.withRelated(List.of(new Related("comments", ISSUE_COMMENTS, Query.of("comments").withLimit(11L)))),
        q -> q.withRelated(List.of(new Related("notes", ISSUE_COMMENTS, Query.of("comments").withLimit(10L)))),
        q -> q.withRelated(List.of(new Related("comments", ISSUE_COMMENTS, Query.of("comments").withLimit(10L)
            .withOrderBy(List.of(Ordering.desc("created")))))),
        q -> q.withRelated(List.of()),
        q -> q.withWhere(new And(List.of(q.where(), new Exists(ISSUE_COMMENTS, Query.of("comments"), false)))),
        q -> q.withWhere(new And(List.of(q.where(), new Exists(ISSUE_COMMENTS, Query.of("comments"), true)))));
  }

  @ParameterizedTest
  @MethodSource("differences")
  void anyRealDifferenceChangesTheHash(UnaryOperator<Query> change) {
    Query base = Query.of("issues").withWhere(new Compare("priority", Op.GT, new Literal.Int(2)))
        .withOrderBy(List.of(Ordering.desc("created"))).withLimit(50L)
        .withRelated(List.of(new Related("comments", ISSUE_COMMENTS, Query.of("comments").withLimit(10L))));

    assertThat(hash(change.apply(base))).isNotEqualTo(hash(base));
  }

  @Test
  void distinctRandomQueriesHashDifferently() {
    var seen = new java.util.HashMap<QueryHash, Query>();
    for (long seed = 0; seed < 300; seed++) {
      Query normalized = NORMALIZER.normalize(new Generator(new Random(seed)).query());
      Query before = seen.putIfAbsent(QueryHash.of(normalized), normalized);
      if (before != null) {
        assertThat(normalized).as("seed %d", seed).isEqualTo(before);
      }
    }
    assertThat(seen).hasSizeGreaterThan(250);
  }

  @Test
  void aHashIsSixtyFourLowerCaseHexDigits() {
    assertThatThrownBy(() -> new QueryHash("ABC")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Random valid queries over {@link Schemas}: issues with conditions, exists, and related comments. */
  private static final class Generator {
    private final Random random;

    Generator(Random random) {
      this.random = random;
    }

    Query query() {
      Query q = Query.of("issues").withWhere(condition(3));
      if (random.nextBoolean()) {
        q = q.withOrderBy(List.of(random.nextBoolean() ? Ordering.desc("created") : Ordering.asc("priority")));
      }
      if (random.nextBoolean()) {
        q = q.withLimit((long) random.nextInt(100));
      }
      if (random.nextBoolean()) {
        q = q.withRelated(List.of(
            new Related("comments", ISSUE_COMMENTS, Query.of("comments").withLimit((long) random.nextInt(5))),
            new Related("owner", new Correlation(List.of("owner_id"), List.of("id")), Query.of("users"))));
      }
      return q;
    }

    Condition condition(int depth) {
      int pick = random.nextInt(depth == 0 ? 1 : 5);
      return switch (pick) {
        case 0 -> compare();
        case 1 -> new And(children(depth));
        case 2 -> new Or(children(depth));
        case 3 -> new Not(condition(depth - 1));
        default -> new Exists(ISSUE_COMMENTS, Query.of("comments")
            .withWhere(new Compare("author_id", Op.EQ, new Literal.Int(random.nextInt(5)))), random.nextBoolean());
      };
    }

    private List<Condition> children(int depth) {
      List<Condition> out = new ArrayList<>();
      for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
        out.add(condition(depth - 1));
      }
      return out;
    }

    private Compare compare() {
      return switch (random.nextInt(6)) {
        case 0 -> new Compare("status", random.nextBoolean() ? Op.EQ : Op.NE, new Literal.Text("s" + random.nextInt(4)));
        case 1 -> new Compare("priority", List.of(Op.LT, Op.LE, Op.GT, Op.GE).get(random.nextInt(4)),
            new Literal.Int(random.nextInt(5)));
        case 2 -> new Compare("score", Op.GE, new Literal.Real(random.nextInt(8) / 2.0));
        case 3 -> new Compare("priority", random.nextBoolean() ? Op.IN : Op.NOT_IN, new Literal.ListOf(
            List.of(new Literal.Int(random.nextInt(5)), new Literal.Int(random.nextInt(5)),
                new Literal.Int(random.nextInt(5)))));
        case 4 -> new Compare("title", random.nextBoolean() ? Op.LIKE : Op.ILIKE,
            new Literal.Text("%" + random.nextInt(4) + "%"));
        default -> new Compare("open", random.nextBoolean() ? Op.IS : Op.IS_NOT,
            random.nextBoolean() ? Literal.Null.INSTANCE : new Literal.Bool(random.nextBoolean()));
      };
    }
  }

  /**
   * Meaning-preserving rewrites, applied at random: and/or children shuffled, duplicated, split into nested
   * junctions of the same kind or wrapped in a junction of one; conditions double-negated; IN lists shuffled with
   * duplicates; whole numbers written as reals; related reordered; the key added to the order.
   */
  private static final class Rewriter {
    private final Random random;

    Rewriter(Random random) {
      this.random = random;
    }

    Query query(Query q) {
      Query out = q.withWhere(q.where() == null ? null : condition(q.where()));
      List<Related> related = new ArrayList<>(q.related());
      Collections.shuffle(related, random);
      out = out.withRelated(related);
      if (random.nextBoolean()) {
        List<Ordering> order = new ArrayList<>(q.orderBy());
        order.add(Ordering.asc("id"));
        out = out.withOrderBy(order);
      }
      return out;
    }

    Condition condition(Condition c) {
      Condition rewritten = rewrite(c);
      return switch (random.nextInt(6)) {
        case 0 -> new Not(new Not(rewritten));
        case 1 -> new And(List.of(rewritten));
        case 2 -> new Or(List.of(rewritten));
        default -> rewritten;
      };
    }

    private Condition rewrite(Condition c) {
      if (c instanceof Compare cmp) {
        return compare(cmp);
      } else if (c instanceof And and) {
        return new And(junction(and.conditions(), And::new));
      } else if (c instanceof Or or) {
        return new Or(junction(or.conditions(), Or::new));
      } else if (c instanceof Not not) {
        return new Not(condition(not.condition()));
      } else if (c instanceof Exists exists) {
        return random.nextBoolean() ? exists : new Not(new Exists(exists.correlation(), exists.query(),
            !exists.negated()));
      }
      throw new IllegalStateException("unknown condition " + c);
    }

    private List<Condition> junction(List<Condition> children,
        java.util.function.Function<List<Condition>, Condition> sameKind) {
      List<Condition> out = new ArrayList<>();
      children.forEach(child -> out.add(condition(child)));
      if (random.nextBoolean()) {
        out.add(condition(children.get(random.nextInt(children.size()))));
      }
      Collections.shuffle(out, random);
      if (out.size() > 2 && random.nextBoolean()) {
        List<Condition> nested = new ArrayList<>(out.subList(0, 2));
        out.subList(0, 2).clear();
        out.add(sameKind.apply(nested));
      }
      return out;
    }

    private Compare compare(Compare c) {
      if (c.value() instanceof Literal.ListOf list) {
        List<Literal> values = new ArrayList<>(list.values());
        values.add(values.get(0));
        Collections.shuffle(values, random);
        return new Compare(c.column(), c.op(), new Literal.ListOf(values.stream().map(this::number).toList()));
      }
      return new Compare(c.column(), c.op(), number(c.value()));
    }

    private Literal number(Literal value) {
      return value instanceof Literal.Int i && random.nextBoolean() ? new Literal.Real(i.value()) : value;
    }
  }
}
