package io.viewsync.core.ivm;

/**
 * What {@link Input#fetch} returns: rows matching {@code constraint} (column = value for every column in it, NULL
 * matching NULL as SQL {@code IS} does), from {@code start} on, in schema order or, with {@code reverse}, the
 * opposite. Immutable; any thread.
 *
 * @param constraint {@link Row#EMPTY} for none
 * @param start null for the beginning (the end, in reverse)
 */
public record FetchRequest(Row constraint, Start start, boolean reverse) {
  public static final FetchRequest ALL = new FetchRequest(Row.EMPTY, null, false);

  public FetchRequest {
    if (constraint == null) {
      throw new IllegalArgumentException("constraint is Row.EMPTY, not null");
    }
  }

  public static FetchRequest where(Row constraint) {
    return new FetchRequest(constraint, null, false);
  }

  /** Where fetch starts, in the direction of the fetch; the row need not exist. */
  public record Start(Row row, Basis basis) {}

  public enum Basis {
    /** The start row itself, if present, is the first row. */
    AT,
    /** Rows strictly beyond the start row in the fetch direction. */
    AFTER
  }

  /** Whether {@code row} is at or beyond {@code start} under {@code ordering} in this request's direction. */
  public boolean fromStart(Row row, Ordering ordering) {
    if (start == null) {
      return true;
    }
    int c = ordering.compare(row, start.row());
    if (reverse) {
      c = -c;
    }
    return c > 0 || (c == 0 && start.basis() == Basis.AT);
  }
}
