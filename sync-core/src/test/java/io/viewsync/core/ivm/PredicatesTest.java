package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Query;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PredicatesTest {

  /** Expected three-valued results. */
  enum T { TRUE, FALSE, UNKNOWN }

  private static final String SMILE = new String(Character.toChars(0x1F600)); // two UTF-16 units, one code point

  static Literal lit(Object v) {
    if (v == null) {
      return Literal.Null.INSTANCE;
    } else if (v instanceof Boolean b) {
      return new Literal.Bool(b);
    } else if (v instanceof Integer i) {
      return new Literal.Int(i);
    } else if (v instanceof Long l) {
      return new Literal.Int(l);
    } else if (v instanceof Double d) {
      return new Literal.Real(d);
    } else if (v instanceof String s) {
      return new Literal.Text(s);
    } else if (v instanceof List<?> list) {
      return new Literal.ListOf(list.stream().map(PredicatesTest::lit).toList());
    }
    throw new IllegalArgumentException(String.valueOf(v));
  }

  static Condition cmp(String column, Op op, Object value) {
    return new Condition.Compare(column, op, lit(value));
  }

  /** Column {@code x} holding {@code value}, {@code op} against {@code literal}: the expected truth value. */
  static Arguments c(Object value, Op op, Object literal, T expected) {
    return Arguments.of(value, op, literal, expected);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // = != < <= > >= : NULL on either side is unknown; numbers by value across Long/Double
        c(1L, Op.EQ, 1, T.TRUE),
        c(1L, Op.EQ, 1.0, T.TRUE),
        c(1.0, Op.EQ, 1, T.TRUE),
        c(1.5, Op.EQ, 1, T.FALSE),
        c(null, Op.EQ, 1, T.UNKNOWN),
        c(1L, Op.EQ, null, T.UNKNOWN),
        c(null, Op.EQ, null, T.UNKNOWN),
        c(null, Op.NE, 1, T.UNKNOWN),
        c(1L, Op.NE, null, T.UNKNOWN),
        c(1L, Op.NE, 1.0, T.FALSE),
        c(1L, Op.NE, 2, T.TRUE),
        c(1L, Op.LT, 1.5, T.TRUE),
        c(2L, Op.LE, 2.0, T.TRUE),
        c(2L, Op.GT, 2.0, T.FALSE),
        c(2L, Op.GE, 2.0, T.TRUE),
        c(null, Op.LT, 1, T.UNKNOWN),
        c(null, Op.GE, 1, T.UNKNOWN),
        c((1L << 53) + 1, Op.GT, (double) (1L << 53), T.TRUE), // exact, not via double
        c(Long.MAX_VALUE, Op.LT, 0x1p63, T.TRUE),
        // text: code point (UTF-8 byte) order, case-sensitive
        c("a", Op.EQ, "a", T.TRUE),
        c("a", Op.EQ, "A", T.FALSE),
        c("B", Op.LT, "a", T.TRUE),
        c("é", Op.GT, "z", T.TRUE),
        c(SMILE, Op.GT, "\uFF21", T.TRUE), // UTF-16 order would say less
        c("ab", Op.GT, "a", T.TRUE),
        c("", Op.LT, "a", T.TRUE),
        // bool columns hold 1/0
        c(1L, Op.EQ, true, T.TRUE),
        c(0L, Op.EQ, true, T.FALSE),
        c(0L, Op.LT, true, T.TRUE),
        // IS / IS NOT: null-safe, never unknown
        c(null, Op.IS, null, T.TRUE),
        c(1L, Op.IS, null, T.FALSE),
        c(null, Op.IS_NOT, null, T.FALSE),
        c(1L, Op.IS_NOT, null, T.TRUE),
        c(1L, Op.IS, true, T.TRUE),
        c(0L, Op.IS, false, T.TRUE),
        c(0L, Op.IS_NOT, true, T.TRUE),
        c(null, Op.IS_NOT, true, T.TRUE),
        c(null, Op.IS, true, T.FALSE),
        c(1L, Op.IS, 1.0, T.TRUE),
        // IN / NOT IN: empty lists decide alone; NULL otherwise unknown
        c(1L, Op.IN, List.of(1, 2), T.TRUE),
        c(1.0, Op.IN, List.of(1, 2), T.TRUE),
        c(2L, Op.IN, List.of(1.0, 2.0), T.TRUE),
        c(3L, Op.IN, List.of(1, 2), T.FALSE),
        c(1L, Op.IN, List.of(), T.FALSE),
        c(null, Op.IN, List.of(), T.FALSE),
        c(null, Op.IN, List.of(1), T.UNKNOWN),
        c(3L, Op.NOT_IN, List.of(1, 2), T.TRUE),
        c(1L, Op.NOT_IN, List.of(2, 1), T.FALSE),
        c(1L, Op.NOT_IN, List.of(), T.TRUE),
        c(null, Op.NOT_IN, List.of(), T.TRUE),
        c(null, Op.NOT_IN, List.of(1), T.UNKNOWN),
        c("b", Op.IN, List.of("c", "a", "b"), T.TRUE),
        c("B", Op.IN, List.of("c", "a", "b"), T.FALSE),
        c(1L, Op.IN, List.of(true), T.TRUE),
        // LIKE: % any run (also none), _ one code point, \ escapes; case-sensitive
        c("abc", Op.LIKE, "a%", T.TRUE),
        c("abc", Op.LIKE, "A%", T.FALSE),
        c("abc", Op.LIKE, "abc", T.TRUE),
        c("abcd", Op.LIKE, "abc", T.FALSE),
        c("ab", Op.LIKE, "abc", T.FALSE),
        c("abc", Op.LIKE, "", T.FALSE),
        c("", Op.LIKE, "", T.TRUE),
        c("", Op.LIKE, "%", T.TRUE),
        c("", Op.LIKE, "%%", T.TRUE),
        c("", Op.LIKE, "_", T.FALSE),
        c("abc", Op.LIKE, "%%c", T.TRUE),
        c("abc", Op.LIKE, "%b%", T.TRUE),
        c("abc", Op.LIKE, "_b_", T.TRUE),
        c("abc", Op.LIKE, "_%_%_", T.TRUE),
        c("ab", Op.LIKE, "_%_%_", T.FALSE),
        c("mississippi", Op.LIKE, "%iss%ppi", T.TRUE),
        c("mississippi", Op.LIKE, "m%ss%x", T.FALSE),
        c("mississippi", Op.LIKE, "%issip%", T.TRUE),
        c("aaab", Op.LIKE, "%aab", T.TRUE),
        c("a\nb", Op.LIKE, "a_b", T.TRUE),
        c("a\nb", Op.LIKE, "a%", T.TRUE),
        c(SMILE, Op.LIKE, "_", T.TRUE),
        c(SMILE, Op.LIKE, "__", T.FALSE),
        c("a" + SMILE + "b", Op.LIKE, "a_b", T.TRUE),
        c("a" + SMILE + "b", Op.LIKE, "a%b", T.TRUE),
        c(SMILE + SMILE, Op.LIKE, "%" + SMILE, T.TRUE),
        c("100%", Op.LIKE, "100\\%", T.TRUE),
        c("100x", Op.LIKE, "100\\%", T.FALSE),
        c("100", Op.LIKE, "100\\%", T.FALSE),
        c("a_b", Op.LIKE, "a\\_b", T.TRUE),
        c("axb", Op.LIKE, "a\\_b", T.FALSE),
        c("a\\b", Op.LIKE, "a\\\\b", T.TRUE),
        c("a\\b", Op.LIKE, "a\\b", T.FALSE), // \b is a plain b
        c("ab", Op.LIKE, "a\\b", T.TRUE),
        c("a" + SMILE, Op.LIKE, "a\\" + SMILE, T.TRUE), // an escaped surrogate pair is one code point
        c(null, Op.LIKE, "%", T.UNKNOWN),
        c("a", Op.LIKE, null, T.UNKNOWN),
        // ILIKE: folds ASCII letters only
        c("abc", Op.ILIKE, "A%", T.TRUE),
        c("ABC", Op.ILIKE, "a_c", T.TRUE),
        c("aXb", Op.ILIKE, "A\\xB", T.TRUE), // escaped letters fold too, as Postgres' lower(pattern) does
        c("É", Op.ILIKE, "é", T.FALSE),
        c("é", Op.ILIKE, "É", T.FALSE),
        c("É", Op.ILIKE, "É", T.TRUE),
        c("\u212A", Op.ILIKE, "k", T.FALSE), // KELVIN SIGN folds to k only under Unicode rules
        c("ß", Op.ILIKE, "SS", T.FALSE),
        c("\u0130", Op.ILIKE, "i", T.FALSE), // İ
        c("\u0131", Op.ILIKE, "I", T.FALSE), // ı
        c("@[`{", Op.ILIKE, "@[`{", T.TRUE), // the neighbours of A-Z and a-z do not fold
        c("@", Op.ILIKE, "`", T.FALSE),
        c("[", Op.ILIKE, "{", T.FALSE),
        c(null, Op.ILIKE, "%", T.UNKNOWN));
  }

  @ParameterizedTest(name = "{0} {1} {2} is {3}")
  @MethodSource("cases")
  void comparisonsFollowTheDocumentedMeaning(Object value, Op op, Object literal, T expected) {
    Condition condition = cmp("x", op, literal);
    Row row = Row.of("x", value);
    assertThat(truth(condition, row)).isEqualTo(expected);
    // The naive evaluator (the reference for whole queries) must agree on every case.
    Boolean naive = NaiveEvaluator.truth(condition, row, e -> {
      throw new AssertionError();
    });
    assertThat(naive == null ? T.UNKNOWN : naive ? T.TRUE : T.FALSE).as("NaiveEvaluator").isEqualTo(expected);
  }

  /** The three-valued result through the boolean API: c passes if TRUE, not(c) passes if FALSE. */
  static T truth(Condition condition, Row row) {
    boolean passes = Predicates.compile(condition).test(row);
    boolean negationPasses = Predicates.compile(new Condition.Not(condition)).test(row);
    assertThat(passes && negationPasses).as("c and not c both pass").isFalse();
    return passes ? T.TRUE : negationPasses ? T.FALSE : T.UNKNOWN;
  }

  private static final Row NULL_ROW = Row.of("n", null);
  private static final Map<T, Condition> ATOMS = Map.of(
      T.TRUE, cmp("n", Op.IS, null),
      T.FALSE, cmp("n", Op.IS_NOT, null),
      T.UNKNOWN, cmp("n", Op.EQ, 1));

  @Test
  void andOrNotFollowKleeneLogic() {
    for (T a : T.values()) {
      assertThat(truth(ATOMS.get(a), NULL_ROW)).isEqualTo(a);
      assertThat(truth(new Condition.Not(ATOMS.get(a)), NULL_ROW)).isEqualTo(kleeneNot(a));
      for (T b : T.values()) {
        assertThat(truth(new Condition.And(List.of(ATOMS.get(a), ATOMS.get(b))), NULL_ROW)).as("%s and %s", a, b)
            .isEqualTo(kleeneAnd(a, b));
        assertThat(truth(new Condition.Or(List.of(ATOMS.get(a), ATOMS.get(b))), NULL_ROW)).as("%s or %s", a, b)
            .isEqualTo(kleeneNot(kleeneAnd(kleeneNot(a), kleeneNot(b))));
      }
    }
    assertThat(truth(new Condition.And(List.of()), NULL_ROW)).isEqualTo(T.TRUE);
    assertThat(truth(new Condition.Or(List.of()), NULL_ROW)).isEqualTo(T.FALSE);
    assertThat(truth(new Condition.Or(List.of(ATOMS.get(T.UNKNOWN), ATOMS.get(T.UNKNOWN), ATOMS.get(T.TRUE))),
        NULL_ROW)).isEqualTo(T.TRUE);
    assertThat(truth(new Condition.And(List.of(ATOMS.get(T.UNKNOWN), ATOMS.get(T.TRUE), ATOMS.get(T.FALSE))),
        NULL_ROW)).isEqualTo(T.FALSE);
  }

  private static T kleeneNot(T a) {
    return a == T.TRUE ? T.FALSE : a == T.FALSE ? T.TRUE : T.UNKNOWN;
  }

  private static T kleeneAnd(T a, T b) {
    if (a == T.FALSE || b == T.FALSE) {
      return T.FALSE;
    }
    return a == T.UNKNOWN || b == T.UNKNOWN ? T.UNKNOWN : T.TRUE;
  }

  @Test
  void notOfAComparisonWithNullDoesNotMatch() {
    Row nullX = Row.of("x", null);
    assertThat(Predicates.compile(new Condition.Not(cmp("x", Op.EQ, 1))).test(nullX)).isFalse();
    assertThat(Predicates.compile(new Condition.Not(cmp("x", Op.IN, List.of(1)))).test(nullX)).isFalse();
    assertThat(Predicates.compile(new Condition.Not(cmp("x", Op.LIKE, "%"))).test(Row.of("x", null))).isFalse();
  }

  @Test
  void existsAsksTheRelationshipAndIsNeverUnknown() {
    Condition.Exists hasComments = new Condition.Exists(new Correlation(List.of("id"), List.of("issue_id")),
        Query.of("comments"), false);
    Condition.Exists noLabels = new Condition.Exists(new Correlation(List.of("id"), List.of("issue_id")),
        Query.of("labels"), true);
    Map<Condition.Exists, String> names = new HashMap<>();
    names.put(hasComments, "c");
    names.put(noLabels, "l");
    List<Condition.Exists> asked = new ArrayList<>();
    Predicates.Compiled p = Predicates.compile(new Condition.And(List.of(hasComments, noLabels)), e -> {
      asked.add(e);
      return names.get(e);
    });
    assertThat(asked).containsExactly(hasComments, noLabels); // once per node, at compile time
    assertThat(p.usesExists()).isTrue();
    Row row = Row.of("id", 1L);
    assertThat(p.test(row, nonEmpty(Map.of("c", true, "l", false)))).isTrue();
    assertThat(p.test(row, nonEmpty(Map.of("c", true, "l", true)))).isFalse();
    assertThat(p.test(row, nonEmpty(Map.of("c", false, "l", false)))).isFalse();
    // not(exists) is false, not unknown: it passes when the relationship is empty
    Predicates.Compiled not = Predicates.compile(new Condition.Not(hasComments), e -> "c");
    assertThat(not.test(row, nonEmpty(Map.of("c", false)))).isTrue();
    assertThat(not.test(row, nonEmpty(Map.of("c", true)))).isFalse();
    // exists or unknown is true when the relationship has a row
    Predicates.Compiled or = Predicates.compile(new Condition.Or(List.of(cmp("x", Op.EQ, null), hasComments)),
        e -> "c");
    assertThat(or.test(Row.of("x", 1L), nonEmpty(Map.of("c", true)))).isTrue();
    assertThat(or.test(Row.of("x", 1L), nonEmpty(Map.of("c", false)))).isFalse();
  }

  private static Predicate<String> nonEmpty(Map<String, Boolean> relationships) {
    return name -> {
      Boolean b = relationships.get(name);
      if (b == null) {
        throw new AssertionError("asked for an unknown relationship " + name);
      }
      return b;
    };
  }

  @Test
  void aConditionWithoutExistsDoesNotUseIt() {
    Predicates.Compiled p = Predicates.compile(cmp("x", Op.EQ, 1), e -> "never");
    assertThat(p.usesExists()).isFalse();
    assertThat(p.test(Row.of("x", 1L), name -> {
      throw new AssertionError("asked " + name);
    })).isTrue();
  }

  @Test
  void thePlainPredicateRefusesExists() {
    Condition exists = new Condition.Exists(new Correlation(List.of("id"), List.of("issue_id")),
        Query.of("comments"), false);
    assertThatThrownBy(() -> Predicates.compile(new Condition.Not(exists)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
  }

  @Test
  void storageValuesOfLiterals() {
    assertThat(Predicates.storageValue(Literal.Null.INSTANCE)).isNull();
    assertThat(Predicates.storageValue(new Literal.Bool(true))).isEqualTo(1L);
    assertThat(Predicates.storageValue(new Literal.Bool(false))).isEqualTo(0L);
    assertThat(Predicates.storageValue(new Literal.Int(-7))).isEqualTo(-7L);
    assertThat(Predicates.storageValue(new Literal.Real(1.5))).isEqualTo(1.5);
    assertThat(Predicates.storageValue(new Literal.Real(-0.0))).isEqualTo(0.0); // the literal normalizes -0.0
    assertThat(Predicates.storageValue(new Literal.Text("é"))).isEqualTo("é");
    assertThatThrownBy(() -> Predicates.storageValue(new Literal.ListOf(List.of())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shapesTheValidatorRefusesAreRefusedAtCompileTime() {
    assertThatThrownBy(() -> Predicates.compile(cmp("x", Op.EQ, List.of(1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Predicates.compile(cmp("x", Op.IN, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Predicates.compile(new Condition.Compare("x", Op.IN,
        new Literal.ListOf(List.of(Literal.Null.INSTANCE))))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Predicates.compile(cmp("x", Op.LIKE, "ab\\")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escape");
    assertThatThrownBy(() -> Predicates.compile(cmp("x", Op.LIKE, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(Predicates.compile(cmp("x", Op.LIKE, "ab\\\\")).test(Row.of("x", "ab\\"))).isTrue(); // escaped \
  }

  @Test
  void likeOnAValueThatIsNotTextIsABug() {
    Predicate<Row> p = Predicates.compile(cmp("x", Op.LIKE, "1%"));
    assertThatThrownBy(() -> p.test(Row.of("x", 12L))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aColumnTheRowLacksIsABugNotANull() {
    Predicate<Row> p = Predicates.compile(cmp("y", Op.IS, null));
    assertThatThrownBy(() -> p.test(Row.of("x", 1L))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void likeMatchingHasNoBacktrackingExplosion() {
    String value = "a".repeat(200_000);
    String pattern = "%a".repeat(30) + "%b"; // a backtracking regex needs ~n^30 steps for this
    Predicate<Row> p = Predicates.compile(cmp("x", Op.LIKE, pattern));
    Predicate<Row> q = Predicates.compile(cmp("x", Op.LIKE, "%" + "_".repeat(100) + "%b"));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertThat(p.test(Row.of("x", value))).isFalse();
      assertThat(p.test(Row.of("x", value + "b"))).isTrue();
      assertThat(q.test(Row.of("x", value))).isFalse();
    });
  }

  /**
   * Random LIKE patterns and values over a small alphabet (with a supplementary character and both cases),
   * checked against the regex translation: the matcher's backtracking is the subtle part.
   */
  @Test
  void likeAgreesWithARegexOnRandomPatterns() {
    long seed = seed();
    Random random = new Random(seed);
    String[] wideAlphabet = {"a", "A", "b", "%", "_", "\\%", "\\_", "\\\\", SMILE, "é"};
    String[] wideValues = {"a", "A", "b", "%", "_", "\\", SMILE, "é", "É"};
    String[] narrowAlphabet = {"a", "b", "%", "_"}; // repetitive values and patterns exercise the backtracking
    String[] narrowValues = {"a", "b"};
    for (int i = 0; i < 30_000; i++) {
      boolean narrow = random.nextBoolean();
      String[] alphabet = narrow ? narrowAlphabet : wideAlphabet;
      String[] values = narrow ? narrowValues : wideValues;
      StringBuilder pattern = new StringBuilder();
      for (int n = random.nextInt(8); n > 0; n--) {
        pattern.append(alphabet[random.nextInt(alphabet.length)]);
      }
      StringBuilder value = new StringBuilder();
      for (int n = random.nextInt(10); n > 0; n--) {
        value.append(values[random.nextInt(values.length)]);
      }
      boolean ilike = random.nextBoolean();
      boolean expected = NaiveEvaluator.likeRegex(pattern.toString(), ilike).matcher(value).matches();
      boolean actual = Predicates.LikePattern.compile(pattern.toString(), ilike).matches(value.toString());
      assertThat(actual).as("seed %d: '%s' %s '%s'", seed, value, ilike ? "ILIKE" : "LIKE", pattern)
          .isEqualTo(expected);
    }
  }

  /** Random conditions over random rows: Predicates and the naive evaluator agree on every three-valued result. */
  @Test
  void agreesWithTheNaiveEvaluatorOnRandomConditions() {
    long seed = seed();
    Random random = new Random(seed);
    Object[] numbers = {null, 0L, 1L, 2L, 1.0, 1.5, -3L};
    Object[] texts = {null, "", "a", "A", "ab", "é", SMILE};
    for (int i = 0; i < 3_000; i++) {
      Condition condition = randomCondition(random, 3, numbers, texts);
      Predicate<Row> compiled = Predicates.compile(condition);
      Predicate<Row> negated = Predicates.compile(new Condition.Not(condition));
      for (int r = 0; r < 10; r++) {
        Row row = Row.of("n", numbers[random.nextInt(numbers.length)], "t", texts[random.nextInt(texts.length)]);
        Boolean expected = NaiveEvaluator.truth(condition, row, e -> {
          throw new AssertionError();
        });
        assertThat(compiled.test(row)).as("seed %d: %s on %s", seed, condition, row)
            .isEqualTo(Boolean.TRUE.equals(expected));
        assertThat(negated.test(row)).as("seed %d: not %s on %s", seed, condition, row)
            .isEqualTo(Boolean.FALSE.equals(expected));
      }
    }
  }

  private static Condition randomCondition(Random random, int depth, Object[] numbers, Object[] texts) {
    int kind = random.nextInt(depth == 0 ? 1 : 4);
    if (kind == 1 || kind == 2) {
      List<Condition> children = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        children.add(randomCondition(random, depth - 1, numbers, texts));
      }
      return kind == 1 ? new Condition.And(children) : new Condition.Or(children);
    } else if (kind == 3) {
      return new Condition.Not(randomCondition(random, depth - 1, numbers, texts));
    }
    boolean text = random.nextBoolean();
    Object[] domain = text ? texts : numbers;
    Op op = text ? pick(random, Op.values()) : pick(random, Arrays.stream(Op.values())
        .filter(o -> o != Op.LIKE && o != Op.ILIKE).toArray(Op[]::new));
    Object value = domain[random.nextInt(domain.length)];
    if (op == Op.IN || op == Op.NOT_IN) {
      List<Object> list = new ArrayList<>();
      for (int n = random.nextInt(3); n > 0; n--) {
        Object v = domain[1 + random.nextInt(domain.length - 1)];
        list.add(v);
      }
      return cmp(text ? "t" : "n", op, list);
    }
    if (op == Op.LIKE || op == Op.ILIKE) {
      value = value == null ? null : random.nextBoolean() ? value + "%" : "_" + value;
    }
    if ((op == Op.IS || op == Op.IS_NOT) && value != null && random.nextBoolean()) {
      value = null;
    }
    return cmp(text ? "t" : "n", op, value);
  }

  /** -Dviewsync.seed=N replays a run; else a fresh seed, printed. */
  static long seed() {
    String s = System.getProperty("viewsync.seed");
    long seed = s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s);
    System.out.println("seed: " + seed + " (replay with -Dviewsync.seed=" + seed + ")");
    return seed;
  }

  @SafeVarargs
  private static <X> X pick(Random random, X... values) {
    return values[random.nextInt(values.length)];
  }
}
