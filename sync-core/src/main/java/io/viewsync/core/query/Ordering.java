package io.viewsync.core.query;

import java.util.Objects;

/**
 * One {@code orderBy} term. Ascending puts NULLs first (SQLite's rule); text sorts by UTF-8 bytes (SQLite BINARY,
 * Postgres {@code COLLATE "C"}). Immutable value; safe from any thread.
 */
public record Ordering(String column, Direction direction) {
  public Ordering {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(direction, "direction");
  }

  public static Ordering asc(String column) {
    return new Ordering(column, Direction.ASC);
  }

  public static Ordering desc(String column) {
    return new Ordering(column, Direction.DESC);
  }

  /** Sent on the wire as {@code "asc"} / {@code "desc"}: values only grow. Immutable; safe from any thread. */
  public enum Direction {
    ASC, DESC;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
