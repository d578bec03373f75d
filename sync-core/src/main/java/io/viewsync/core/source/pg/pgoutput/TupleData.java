package io.viewsync.core.source.pg.pgoutput;

import java.util.Arrays;

/**
 * The column values of one tuple in a pgoutput Insert/Update/Delete message, in the relation's column order.
 *
 * <p>Each column is one of: SQL NULL, "unchanged TOASTed value" (the update did not touch an out-of-line
 * value, so the message does not carry it), or a value in Postgres' text form. Immutable after
 * construction by the parser; the arrays are not copied, callers must not modify them.
 */
public record TupleData(byte[] kinds, String[] texts) {

  public static final byte NULL = 'n';
  public static final byte UNCHANGED_TOAST = 'u';
  public static final byte TEXT = 't';

  public int size() {
    return kinds.length;
  }

  public boolean isNull(int i) {
    return kinds[i] == NULL;
  }

  public boolean isUnchangedToast(int i) {
    return kinds[i] == UNCHANGED_TOAST;
  }

  /** The text form of column {@code i}, or null for NULL and unchanged-TOAST columns. */
  public String text(int i) {
    return texts[i];
  }

  public boolean hasUnchangedToast() {
    for (byte k : kinds) {
      if (k == UNCHANGED_TOAST) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TupleData t && Arrays.equals(kinds, t.kinds) && Arrays.equals(texts, t.texts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(kinds) + Arrays.hashCode(texts);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < kinds.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(kinds[i] == TEXT ? "'" + texts[i] + "'" : kinds[i] == NULL ? "NULL" : "<unchanged>");
    }
    return sb.append(')').toString();
  }
}
