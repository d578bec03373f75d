package io.viewsync.core.ivm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a source connection: columns with directions, always ending with the table key so that it is
 * total (two rows compare equal only if they are the same row). Values compare by {@link Values#compare}.
 * Immutable; any thread.
 */
public record Ordering(List<Part> parts) implements Comparator<Row> {
  public enum Direction { ASC, DESC }

  public record Part(String column, Direction direction) {}

  public Ordering {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("an ordering needs at least the key");
    }
  }

  /** {@code parts}, then every column of {@code key} not already among them, ascending: a total order. */
  public static Ordering of(List<Part> parts, List<String> key) {
    List<Part> all = new ArrayList<>(parts);
    for (String k : key) {
      if (all.stream().noneMatch(p -> p.column().equals(k))) {
        all.add(new Part(k, Direction.ASC));
      }
    }
    return new Ordering(all);
  }

  /** Ascending by the key alone. */
  public static Ordering byKey(List<String> key) {
    return of(List.of(), key);
  }

  public static Part asc(String column) {
    return new Part(column, Direction.ASC);
  }

  public static Part desc(String column) {
    return new Part(column, Direction.DESC);
  }

  @Override
  public int compare(Row a, Row b) {
    for (Part p : parts) {
      int c = Values.compare(a.get(p.column()), b.get(p.column()));
      if (c != 0) {
        return p.direction() == Direction.ASC ? c : -c;
      }
    }
    return 0;
  }
}
