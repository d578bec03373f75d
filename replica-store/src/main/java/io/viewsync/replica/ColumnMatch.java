package io.viewsync.replica;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a table before and after a DDL, paired up: by attnum (a column's identity across renames) when
 * both sides know it, else by name (specs recorded before viewsync tracked attnums). A column dropped and added
 * again under the same name has a new attnum, so it is a new column, as upstream sees it. Immutable.
 */
final class ColumnMatch {
  /** A column on both sides. */
  record Pair(ColumnSpec from, ColumnSpec to) {}

  /** Kept columns, in {@code to}'s order. */
  final List<Pair> kept;
  /** Columns of {@code from} only. */
  final List<ColumnSpec> dropped;
  /** Columns of {@code to} only, in its order. */
  final List<ColumnSpec> added;
  private final Map<String, String> newNames = new HashMap<>();

  ColumnMatch(TableSpec from, TableSpec to) {
    List<ColumnSpec> left = new ArrayList<>(from.columns());
    List<Pair> kept = new ArrayList<>();
    List<ColumnSpec> added = new ArrayList<>();
    for (ColumnSpec t : to.columns()) {
      ColumnSpec f = left.stream().filter(c -> same(c, t)).findFirst().orElse(null);
      if (f == null) {
        added.add(t);
      } else {
        left.remove(f);
        kept.add(new Pair(f, t));
        newNames.put(f.name(), t.name());
      }
    }
    this.kept = List.copyOf(kept);
    this.dropped = List.copyOf(left);
    this.added = List.copyOf(added);
  }

  private static boolean same(ColumnSpec from, ColumnSpec to) {
    return from.attnum() != 0 && to.attnum() != 0 ? from.attnum() == to.attnum() : from.name().equals(to.name());
  }

  /** The name a column of {@code from} has in {@code to}; null when it was dropped (or for null). */
  String newName(String fromName) {
    return fromName == null ? null : newNames.get(fromName);
  }

  /** The {@code from} side of a column of {@code to}, or null when it was added. */
  ColumnSpec before(ColumnSpec toColumn) {
    return kept.stream().filter(p -> p.to().equals(toColumn)).map(Pair::from).findFirst().orElse(null);
  }
}
