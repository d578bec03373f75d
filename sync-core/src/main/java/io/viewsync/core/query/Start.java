package io.viewsync.core.query;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cursor: the query's rows begin at {@code row}'s position in the (key-completed) order, after it when
 * {@code exclusive}. {@code row} needs a value for every column of that order; it does not have to be a row that
 * exists. Immutable value (the map is an unmodifiable copy that keeps its order); safe from any thread.
 */
public record Start(Map<String, Literal> row, boolean exclusive) {
  public Start {
    row = Collections.unmodifiableMap(new LinkedHashMap<>(row));
    if (row.containsKey(null) || row.containsValue(null)) {
      throw new IllegalArgumentException("a start row has no null names or values (use Literal.Null)");
    }
  }
}
