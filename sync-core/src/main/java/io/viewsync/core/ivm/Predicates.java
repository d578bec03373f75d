package io.viewsync.core.ivm;

import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Compiles a query's {@code where} ({@link Condition}) into a row predicate with the meaning docs/queries.md
 * gives it: SQL's three-valued logic inside, a row passes only when the whole condition is true.
 *
 * <ul>
 *   <li>{@code = != < <= > >=}: unknown when either side is NULL, else {@link Values#compare} (numbers by value
 *       across {@link Long} and {@link Double}, so {@code 1 = 1.0}; text by code point, i.e. UTF-8 bytes).
 *   <li>{@code IN} / {@code NOT IN}: an empty list is false / true for every row, NULL included; otherwise a NULL
 *       column value is unknown.
 *   <li>{@code IS} / {@code IS NOT}: null-safe equality ({@code Values.compare == 0}), never unknown.
 *   <li>{@code LIKE}: {@code %} any run of code points (also none), {@code _} exactly one code point, {@code \x}
 *       the code point {@code x} itself; {@code ILIKE} the same with ASCII letters folded (and only those, as SQLite's
 *       LIKE and Postgres' ILIKE under {@code COLLATE "C"} fold). A NULL value or pattern is unknown. Matching is
 *       O(value × pattern) at worst, with no backtracking explosion (no {@code java.util.regex}).
 *   <li>{@code and} / {@code or} / {@code not}: Kleene logic; empty {@code and} is true, empty {@code or} false.
 *   <li>{@code exists}: asks the caller whether the relationship that implements it is non-empty; never unknown.
 * </ul>
 *
 * <p>The condition is walked once, at compile time, into a tree of small closures; literals are converted to
 * storage values then ({@link #storageValue}), so a test does no allocation except what {@link Row#get} does.
 * The condition should have passed {@link io.viewsync.core.query.QueryValidator}: operator/literal shapes it
 * refuses (a list with {@code =}, a non-list with {@code IN}, a pattern ending with a lone {@code \}) throw
 * {@link IllegalArgumentException} here, and a LIKE on a value that is not text throws when tested.
 *
 * <p>Stateless; the compiled predicates are immutable and safe from any thread, as long as the
 * {@code nonEmpty} callback given to {@link Compiled#test} is.
 */
public final class Predicates {
  private Predicates() {}

  /** Kleene truth values; {@link #UNKNOWN} is SQL's NULL boolean. */
  private static final byte FALSE = 0;
  private static final byte TRUE = 1;
  private static final byte UNKNOWN = 2;

  /** A compiled condition: three-valued inside, a plain boolean outside. Immutable; any thread. */
  public interface Compiled {
    /**
     * Whether {@code row} satisfies the condition (true, not false or unknown). {@code nonEmpty} answers, for the
     * relationship name {@code relationshipOf} gave an exists node, whether the row's relationship has a row; it
     * is only called for conditions with {@link #usesExists()}, and may be skipped when the answer cannot matter.
     */
    boolean test(Row row, Predicate<String> nonEmpty);

    /** Whether an exists node is inside, so {@link #test} needs a real {@code nonEmpty}. */
    boolean usesExists();
  }

  /** One compiled node: TRUE, FALSE or UNKNOWN for a row. */
  @FunctionalInterface
  private interface Node {
    byte eval(Row row, Predicate<String> nonEmpty);
  }

  /**
   * The storage value a literal compares as: null, {@code 1L}/{@code 0L} for a bool (the replica stores bool as
   * INTEGER 0/1), {@link Long}, {@link Double}, {@link String}. A list has no single storage value:
   * {@link IllegalArgumentException}.
   */
  public static Object storageValue(Literal literal) {
    Objects.requireNonNull(literal, "literal");
    if (literal instanceof Literal.Null) {
      return null;
    } else if (literal instanceof Literal.Bool b) {
      return b.value() ? 1L : 0L;
    } else if (literal instanceof Literal.Int i) {
      return i.value();
    } else if (literal instanceof Literal.Real r) {
      return r.value();
    } else if (literal instanceof Literal.Text t) {
      return t.value();
    } else if (literal instanceof Literal.ListOf) {
      throw new IllegalArgumentException("a list literal has no single storage value: " + literal);
    }
    throw new IllegalStateException("unknown literal " + literal);
  }

  /**
   * Compiles {@code condition}; each exists node is tested through the relationship {@code relationshipOf}
   * names for it (called once per exists node, now): it passes when {@code nonEmpty(name) != negated}.
   */
  public static Compiled compile(Condition condition, Function<Condition.Exists, String> relationshipOf) {
    Objects.requireNonNull(relationshipOf, "relationshipOf");
    boolean[] usesExists = {false};
    Node node = node(condition, exists -> {
      usesExists[0] = true;
      return Objects.requireNonNull(relationshipOf.apply(exists), "relationship name");
    });
    boolean exists = usesExists[0];
    return new Compiled() {
      @Override
      public boolean test(Row row, Predicate<String> nonEmpty) {
        return node.eval(row, nonEmpty) == TRUE;
      }

      @Override
      public boolean usesExists() {
        return exists;
      }

      @Override
      public String toString() {
        return "Predicates.compile(" + condition + ")";
      }
    };
  }

  /** Compiles a condition without exists nodes ({@link IllegalArgumentException} if it has one). */
  public static Predicate<Row> compile(Condition condition) {
    Node node = node(condition, exists -> {
      throw new IllegalArgumentException("this condition has an exists node; use compile(condition, relationshipOf)");
    });
    Predicate<String> none = name -> {
      throw new IllegalStateException("no exists node was compiled");
    };
    return row -> node.eval(row, none) == TRUE;
  }

  private static Node node(Condition condition, Function<Condition.Exists, String> relationshipOf) {
    Objects.requireNonNull(condition, "condition");
    if (condition instanceof Condition.Compare compare) {
      return compare(compare);
    } else if (condition instanceof Condition.And and) {
      Node[] children = children(and.conditions(), relationshipOf);
      return (row, nonEmpty) -> {
        byte result = TRUE;
        for (Node child : children) {
          byte r = child.eval(row, nonEmpty);
          if (r == FALSE) {
            return FALSE;
          }
          if (r == UNKNOWN) {
            result = UNKNOWN;
          }
        }
        return result;
      };
    } else if (condition instanceof Condition.Or or) {
      Node[] children = children(or.conditions(), relationshipOf);
      return (row, nonEmpty) -> {
        byte result = FALSE;
        for (Node child : children) {
          byte r = child.eval(row, nonEmpty);
          if (r == TRUE) {
            return TRUE;
          }
          if (r == UNKNOWN) {
            result = UNKNOWN;
          }
        }
        return result;
      };
    } else if (condition instanceof Condition.Not not) {
      Node inner = node(not.condition(), relationshipOf);
      return (row, nonEmpty) -> {
        byte r = inner.eval(row, nonEmpty);
        return r == UNKNOWN ? UNKNOWN : r == TRUE ? FALSE : TRUE;
      };
    } else if (condition instanceof Condition.Exists exists) {
      String relationship = relationshipOf.apply(exists);
      boolean negated = exists.negated();
      return (row, nonEmpty) -> nonEmpty.test(relationship) != negated ? TRUE : FALSE;
    }
    throw new IllegalStateException("unknown condition " + condition);
  }

  private static Node[] children(List<Condition> conditions, Function<Condition.Exists, String> relationshipOf) {
    Node[] nodes = new Node[conditions.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = node(conditions.get(i), relationshipOf);
    }
    return nodes;
  }

  private static Node compare(Condition.Compare compare) {
    String column = compare.column();
    Op op = compare.op();
    Literal literal = compare.value();
    if (op.isScalarComparison()) {
      Object value = scalar(compare);
      if (value == null) {
        return (row, nonEmpty) -> UNKNOWN; // x = NULL, x < NULL …: unknown for every row
      }
      return switch (op) {
        case EQ -> cmp(column, value, c -> c == 0);
        case NE -> cmp(column, value, c -> c != 0);
        case LT -> cmp(column, value, c -> c < 0);
        case LE -> cmp(column, value, c -> c <= 0);
        case GT -> cmp(column, value, c -> c > 0);
        case GE -> cmp(column, value, c -> c >= 0);
        default -> throw new IllegalStateException(op.name());
      };
    }
    switch (op) {
      case IS, IS_NOT -> {
        Object value = scalar(compare);
        boolean equal = op == Op.IS;
        return (row, nonEmpty) -> (Values.compare(row.get(column), value) == 0) == equal ? TRUE : FALSE;
      }
      case IN, NOT_IN -> {
        return in(compare);
      }
      case LIKE, ILIKE -> {
        if (literal instanceof Literal.Null) {
          return (row, nonEmpty) -> UNKNOWN;
        }
        if (!(literal instanceof Literal.Text pattern)) {
          throw new IllegalArgumentException(op.symbol() + " takes a text pattern, not " + literal);
        }
        LikePattern like = LikePattern.compile(pattern.value(), op == Op.ILIKE);
        return (row, nonEmpty) -> {
          Object v = row.get(column);
          if (v == null) {
            return UNKNOWN;
          }
          if (!(v instanceof String s)) {
            throw new IllegalArgumentException(op.symbol() + " on a value that is not text: column " + column
                + " = " + v + " (the validator allows LIKE on text columns only)");
          }
          return like.matches(s) ? TRUE : FALSE;
        };
      }
      default -> throw new IllegalStateException("unknown operator " + op);
    }
  }

  private interface IntTest {
    boolean test(int comparison);
  }

  private static Node cmp(String column, Object value, IntTest test) {
    return (row, nonEmpty) -> {
      Object v = row.get(column);
      if (v == null) {
        return UNKNOWN;
      }
      return test.test(Values.compare(v, value)) ? TRUE : FALSE;
    };
  }

  private static Object scalar(Condition.Compare compare) {
    if (compare.value() instanceof Literal.ListOf) {
      throw new IllegalArgumentException(compare.op().symbol() + " takes one value, not a list: " + compare);
    }
    return storageValue(compare.value());
  }

  /** IN / NOT IN: binary search over the list sorted by {@link Values#compare} (a total order). */
  private static Node in(Condition.Compare compare) {
    if (!(compare.value() instanceof Literal.ListOf list)) {
      throw new IllegalArgumentException(compare.op().symbol() + " takes a list: " + compare);
    }
    boolean in = compare.op() == Op.IN;
    String column = compare.column();
    if (list.values().isEmpty()) {
      byte always = in ? FALSE : TRUE; // even for a NULL column value: x IN () is false, x NOT IN () true
      return (row, nonEmpty) -> always;
    }
    List<Object> values = new ArrayList<>();
    for (Literal l : list.values()) {
      if (l instanceof Literal.Null) {
        throw new IllegalArgumentException(compare.op().symbol() + " lists cannot contain null: " + compare);
      }
      values.add(storageValue(l));
    }
    Object[] sorted = values.toArray();
    Arrays.sort(sorted, Values::compare);
    return (row, nonEmpty) -> {
      Object v = row.get(column);
      if (v == null) {
        return UNKNOWN;
      }
      boolean found = Arrays.binarySearch(sorted, v, Values::compare) >= 0;
      return found == in ? TRUE : FALSE;
    };
  }

  /**
   * A compiled LIKE pattern: code points, each a literal or a wildcard. Matching is the classic two-pointer
   * wildcard algorithm: on a mismatch, retry just after the most recent {@code %}, letting it swallow one more
   * code point. Correct because a later {@code %} can absorb whatever an earlier one would have, so only the
   * latest needs retrying; O(value × pattern) in the worst case. Immutable; any thread.
   */
  static final class LikePattern {
    /** Wildcards as negative code points; literals are ≥ 0 (folded to lower case for ILIKE). */
    private static final int ANY_ONE = -1;
    private static final int ANY_RUN = -2;

    private final int[] tokens;
    private final boolean foldAscii;

    private LikePattern(int[] tokens, boolean foldAscii) {
      this.tokens = tokens;
      this.foldAscii = foldAscii;
    }

    static LikePattern compile(String pattern, boolean foldAscii) {
      int[] tokens = new int[pattern.length()];
      int n = 0;
      for (int i = 0; i < pattern.length(); ) {
        int cp = pattern.codePointAt(i);
        i += Character.charCount(cp);
        if (cp == '\\') {
          if (i >= pattern.length()) {
            throw new IllegalArgumentException("a LIKE pattern cannot end with a lone escape (\\): " + pattern);
          }
          cp = pattern.codePointAt(i);
          i += Character.charCount(cp);
          tokens[n++] = foldAscii ? lower(cp) : cp;
        } else if (cp == '%') {
          if (n == 0 || tokens[n - 1] != ANY_RUN) { // %% is %
            tokens[n++] = ANY_RUN;
          }
        } else if (cp == '_') {
          tokens[n++] = ANY_ONE;
        } else {
          tokens[n++] = foldAscii ? lower(cp) : cp;
        }
      }
      return new LikePattern(Arrays.copyOf(tokens, n), foldAscii);
    }

    private static int lower(int cp) {
      return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }

    boolean matches(String s) {
      int p = 0; // next token
      int i = 0; // next char index in s, always at a code point boundary
      int starP = -1; // token index of the latest %, or -1
      int starI = 0; // where that % stopped swallowing
      int n = s.length();
      while (i < n) {
        if (p < tokens.length && tokens[p] != ANY_RUN) {
          int cp = s.codePointAt(i);
          int t = tokens[p];
          if (t == ANY_ONE || t == (foldAscii ? lower(cp) : cp)) {
            p++;
            i += Character.charCount(cp);
            continue;
          }
        } else if (p < tokens.length) { // a %: swallow nothing for now, remember where to resume
          starP = p++;
          starI = i;
          continue;
        }
        if (starP < 0) {
          return false;
        }
        starI += Character.charCount(s.codePointAt(starI)); // the latest % swallows one more code point
        i = starI;
        p = starP + 1;
      }
      while (p < tokens.length && tokens[p] == ANY_RUN) {
        p++;
      }
      return p == tokens.length;
    }
  }
}
