package io.viewsync.core.ivm;

import java.util.Arrays;

/**
 * The storage values an operator sees — exactly the replica's storage classes (DESIGN §5): {@code null},
 * {@link Long}, {@link Double}, {@link String}, {@code byte[]} — and their order, which is SQLite's so that an
 * operator and an {@code ORDER BY} on the replica agree row for row.
 *
 * <p>Order (<a href="https://www.sqlite.org/datatype3.html#comparison_expressions">SQLite, §4.1</a>): NULL &lt;
 * numbers (INTEGER and REAL compared by value) &lt; text (binary collation: UTF-8 byte order, which is code point
 * order) &lt; blob ({@code memcmp}). Stateless; any thread.
 */
public final class Values {
  private Values() {}

  /** Throws {@link IllegalArgumentException} unless {@code value} is one of the storage classes. */
  public static Object check(Object value) {
    if (value == null || value instanceof Long || value instanceof Double || value instanceof String
        || value instanceof byte[]) {
      return value;
    }
    throw new IllegalArgumentException("not a storage value (null, Long, Double, String, byte[]): "
        + value.getClass().getName());
  }

  /** SQLite's order of two storage values; 0 also for {@code 1} and {@code 1.0}, as in SQLite. */
  public static int compare(Object a, Object b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    if (a == null) {
      return 0;
    }
    if (a instanceof Long la) {
      return b instanceof Long lb ? Long.compare(la, lb) : compareLongDouble(la, (Double) b);
    }
    if (a instanceof Double da) {
      return b instanceof Double db ? compareDoubles(da, db) : -compareLongDouble((Long) b, da);
    }
    if (a instanceof String sa) {
      return compareCodePoints(sa, (String) b);
    }
    return Arrays.compareUnsigned((byte[]) a, (byte[]) b);
  }

  /**
   * One representative of the values {@link #compare} finds equal to {@code value}, for use in hash keys: a real
   * with an integral value a long can hold becomes that {@link Long} ({@code 1.0} and {@code -0.0} key like
   * {@code 1} and {@code 0}); anything else is itself. Two storage values compare equal iff their canonical forms
   * are {@link java.util.Arrays#deepEquals deep-equal}.
   */
  public static Object canonical(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
      return (long) (double) d;
    }
    return value;
  }

  private static int rank(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Long || v instanceof Double) {
      return 1;
    }
    if (v instanceof String) {
      return 2;
    }
    if (v instanceof byte[]) {
      return 3;
    }
    throw new IllegalStateException("not a storage value: " + v.getClass().getName());
  }

  /** As SQLite: {@code -0.0} equals {@code 0.0} (Double.compare would order them). */
  private static int compareDoubles(double a, double b) {
    return a == b ? 0 : Double.compare(a, b);
  }

  /** Exact: a long beyond 2^53 is not rounded to a double first. */
  private static int compareLongDouble(long l, double d) {
    if (Double.isNaN(d)) {
      return -1; // the replica stores NaN as TEXT; order it after every number, as Double.compare would
    }
    if (d >= 0x1p63) {
      return -1;
    }
    if (d < -0x1p63) {
      return 1;
    }
    long t = (long) d; // truncates toward zero; exact for |d| < 2^63
    if (l != t) {
      return Long.compare(l, t);
    }
    double fraction = d - t;
    return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
  }

  /** UTF-8 byte order equals code point order; String.compareTo (UTF-16 units) differs above U+FFFF. */
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
