package io.viewsync.core.ivm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Input} returns: the table its rows come from, their columns, the key, the order of
 * {@link Input#fetch}, and the relationships each {@link Node} carries, with the schema of each. Immutable; any
 * thread.
 */
public record Schema(String table, List<String> columns, List<String> key, Ordering ordering,
    Map<String, Schema> relationships) {

  public Schema {
    columns = List.copyOf(columns);
    key = List.copyOf(key);
    relationships = Map.copyOf(relationships);
    if (key.isEmpty() || !columns.containsAll(key)) {
      throw new IllegalArgumentException("key " + key + " must be a non-empty subset of " + columns);
    }
  }

  /** This schema with one more relationship; Join uses it. */
  public Schema withRelationship(String name, Schema child) {
    if (relationships.containsKey(name)) {
      throw new IllegalArgumentException("relationship " + name + " already exists on " + table);
    }
    Map<String, Schema> r = new LinkedHashMap<>(relationships);
    r.put(name, child);
    return new Schema(table, columns, key, ordering, r);
  }
}
