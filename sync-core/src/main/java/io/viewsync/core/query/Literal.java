package io.viewsync.core.query;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A constant in a query: the right-hand side of a comparison, a value of a {@link Start} row. Parameters are
 * literals too: a client substitutes them before it sends the query, so two subscriptions that differ only in a
 * parameter are two queries (docs/queries.md).
 *
 * <p>Values are in the replica's representation (DESIGN §5): a timestamp is an {@link Int} of microseconds since
 * the Unix epoch, a numeric or a date a {@link Text}. Immutable values; safe from any thread.
 */
public sealed interface Literal {

  /** SQL NULL. {@code =} and the other ordering comparisons with it never match; {@code IS} does. */
  record Null() implements Literal {
    public static final Null INSTANCE = new Null();
  }

  record Bool(boolean value) implements Literal {}

  /** A 64-bit integer; JSON numbers without fraction or exponent. */
  record Int(long value) implements Literal {}

  /** A finite double; JSON numbers with a fraction or an exponent. {@code -0.0} is stored as {@code 0.0}. */
  record Real(double value) implements Literal {
    public Real {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("a real literal must be finite: " + value);
      }
      value = value == 0.0 ? 0.0 : value; // -0.0 == 0.0 in SQL; records compare doubles bitwise
    }
  }

  record Text(String value) implements Literal {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The right-hand side of {@code IN} / {@code NOT IN}: scalars only, no nested lists. */
  record ListOf(List<Literal> values) implements Literal {
    public ListOf {
      values = List.copyOf(values);
      for (Literal v : values) {
        if (v instanceof ListOf) {
          throw new IllegalArgumentException("a list literal cannot contain a list");
        }
      }
    }
  }

  /**
   * A total order over literals, used only to make canonical forms deterministic (IN lists): by kind (null,
   * bool, number, text, list), numbers by value (an {@link Int} before an equal {@link Real}), texts by UTF-16 code
   * unit. It is not the order a query sorts rows in.
   */
  Comparator<Literal> CANONICAL_ORDER = Literal::compareCanonically;

  private static int compareCanonically(Literal a, Literal b) {
    int c = Integer.compare(rank(a), rank(b));
    if (c != 0) {
      return c;
    }
    if (a instanceof Bool x && b instanceof Bool y) {
      return Boolean.compare(x.value(), y.value());
    }
    if (a instanceof Text x && b instanceof Text y) {
      return x.value().compareTo(y.value());
    }
    if (a instanceof ListOf x && b instanceof ListOf y) {
      for (int i = 0; i < Math.min(x.values().size(), y.values().size()); i++) {
        int e = compareCanonically(x.values().get(i), y.values().get(i));
        if (e != 0) {
          return e;
        }
      }
      return Integer.compare(x.values().size(), y.values().size());
    }
    if (rank(a) == 2) {
      int n = compareNumbers(a, b);
      return n != 0 ? n : Boolean.compare(a instanceof Real, b instanceof Real);
    }
    return 0; // both Null
  }

  private static int compareNumbers(Literal a, Literal b) {
    if (a instanceof Int x && b instanceof Int y) {
      return Long.compare(x.value(), y.value());
    }
    return new java.math.BigDecimal(numberText(a)).compareTo(new java.math.BigDecimal(numberText(b)));
  }

  private static String numberText(Literal n) {
    if (n instanceof Int i) {
      return Long.toString(i.value());
    }
    if (n instanceof Real r) {
      return Double.toString(r.value());
    }
    throw new IllegalStateException("not a number: " + n);
  }

  private static int rank(Literal l) {
    if (l instanceof Null) {
      return 0;
    } else if (l instanceof Bool) {
      return 1;
    } else if (l instanceof Int || l instanceof Real) {
      return 2;
    } else if (l instanceof Text) {
      return 3;
    } else if (l instanceof ListOf) {
      return 4;
    }
    throw new IllegalStateException("unknown literal " + l);
  }
}
