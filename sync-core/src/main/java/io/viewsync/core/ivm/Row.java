package io.viewsync.core.ivm;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable row: column name to storage value ({@link Values}). Equality is by columns and values, with
 * {@code byte[]} compared by content, so a row (or a {@link #select projection} of one) can key a map. Blobs are
 * copied in and out. Immutable; any thread.
 */
public final class Row {
  public static final Row EMPTY = new Row(Map.of());

  private final Map<String, Object> values;

  private Row(Map<String, Object> values) {
    this.values = values;
  }

  /** {@code Row.of("id", 1L, "title", "a")}: alternating column names and storage values. */
  public static Row of(Object... columnsAndValues) {
    if (columnsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("expected column, value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      m.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return of(m);
  }

  public static Row of(Map<String, ?> columns) {
    Map<String, Object> m = new LinkedHashMap<>();
    columns.forEach((c, v) -> m.put(c, copy(Values.check(v))));
    return new Row(Collections.unmodifiableMap(m));
  }

  public Set<String> columns() {
    return values.keySet();
  }

  public boolean has(String column) {
    return values.containsKey(column);
  }

  /** The value of {@code column}; a column the row does not have is a bug, not a NULL. */
  public Object get(String column) {
    if (!values.containsKey(column)) {
      throw new IllegalArgumentException("no column " + column + " in " + this);
    }
    return copy(values.get(column));
  }

  /** This row with {@code column} set to {@code value}. */
  public Row with(String column, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(column, value);
    return of(m);
  }

  /** The given columns of this row, in the given order (a key, a constraint, a partition). */
  public Row select(List<String> columns) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String c : columns) {
      m.put(c, get(c));
    }
    return new Row(Collections.unmodifiableMap(m));
  }

  /** Whether every column of {@code constraint} has an equal value here (NULL equals NULL: {@code IS}). */
  public boolean matches(Row constraint) {
    for (Map.Entry<String, Object> e : constraint.values.entrySet()) {
      if (Values.compare(get(e.getKey()), e.getValue()) != 0) {
        return false;
      }
    }
    return true;
  }

  private static Object copy(Object v) {
    return v instanceof byte[] b ? b.clone() : v;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Row r) || !values.keySet().equals(r.values.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {r.values.get(e.getKey())})) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach((c, v) -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(c).append('=').append(v instanceof byte[] b ? "x'" + HexFormat.of().formatHex(b) + "'" : v);
    });
    return sb.append('}').toString();
  }
}
